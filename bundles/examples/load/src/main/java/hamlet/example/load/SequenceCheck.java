package hamlet.example.load;

import java.util.BitSet;

/**
 * What one recorder saw of one sender's numbered messages: how many, which numbers (exactly, one bit each), and
 * whether they came in order. Not thread-safe: its recorder's turn owns it.
 *
 * <p>A number seen twice is a duplicate; a new number below the highest seen so far came out of order; a number
 * between the lowest and the highest seen that never came is a gap. Numbers above {@link Integer#MAX_VALUE} are
 * counted but not remembered (no run is that long).
 *
 * <p>Public (the package is not exported) because the Pekko reference bench in bench/ checks with it too.
 */
public final class SequenceCheck {
    private final BitSet seen = new BitSet();
    private long received;
    private long distinct;
    private long duplicates;
    private long outOfOrder;
    private long first;
    private long last;

    /** @return whether the number is new (not a duplicate) */
    public boolean accept(final long seq) {
        received++;
        if (seq > 0 && seq <= Integer.MAX_VALUE) {
            if (seen.get((int) seq)) {
                duplicates++;
                return false;
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
        return true;
    }

    public long received() {
        return received;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    /** @return numbers between the lowest and the highest seen that never came */
    public long gaps() {
        return distinct == 0 ? 0 : last - first + 1 - distinct;
    }

    /** @return the lowest number seen, 0 when none */
    public long first() {
        return first;
    }

    /** @return the highest number seen, 0 when none */
    public long last() {
        return last;
    }
}
