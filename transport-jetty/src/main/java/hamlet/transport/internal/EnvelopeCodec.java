package hamlet.transport.internal;

import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.ProtocolException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes one envelope inside a DATA frame. Stateless apart from its limit; thread-safe.
 *
 * <pre>
 *  | i64 sequence (> 0)                                          |
 *  | u8 codec id                                                 |
 *  | u16 to length   | to, UTF-8 (1 or more bytes)               |
 *  | u16 from length | from, UTF-8; 0xFFFF = no sender, no bytes |
 *  | i32 payload length (>= 0) | payload                         |
 *  | i64 trace id (0: none)                        version 3 only |
 * </pre>
 *
 * <p>This node encodes version 3 only (the outbox keeps one encoding whatever the connection that carries it); a
 * frame for a version-2 peer is made from it by {@link FrameCodec#downgrade}, which leaves the trace ids out.
 */
public final class EnvelopeCodec {
    /** The smallest encoded envelope: every fixed field, a one-byte {@code to}, no sender, no payload. */
    public static final int MIN_LENGTH = 8 + 1 + 2 + 1 + 2 + 4 + 8;
    /** The smallest envelope of version 2, which has no trace id. */
    static final int MIN_LENGTH_V2 = MIN_LENGTH - 8;
    /** Length of the trace id that ends a version-3 envelope. */
    static final int TRACE_LENGTH = 8;
    /** The {@code from} length that means "no sender". */
    static final int NO_SENDER = 0xFFFF;
    private static final int MAX_ADDRESS_BYTES = 0xFFFE;

    private final int maxEnvelopeBytes;

    /** @param maxEnvelopeBytes the largest encoded envelope accepted either way */
    public EnvelopeCodec(final int maxEnvelopeBytes) {
        this.maxEnvelopeBytes = maxEnvelopeBytes;
    }

    /**
     * Encodes an envelope with its sequence number.
     *
     * @param seq the link sequence number
     * @param envelope the envelope
     * @return the encoded bytes, or {@code null} when they would exceed the envelope limit
     */
    public byte[] encode(final long seq, final WireEnvelope envelope) {
        final byte[] to = envelope.to().getBytes(StandardCharsets.UTF_8);
        final byte[] from = envelope.from() == null ? null : envelope.from().getBytes(StandardCharsets.UTF_8);
        final long length = (long) MIN_LENGTH - 1 + to.length + (from == null ? 0 : from.length)
            + envelope.payload().length;
        if (length > maxEnvelopeBytes || to.length == 0 || to.length > MAX_ADDRESS_BYTES
            || (from != null && from.length > MAX_ADDRESS_BYTES)) {
            return null;
        }
        final ByteBuffer out = ByteBuffer.allocate((int) length);
        out.putLong(seq).put((byte) envelope.codecId()).putShort((short) to.length).put(to);
        if (from == null) {
            out.putShort((short) NO_SENDER);
        } else {
            out.putShort((short) from.length).put(from);
        }
        out.putInt(envelope.payload().length).put(envelope.payload()).putLong(envelope.traceId());
        return out.array();
    }

    /**
     * Writes the sequence number into an envelope encoded with sequence 0: the link numbers an envelope only once it
     * accepted it, after encoding it outside its lock.
     *
     * @param encoded an envelope from {@link #encode}
     * @param seq its sequence number
     */
    static void patchSequence(final byte[] encoded, final long seq) {
        ByteBuffer.wrap(encoded).putLong(0, seq);
    }

    /**
     * Decodes an envelope this node encoded itself (to dead-letter it from the outbox), whatever the envelope limit
     * is now: a live edit may have lowered it since.
     *
     * @param encoded an envelope from {@link #encode}
     * @return the envelope
     * @throws IllegalStateException when the bytes are not an envelope (a bug)
     */
    WireEnvelope decodeOwn(final byte[] encoded) {
        try {
            return new EnvelopeCodec(Integer.MAX_VALUE).decode(ByteBuffer.wrap(encoded)).envelope();
        } catch (final ProtocolException e) {
            throw new IllegalStateException("an envelope of the outbox does not decode: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes one envelope at the buffer's position and moves past it. Every length is checked against what is
     * left and against the envelope limit before anything is allocated.
     *
     * @param in the frame, positioned at an envelope
     * @return the envelope and its sequence number
     * @throws ProtocolException TRUNCATED, MALFORMED or ENVELOPE_TOO_LARGE
     */
    public Sequenced decode(final ByteBuffer in) throws ProtocolException {
        return decode(in, FrameLayout.CURRENT_VERSION);
    }

    /**
     * Decodes one envelope of a given protocol version at the buffer's position and moves past it.
     *
     * @param in the frame, positioned at an envelope
     * @param version the frame's version: 3 reads the trace id that ends the envelope, 2 has none (0)
     * @return the envelope and its sequence number
     * @throws ProtocolException TRUNCATED, MALFORMED or ENVELOPE_TOO_LARGE
     */
    public Sequenced decode(final ByteBuffer in, final byte version) throws ProtocolException {
        final int start = in.position();
        need(in, 8 + 1 + 2, "envelope header");
        final long seq = in.getLong();
        if (seq <= 0) {
            throw new ProtocolException(Reason.MALFORMED, "envelope sequence must be > 0, got " + seq);
        }
        final int codecId = in.get() & 0xFF;
        final int toLength = in.getShort() & 0xFFFF;
        if (toLength == 0) {
            throw new ProtocolException(Reason.MALFORMED, "envelope with an empty receiver address");
        }
        checkSize(start, in.position() + (long) toLength);
        final String to = string(in, toLength, "receiver address");
        need(in, 2, "sender length");
        final int fromLength = in.getShort() & 0xFFFF;
        String from = null;
        if (fromLength != NO_SENDER) {
            checkSize(start, in.position() + (long) fromLength);
            from = string(in, fromLength, "sender address");
        }
        need(in, 4, "payload length");
        final int payloadLength = in.getInt();
        if (payloadLength < 0) {
            throw new ProtocolException(Reason.MALFORMED, "negative payload length " + payloadLength);
        }
        checkSize(start, in.position() + (long) payloadLength);
        need(in, payloadLength, "payload");
        final byte[] payload = new byte[payloadLength];
        in.get(payload);
        long traceId = 0;
        if (version >= FrameLayout.CURRENT_VERSION) {
            need(in, TRACE_LENGTH, "trace id");
            traceId = in.getLong();
        }
        return new Sequenced(seq, new WireEnvelope(to, from, codecId, payload, traceId));
    }

    private void checkSize(final int start, final long end) throws ProtocolException {
        if (end - start > maxEnvelopeBytes) {
            throw new ProtocolException(Reason.ENVELOPE_TOO_LARGE,
                "envelope of more than " + maxEnvelopeBytes + " bytes (hamlet.transport.max-envelope)");
        }
    }

    static void need(final ByteBuffer in, final int bytes, final String what) throws ProtocolException {
        if (in.remaining() < bytes) {
            throw new ProtocolException(Reason.TRUNCATED,
                "frame ends inside the " + what + " (" + in.remaining() + " of " + bytes + " bytes left)");
        }
    }

    static String string(final ByteBuffer in, final int length, final String what) throws ProtocolException {
        need(in, length, what);
        if (in.hasArray()) {
            // Addresses are ASCII names: pure ASCII is valid UTF-8 as is, so it skips the copy and the strict
            // decoder that every envelope's two addresses would otherwise pay for.
            final byte[] array = in.array();
            final int from = in.arrayOffset() + in.position();
            if (isAscii(array, from, length)) {
                in.position(in.position() + length);
                return new String(array, from, length, StandardCharsets.US_ASCII);
            }
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final java.nio.charset.CharacterCodingException e) {
            throw new ProtocolException(Reason.MALFORMED, what + " is not valid UTF-8");
        }
    }

    private static boolean isAscii(final byte[] bytes, final int from, final int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * An envelope with its link sequence number.
     *
     * @param seq the sequence number
     * @param envelope the envelope
     */
    public record Sequenced(long seq, WireEnvelope envelope) {
    }
}
