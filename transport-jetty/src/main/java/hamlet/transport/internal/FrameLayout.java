package hamlet.transport.internal;

/**
 * The wire layout of every frame (one WebSocket binary message). Big-endian throughout.
 *
 * <pre>
 * Header, every frame (4 bytes):
 *   0               1               2               3
 *  +---------------+---------------+---------------+---------------+
 *  |        magic 0x484D ("HM")    |    version    |    type id    |
 *  +---------------+---------------+---------------+---------------+
 *
 * HANDSHAKE (type 1), the first frame each side sends on a connection:
 *  | u16 cluster length | cluster name, UTF-8 |
 *  | u16 node id length | node id, UTF-8      |
 *  | i64 uid (!= 0): random per start of the sender; compared only for equality |
 *  | u16 url length     | advertised ws:// URL, UTF-8 (may be empty) |
 *
 * DATA (type 2), one batch of envelopes:
 *  | i32 count (>= 1) | count x envelope (see EnvelopeCodec; version 3 ends each with an i64 trace id) |
 *
 * ACK (type 3), cumulative:
 *  | i64 uid of the node whose envelopes are acknowledged (the ACK's receiver) |
 *  | i64 highest sequence delivered from that uid                              |
 *
 * HEARTBEAT (type 4): no body.
 *
 * CONTROL (type 5), one control-lane message (unreliable, unordered, written ahead of data):
 *  | u8 channel (1..255) | payload, the rest of the frame (at most Transport.MAX_CONTROL_BYTES) |
 * </pre>
 *
 * <p>Version 2 (this one) replaced version 1's incarnation (a start time, compared for order: a forged huge value
 * locked the real node out) with the uid, tagged ACKs with the uid they acknowledge, and added CONTROL. Version 1 is
 * not decoded: its incarnation cannot be given the uid's meaning, so a mixed cluster would be unsafe; a version-1
 * peer is refused as BAD_VERSION, which names both versions.
 *
 * <p>Version 3 (this one) adds an i64 trace id at the end of each envelope; every other layout is version 2's. A node
 * decodes versions 2 and 3, and speaks to each peer the lower of their versions, agreed on the WebSocket upgrade:
 * the dialing side sends the header {@value #VERSION_HEADER} with the highest version it speaks, and the accepting
 * side, when it speaks 3 too, answers with the version it chose; a version-2 node neither sends nor answers the
 * header (it ignores it), so both sides then use version 2 for every frame, the handshake included. An envelope of a
 * version-2 frame carries no trace id: the receiving registry gives it a new one. Version 2 goes in the release
 * after the next; version 1 is refused as BAD_VERSION.
 *
 * <p>Rules: type ids are append-only (never reuse or renumber one). The version byte is the protocol version: a
 * change of any layout bumps it; a node then decodes both the old and the new version for one release before the
 * old is dropped (rolling upgrade). A frame whose magic, version or type is wrong closes its connection.
 */
public final class FrameLayout {
    /** "HM". */
    public static final short MAGIC = 0x484D;
    /** The protocol version this node speaks when its peer does. */
    public static final byte CURRENT_VERSION = 3;
    /** The previous version, still decoded and spoken to a peer that speaks no other (rolling upgrade). */
    public static final byte PREVIOUS_VERSION = 2;
    /** The HTTP header of the WebSocket upgrade in which the two sides agree on a version (ignored by version 2). */
    public static final String VERSION_HEADER = "Hamlet-Protocol";
    /** Offset of the magic (u16). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version byte. */
    public static final int VERSION_OFFSET = 2;
    /** Offset of the type id byte. */
    public static final int TYPE_OFFSET = 3;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 4;

    /** Type id: handshake. ONLY APPEND to this list. */
    public static final byte TYPE_HANDSHAKE = 1;
    /** Type id: a batch of envelopes. */
    public static final byte TYPE_DATA = 2;
    /** Type id: cumulative ack. */
    public static final byte TYPE_ACK = 3;
    /** Type id: heartbeat. */
    public static final byte TYPE_HEARTBEAT = 4;
    /** Type id: a control-lane message. */
    public static final byte TYPE_CONTROL = 5;

    /** Length of a DATA frame's header and count. */
    public static final int DATA_PREFIX_LENGTH = HEADER_LENGTH + 4;
    /** Length of an ACK frame. */
    public static final int ACK_LENGTH = HEADER_LENGTH + 16;
    /** Length of a CONTROL frame's header and channel. */
    public static final int CONTROL_PREFIX_LENGTH = HEADER_LENGTH + 1;
    /** Longest cluster name, node id or URL in a handshake, in bytes. */
    public static final int MAX_HANDSHAKE_STRING = 1024;

    private FrameLayout() {
    }
}
