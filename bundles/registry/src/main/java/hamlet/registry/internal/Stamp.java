package hamlet.registry.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Who first sent a message to a cluster actor, and its number among that sender's messages to that actor: the key by
 * which an activation drops a message it has handled already (one reclaimed from a dead owner's outbox, or forwarded
 * twice). Stamped once, on the node the message was first sent from; kept unchanged as the message is held,
 * forwarded, handed over or reclaimed. Immutable.
 *
 * <p>On the wire a stamped message is an envelope of the reserved codec id {@value #CODEC_ID} whose payload wraps the
 * body's own codec id and bytes (big-endian):
 *
 * <pre>
 *   byte    version (1)
 *   byte    flags: bit 0 = forwarded once already (a receiver that is not the owner holds it rather than
 *           forwarding it again: one hop, no ping-pong)
 *   short   length of the origin node id, then its UTF-8 bytes (at most 255)
 *   long    origin run: random per start of the origin's runtime, never 0 (compared for equality only)
 *   long    seq: 1, 2, 3 ... per (origin run, actor name)
 *   byte    the body's codec id (0..255, unsigned)
 *   ...     the body's bytes, to the end
 * </pre>
 *
 * A node decodes plain envelopes (codec ids 1..4 and user codecs) as before: only messages to cluster actors are
 * wrapped.
 *
 * @param origin the node the message was first sent from
 * @param run that node's runtime start
 * @param seq the message's number among that run's messages to this actor, from 1
 * @param forwarded whether a node that did not own the actor forwarded it already
 */
record Stamp(String origin, long run, long seq, boolean forwarded) {
    /** The reserved codec id of a stamped message: Hamlet's own ids are below 64. Never reuse. */
    static final int CODEC_ID = 5;
    static final int VERSION = 1;
    private static final int MAX_ORIGIN_BYTES = 255;
    /** version, flags, origin length, run, seq, codec id. */
    private static final int FIXED_BYTES = 1 + 1 + 2 + 8 + 8 + 1;

    Stamp {
        Objects.requireNonNull(origin, "origin");
    }

    /** @return the key of its origin in an activation's record of what it handled */
    String originKey() {
        return origin + "/" + Long.toHexString(run);
    }

    /** @return the same stamp, marked as forwarded once */
    Stamp forwardedOnce() {
        return forwarded ? this : new Stamp(origin, run, seq, true);
    }

    /** A stamped body as it arrived: the stamp and the inner codec id and bytes. */
    record Unwrapped(Stamp stamp, int codecId, byte[] payload) {
    }

    /**
     * @param innerCodecId the body's codec id
     * @param inner the body's bytes
     * @return the payload of a {@value #CODEC_ID} envelope
     */
    byte[] wrap(final int innerCodecId, final byte[] inner) {
        final byte[] originBytes = origin.getBytes(StandardCharsets.UTF_8);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(FIXED_BYTES + originBytes.length + inner.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(forwarded ? 1 : 0);
            out.writeShort(originBytes.length);
            out.write(originBytes);
            out.writeLong(run);
            out.writeLong(seq);
            out.writeByte(innerCodecId);
            out.write(inner);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot happen in memory", e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param payload a {@value #CODEC_ID} envelope's payload, from another node
     * @return the stamp and the body it wraps
     * @throws IllegalArgumentException when it is malformed (every length checked before use)
     */
    static Unwrapped unwrap(final byte[] payload) {
        if (payload.length < FIXED_BYTES) {
            throw new IllegalArgumentException("a stamped message of " + payload.length + " bytes is too short");
        }
        final ByteBuffer in = ByteBuffer.wrap(payload);
        final int version = in.get() & 0xff;
        if (version != VERSION) {
            throw new IllegalArgumentException("stamped message version " + version + " is not " + VERSION);
        }
        final boolean forwarded = (in.get() & 1) != 0;
        final int originLength = in.getShort() & 0xffff;
        if (originLength == 0 || originLength > MAX_ORIGIN_BYTES || originLength > in.remaining() - 17) {
            throw new IllegalArgumentException("stamped message origin length " + originLength + " is out of bounds");
        }
        final byte[] originBytes = new byte[originLength];
        in.get(originBytes);
        final long run = in.getLong();
        final long seq = in.getLong();
        final int codecId = in.get() & 0xff;
        if (seq < 1 || codecId == CODEC_ID) {
            throw new IllegalArgumentException("stamped message with seq " + seq + " and inner codec " + codecId);
        }
        final byte[] inner = new byte[in.remaining()];
        in.get(inner);
        return new Unwrapped(new Stamp(new String(originBytes, StandardCharsets.UTF_8), run, seq, forwarded),
            codecId, inner);
    }
}
