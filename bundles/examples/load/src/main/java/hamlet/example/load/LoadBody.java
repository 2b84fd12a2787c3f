package hamlet.example.load;

import java.nio.ByteBuffer;

/**
 * The body of one numbered message, and of an acknowledgement: raw bytes (the transport sends {@code byte[]} as
 * is, with no JSON in the way), big-endian: the sequence number (8 bytes, from 1 per sender) and the sender's
 * {@link System#nanoTime()} when it sent (8 bytes), then padding up to the body size asked for.
 *
 * <p>{@code System.nanoTime()} is CLOCK_MONOTONIC on Linux, one clock for every process of the machine, so a
 * receiver on the same machine may subtract it from its own reading: that is the one-way latency.
 *
 * <p>Public (the package is not exported) because the Pekko reference bench in bench/ sends the very same body.
 */
public final class LoadBody {
    /** The smallest body: sequence and timestamp. */
    public static final int MIN_BYTES = 16;

    private LoadBody() {
    }

    public static byte[] encode(final long seq, final long sentNanos, final int size) {
        final byte[] body = new byte[Math.max(MIN_BYTES, size)];
        ByteBuffer.wrap(body).putLong(seq).putLong(sentNanos);
        return body;
    }

    /** @return whether the bytes can be a load body */
    public static boolean fits(final byte[] body) {
        return body.length >= MIN_BYTES;
    }

    public static long seq(final byte[] body) {
        return ByteBuffer.wrap(body).getLong(0);
    }

    public static long sentNanos(final byte[] body) {
        return ByteBuffer.wrap(body).getLong(8);
    }
}
