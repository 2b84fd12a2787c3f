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
 *  | i64 incarnation (> 0)                    |
 *  | u16 url length     | advertised ws:// URL, UTF-8 (may be empty) |
 *
 * DATA (type 2), one batch of envelopes:
 *  | i32 count (>= 1) | count x envelope (see EnvelopeCodec) |
 *
 * ACK (type 3), cumulative:
 *  | i64 highest sequence delivered from the receiving side's sender incarnation |
 *
 * HEARTBEAT (type 4): no body.
 * </pre>
 *
 * <p>Rules: type ids are append-only (never reuse or renumber one). The version byte is the protocol version: a
 * change of any layout bumps it; a node then decodes both the old and the new version for one release before the
 * old is dropped (rolling upgrade). A frame whose magic, version or type is wrong closes its connection.
 */
public final class FrameLayout {
    /** "HM". */
    public static final short MAGIC = 0x484D;
    /** The protocol version this node speaks. */
    public static final byte CURRENT_VERSION = 1;
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

    /** Length of a DATA frame's header and count. */
    public static final int DATA_PREFIX_LENGTH = HEADER_LENGTH + 4;
    /** Length of an ACK frame. */
    public static final int ACK_LENGTH = HEADER_LENGTH + 8;
    /** Longest cluster name, node id or URL in a handshake, in bytes. */
    public static final int MAX_HANDSHAKE_STRING = 1024;

    private FrameLayout() {
    }
}
