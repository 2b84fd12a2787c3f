package hamlet.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What {@link ArteryBench}'s actors share with Hamlet's load bundle (bundles/examples/load), copied so that both
 * sides measure the very same thing: the numbered body, the sequence check, the histograms as they travel, and the
 * replies to control messages.
 *
 * <p>Every message on the wire is a {@code byte[]} (Pekko's ByteArraySerializer, the load) or a {@code String}
 * (pekko-remote's primitive-string serializer, the control), so no Java serialization is involved.
 */
final class ArteryLoad {
    /** The smallest body: sequence and timestamp. */
    static final int MIN_BYTES = 16;

    private ArteryLoad() {
    }

    /**
     * Big-endian sequence (from 1 per sender) and the sender's {@link System#nanoTime()} (CLOCK_MONOTONIC on
     * Linux, one clock for every process of the machine), then padding: as Hamlet's LoadBody.
     */
    static byte[] encode(final long seq, final long sentNanos, final int size) {
        final byte[] body = new byte[Math.max(MIN_BYTES, size)];
        ByteBuffer.wrap(body).putLong(seq).putLong(sentNanos);
        return body;
    }

    static boolean fits(final byte[] body) {
        return body.length >= MIN_BYTES;
    }

    static long seq(final byte[] body) {
        return ByteBuffer.wrap(body).getLong(0);
    }

    static long sentNanos(final byte[] body) {
        return ByteBuffer.wrap(body).getLong(8);
    }

    /** @return an auto-resizing histogram of nanoseconds with 3 significant digits, as Hamlet's */
    static Histogram histogram() {
        return new Histogram(3);
    }

    static String encode(final Histogram histogram) {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        final byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Histogram decode(final String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (final DataFormatException e) {
            throw new IllegalStateException("a histogram that does not decode: " + e.getMessage(), e);
        }
    }

    /**
     * A reply to a control message: {@code key=value} pairs joined by {@code ;}. Values are numbers, paths or
     * Base64 (whose {@code =} padding is safe: only the first {@code =} of a pair splits it).
     */
    static String reply(final Map<String, Object> fields) {
        final StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return out.toString();
    }

    static Map<String, String> parse(final String reply) {
        final Map<String, String> out = new LinkedHashMap<>();
        for (final String pair : reply.split(";")) {
            final int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    /**
     * What one recorder saw of one sender's numbered messages, exactly as Hamlet's SequenceCheck: a number seen
     * twice is a duplicate, a new number below the highest so far came out of order, a number between the lowest
     * and the highest that never came is a gap. Owned by its recorder's turn.
     */
    static final class SequenceCheck {
        private final BitSet seen = new BitSet();
        private long received;
        private long distinct;
        private long duplicates;
        private long outOfOrder;
        private long first;
        private long last;

        void accept(final long seq) {
            received++;
            if (seq > 0 && seq <= Integer.MAX_VALUE) {
                if (seen.get((int) seq)) {
                    duplicates++;
                    return;
                }
                seen.set((int) seq);
            }
            distinct++;
            if (first == 0 || seq < first) {
                first = seq;
            }
            if (seq > last) {
                last = seq;
            } else if (distinct > 1) {
                outOfOrder++;
            }
        }

        long received() {
            return received;
        }

        long duplicates() {
            return duplicates;
        }

        long outOfOrder() {
            return outOfOrder;
        }

        long gaps() {
            return distinct == 0 ? 0 : last - first + 1 - distinct;
        }
    }
}
