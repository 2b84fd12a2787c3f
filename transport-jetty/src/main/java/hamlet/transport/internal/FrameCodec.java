package hamlet.transport.internal;

import static hamlet.transport.internal.FrameLayout.ACK_LENGTH;
import static hamlet.transport.internal.FrameLayout.CONTROL_PREFIX_LENGTH;
import static hamlet.transport.internal.FrameLayout.CURRENT_VERSION;
import static hamlet.transport.internal.FrameLayout.DATA_PREFIX_LENGTH;
import static hamlet.transport.internal.FrameLayout.HEADER_LENGTH;
import static hamlet.transport.internal.FrameLayout.MAGIC;
import static hamlet.transport.internal.FrameLayout.MAX_HANDSHAKE_STRING;
import static hamlet.transport.internal.FrameLayout.PREVIOUS_VERSION;
import static hamlet.transport.internal.FrameLayout.TYPE_OFFSET;
import static hamlet.transport.internal.FrameLayout.VERSION_OFFSET;
import static hamlet.transport.internal.FrameLayout.TYPE_ACK;
import static hamlet.transport.internal.FrameLayout.TYPE_CONTROL;
import static hamlet.transport.internal.FrameLayout.TYPE_DATA;
import static hamlet.transport.internal.FrameLayout.TYPE_HANDSHAKE;
import static hamlet.transport.internal.FrameLayout.TYPE_HEARTBEAT;

import hamlet.api.transport.Transport;
import hamlet.transport.internal.EnvelopeCodec.Sequenced;
import hamlet.transport.internal.ProtocolException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns frames into bytes and back, enforcing the layout of {@link FrameLayout} and the size limits. Immutable and
 * thread-safe.
 */
public final class FrameCodec {
    /** A decoded frame. */
    public sealed interface Frame permits HandshakeFrame, DataFrame, AckFrame, HeartbeatFrame, ControlFrame {
    }

    /** @param handshake what the peer said */
    public record HandshakeFrame(Handshake handshake) implements Frame {
    }

    /** @param envelopes the batch, in sequence order as written */
    public record DataFrame(List<Sequenced> envelopes) implements Frame {
    }

    /**
     * @param uid the uid of the node whose envelopes are acknowledged
     * @param seq the highest sequence the peer delivered from that uid
     */
    public record AckFrame(long uid, long seq) implements Frame {
    }

    /**
     * @param channel the receiver's channel
     * @param payload the message
     */
    public record ControlFrame(int channel, byte[] payload) implements Frame {
    }

    /** A heartbeat. */
    public record HeartbeatFrame() implements Frame {
    }

    private static final HeartbeatFrame HEARTBEAT = new HeartbeatFrame();

    private final int maxFrameBytes;
    private final EnvelopeCodec envelopes;
    /** The highest version decoded: {@link FrameLayout#CURRENT_VERSION}, or 2 for a node made to act as an old one. */
    private final byte highestVersion;

    /**
     * @param maxFrameBytes the largest frame accepted or written
     * @param maxEnvelopeBytes the largest encoded envelope accepted or written
     */
    public FrameCodec(final int maxFrameBytes, final int maxEnvelopeBytes) {
        this(maxFrameBytes, maxEnvelopeBytes, CURRENT_VERSION);
    }

    /**
     * @param maxFrameBytes the largest frame accepted or written
     * @param maxEnvelopeBytes the largest encoded envelope accepted or written
     * @param highestVersion the highest version decoded (tests make a node that decodes version 2 only, as a node
     *     of the previous release does)
     */
    FrameCodec(final int maxFrameBytes, final int maxEnvelopeBytes, final byte highestVersion) {
        this.maxFrameBytes = maxFrameBytes;
        this.envelopes = new EnvelopeCodec(maxEnvelopeBytes);
        this.highestVersion = highestVersion;
    }

    /** @return the highest version this codec decodes */
    byte highestVersion() {
        return highestVersion;
    }

    /** @return the envelope codec with this codec's limit */
    public EnvelopeCodec envelopes() {
        return envelopes;
    }

    /** @return the largest frame */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Decodes one frame; the whole buffer must be exactly one frame.
     *
     * @param in the frame's bytes (position to limit); read, not kept
     * @return the frame
     * @throws ProtocolException naming the rule the bytes break
     */
    public Frame decode(final ByteBuffer in) throws ProtocolException {
        final byte type = peekType(in);
        in.position(in.position() + HEADER_LENGTH);
        final Frame frame;
        switch (type) {
            case TYPE_HANDSHAKE:
                frame = new HandshakeFrame(new Handshake(handshakeString(in, "cluster name"),
                    handshakeString(in, "node id"), readLong(in, "uid"), handshakeString(in, "url")));
                break;
            case TYPE_DATA:
                frame = new DataFrame(decodeData(in, in.get(in.position() - HEADER_LENGTH + VERSION_OFFSET)));
                break;
            case TYPE_ACK:
                frame = new AckFrame(readLong(in, "ack uid"), readLong(in, "ack"));
                break;
            case TYPE_CONTROL:
                frame = decodeControl(in);
                break;
            case TYPE_HEARTBEAT:
                frame = HEARTBEAT;
                break;
            default:
                throw new ProtocolException(Reason.UNKNOWN_TYPE, "unknown frame type " + type);
        }
        if (in.hasRemaining()) {
            throw new ProtocolException(Reason.MALFORMED,
                in.remaining() + " bytes left over after a frame of type " + type);
        }
        return frame;
    }

    /**
     * Checks a frame's size, magic and version and reads its type without decoding (or allocating) anything else,
     * so that a connection can refuse a frame by its type before paying for it.
     *
     * @param in the frame's bytes; its position is not moved
     * @return the type id
     * @throws ProtocolException FRAME_TOO_LARGE, TRUNCATED, BAD_MAGIC or BAD_VERSION
     */
    public byte peekType(final ByteBuffer in) throws ProtocolException {
        if (in.remaining() > maxFrameBytes) {
            throw new ProtocolException(Reason.FRAME_TOO_LARGE, "frame of " + in.remaining()
                + " bytes, more than " + maxFrameBytes + " (hamlet.transport.max-frame)");
        }
        if (in.remaining() < HEADER_LENGTH) {
            throw new ProtocolException(Reason.TRUNCATED, "frame header needs " + HEADER_LENGTH + " bytes, "
                + in.remaining() + " left");
        }
        final int at = in.position();
        final short magic = in.getShort(at);
        if (magic != MAGIC) {
            throw new ProtocolException(Reason.BAD_MAGIC,
                String.format("frame starts with 0x%04X, not the magic 0x%04X: not a Hamlet peer", magic, MAGIC));
        }
        final byte version = in.get(at + VERSION_OFFSET);
        if (version < PREVIOUS_VERSION || version > highestVersion) {
            throw new ProtocolException(Reason.BAD_VERSION, "protocol version " + version + ", this node speaks "
                + (highestVersion == PREVIOUS_VERSION ? "" + PREVIOUS_VERSION : PREVIOUS_VERSION + " and "
                + highestVersion));
        }
        return in.get(at + 3);
    }

    private static ControlFrame decodeControl(final ByteBuffer in) throws ProtocolException {
        EnvelopeCodec.need(in, 1, "control channel");
        final int channel = in.get() & 0xFF;
        if (channel < 1) {
            throw new ProtocolException(Reason.MALFORMED, "control channel 0 is not a channel");
        }
        if (in.remaining() > Transport.MAX_CONTROL_BYTES) {
            throw new ProtocolException(Reason.MALFORMED, "control message of " + in.remaining()
                + " bytes, more than " + Transport.MAX_CONTROL_BYTES);
        }
        final byte[] payload = new byte[in.remaining()];
        in.get(payload);
        return new ControlFrame(channel, payload);
    }

    private List<Sequenced> decodeData(final ByteBuffer in, final byte version) throws ProtocolException {
        EnvelopeCodec.need(in, 4, "envelope count");
        final int count = in.getInt();
        final int minLength = version >= CURRENT_VERSION ? EnvelopeCodec.MIN_LENGTH : EnvelopeCodec.MIN_LENGTH_V2;
        // Bound the list by what the bytes can hold before allocating it.
        if (count < 1 || count > in.remaining() / minLength) {
            throw new ProtocolException(Reason.MALFORMED,
                "envelope count " + count + " is impossible in " + in.remaining() + " bytes");
        }
        final List<Sequenced> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            batch.add(envelopes.decode(in, version));
        }
        return batch;
    }

    private static long readLong(final ByteBuffer in, final String what) throws ProtocolException {
        EnvelopeCodec.need(in, 8, what);
        return in.getLong();
    }

    private static String handshakeString(final ByteBuffer in, final String what) throws ProtocolException {
        EnvelopeCodec.need(in, 2, what + " length");
        final int length = in.getShort() & 0xFFFF;
        if (length > MAX_HANDSHAKE_STRING) {
            throw new ProtocolException(Reason.MALFORMED,
                what + " of " + length + " bytes, more than " + MAX_HANDSHAKE_STRING);
        }
        return EnvelopeCodec.string(in, length, what);
    }

    /**
     * @param handshake what to say
     * @return the frame
     */
    public ByteBuffer encodeHandshake(final Handshake handshake) {
        final byte[] cluster = bounded(handshake.cluster());
        final byte[] node = bounded(handshake.nodeId());
        final byte[] url = bounded(handshake.url());
        final ByteBuffer out = header(HEADER_LENGTH + 2 + cluster.length + 2 + node.length + 8 + 2 + url.length,
            TYPE_HANDSHAKE);
        out.putShort((short) cluster.length).put(cluster).putShort((short) node.length).put(node)
            .putLong(handshake.uid()).putShort((short) url.length).put(url);
        return out.flip();
    }

    private static byte[] bounded(final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_HANDSHAKE_STRING) {
            throw new IllegalArgumentException("'" + text + "' is longer than " + MAX_HANDSHAKE_STRING + " bytes");
        }
        return bytes;
    }

    /**
     * @param uid the uid of the node whose envelopes are acknowledged
     * @param seq the highest sequence delivered from it
     * @return the frame
     */
    public ByteBuffer encodeAck(final long uid, final long seq) {
        return header(ACK_LENGTH, TYPE_ACK).putLong(uid).putLong(seq).flip();
    }

    /**
     * @param channel the receiver's channel, 1..255
     * @param payload the message, at most {@link Transport#MAX_CONTROL_BYTES}
     * @return the frame
     */
    public ByteBuffer encodeControl(final int channel, final byte[] payload) {
        return header(CONTROL_PREFIX_LENGTH + payload.length, TYPE_CONTROL).put((byte) channel).put(payload).flip();
    }

    /** @return a heartbeat frame */
    public ByteBuffer encodeHeartbeat() {
        return header(HEADER_LENGTH, TYPE_HEARTBEAT).flip();
    }

    /**
     * Builds a DATA frame from envelopes already encoded by {@link EnvelopeCodec#encode}.
     *
     * @param encoded the envelopes, in order; at least one; their total plus {@link FrameLayout#DATA_PREFIX_LENGTH}
     *     must fit {@link #maxFrameBytes()}
     * @param totalBytes their total length
     * @return the frame
     */
    public ByteBuffer encodeData(final List<byte[]> encoded, final int totalBytes) {
        final ByteBuffer out = header(DATA_PREFIX_LENGTH + totalBytes, TYPE_DATA);
        out.putInt(encoded.size());
        for (final byte[] envelope : encoded) {
            out.put(envelope);
        }
        return out.flip();
    }

    /**
     * A frame of this node (version {@link FrameLayout#CURRENT_VERSION}) as a version-2 peer reads it: the version
     * byte set to 2, and in a DATA frame each envelope's trace id left out. Other layouts are the same in both.
     *
     * @param frame a frame this codec encoded; its position is not moved
     * @return the frame in version 2 (a new buffer for DATA; the same bytes, version patched, for the others)
     */
    static ByteBuffer downgrade(final ByteBuffer frame) {
        final int at = frame.position();
        if (frame.get(at + TYPE_OFFSET) != TYPE_DATA) {
            frame.put(at + VERSION_OFFSET, PREVIOUS_VERSION);
            return frame;
        }
        final int count = frame.getInt(at + HEADER_LENGTH);
        final ByteBuffer out = ByteBuffer.allocate(frame.remaining() - count * EnvelopeCodec.TRACE_LENGTH);
        out.putShort(MAGIC).put(PREVIOUS_VERSION).put(TYPE_DATA).putInt(count);
        int envelope = at + DATA_PREFIX_LENGTH;
        for (int i = 0; i < count; i++) {
            // seq, codec id, to; from (none: no bytes); payload: then the trace id, left out.
            int p = envelope + 8 + 1;
            p += 2 + (frame.getShort(p) & 0xFFFF);
            final int fromLength = frame.getShort(p) & 0xFFFF;
            p += 2 + (fromLength == EnvelopeCodec.NO_SENDER ? 0 : fromLength);
            p += 4 + frame.getInt(p);
            out.put(frame.slice(envelope, p - envelope));
            envelope = p + EnvelopeCodec.TRACE_LENGTH;
        }
        return out.flip();
    }

    private static ByteBuffer header(final int length, final byte type) {
        return ByteBuffer.allocate(length).putShort(MAGIC).put(CURRENT_VERSION).put(type);
    }
}
