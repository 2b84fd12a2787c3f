package hamlet.transport.internal;

/**
 * Exact duplicate detection for the sequence numbers of one run (uid) of a sender, in bounded memory: the highest
 * sequence accepted, plus one bit for each of the {@code size} sequences just below it. A sequence above the highest
 * is new; one inside the window is new unless its bit is set; one below the window is treated as a duplicate (the
 * sender resends from its oldest unacknowledged envelope, which is never further back than the window once acks
 * flow, so in practice nothing new arrives there; it is counted apart so that it would show).
 *
 * <p>The bits form a ring indexed by {@code seq % size}, so moving the highest up by n clears n bits instead of
 * shifting the whole window: every envelope of a peer passes here, and shifting a window of the default 131072 bits
 * (2048 words) per envelope cost most of the receiving node's CPU.
 *
 * <p>Not thread-safe: confined to the owning {@link PeerLink}'s inbound hand-off, which runs one batch at a time.
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
     * Decides about one sequence without remembering it: a delivery that may still be refused checks first and
     * {@link #accept}s only once the envelope was taken, so that a refused one is not mistaken for a duplicate later.
     *
     * @param seq the sequence, &gt; 0
     * @return the verdict {@link #accept} would give
     */
    public Verdict peek(final long seq) {
        if (seq > highest) {
            return Verdict.NEW;
        }
        if (highest - seq >= size) {
            return Verdict.TOO_OLD;
        }
        return isMarked(seq) ? Verdict.DUPLICATE : Verdict.NEW;
    }

    /**
     * Decides about one sequence and remembers it when it is new.
     *
     * @param seq the sequence, &gt; 0
     * @return the verdict
     */
    public Verdict accept(final long seq) {
        if (seq > highest) {
            clearAbove(highest, seq);
            highest = seq;
            mark(seq);
            return Verdict.NEW;
        }
        if (highest - seq >= size) {
            return Verdict.TOO_OLD;
        }
        if (isMarked(seq)) {
            return Verdict.DUPLICATE;
        }
        mark(seq);
        return Verdict.NEW;
    }

    /**
     * Forgets the ring slots of sequences {@code from + 1 .. to}: they last held sequences that now fall below the
     * window. A word at a time where it can; since size is a multiple of 64, a word never straddles the wrap.
     */
    private void clearAbove(final long from, final long to) {
        if (to - from >= size) {
            java.util.Arrays.fill(bits, 0L);
            return;
        }
        long s = from + 1;
        while (s <= to) {
            final int slot = slot(s);
            final int bit = slot & 63;
            final long count = Math.min(64 - bit, to - s + 1);
            final long mask = count == 64 ? -1L : ((1L << count) - 1) << bit;
            bits[slot >>> 6] &= ~mask;
            s += count;
        }
    }

    private int slot(final long seq) {
        return (int) (seq % size);
    }

    private void mark(final long seq) {
        final int slot = slot(seq);
        bits[slot >>> 6] |= 1L << (slot & 63);
    }

    private boolean isMarked(final long seq) {
        final int slot = slot(seq);
        return (bits[slot >>> 6] & (1L << (slot & 63))) != 0;
    }
}
