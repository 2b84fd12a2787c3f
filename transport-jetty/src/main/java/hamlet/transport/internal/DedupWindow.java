package hamlet.transport.internal;

/**
 * Exact duplicate detection for the sequence numbers of one sender incarnation, in bounded memory: the highest
 * sequence accepted, plus one bit for each of the {@code size} sequences just below it. A sequence above the highest
 * is new; one inside the window is new unless its bit is set; one below the window is treated as a duplicate (the
 * sender resends from its oldest unacknowledged envelope, which is never further back than the window once acks
 * flow, so in practice nothing new arrives there; it is counted apart so that it would show).
 *
 * <p>Not thread-safe: the owning {@link PeerLink} calls it under its inbound lock.
 */
public final class DedupWindow {
    /** What {@link #accept} decided. */
    public enum Verdict {
        /** Not seen before: deliver it. */
        NEW,
        /** Seen before: drop it. */
        DUPLICATE,
        /** Below the window: dropped, as it cannot be told apart from a duplicate. */
        TOO_OLD
    }

    private final int size;
    private final long[] bits;
    private long highest;

    /** @param size how many sequences below the highest are remembered exactly; a multiple of 64, at least 64 */
    public DedupWindow(final int size) {
        if (size < 64 || size % 64 != 0) {
            throw new IllegalArgumentException("window size must be a positive multiple of 64, got " + size);
        }
        this.size = size;
        this.bits = new long[size / 64];
    }

    /** @return the highest sequence accepted, 0 if none */
    public long highest() {
        return highest;
    }

    /**
     * Decides about one sequence and remembers it when it is new.
     *
     * @param seq the sequence, &gt; 0
     * @return the verdict
     */
    public Verdict accept(final long seq) {
        if (seq > highest) {
            slide(seq - highest);
            highest = seq;
            mark(0);
            return Verdict.NEW;
        }
        final long behind = highest - seq;
        if (behind >= size) {
            return Verdict.TOO_OLD;
        }
        if (isMarked((int) behind)) {
            return Verdict.DUPLICATE;
        }
        mark((int) behind);
        return Verdict.NEW;
    }

    /** Bit i stands for sequence highest - i; moving highest up by n moves every bit up by n. */
    private void slide(final long by) {
        if (by >= size) {
            java.util.Arrays.fill(bits, 0L);
            return;
        }
        final int words = (int) (by >>> 6);
        final int shift = (int) (by & 63);
        for (int w = bits.length - 1; w >= 0; w--) {
            final int src = w - words;
            long value = src >= 0 ? bits[src] << shift : 0L;
            if (shift != 0 && src - 1 >= 0) {
                value |= bits[src - 1] >>> (64 - shift);
            }
            bits[w] = value;
        }
    }

    private void mark(final int behind) {
        bits[behind >>> 6] |= 1L << (behind & 63);
    }

    private boolean isMarked(final int behind) {
        return (bits[behind >>> 6] & (1L << (behind & 63))) != 0;
    }

}
