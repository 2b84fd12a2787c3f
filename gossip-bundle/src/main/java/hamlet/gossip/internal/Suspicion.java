package hamlet.gossip.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * Lifeguard's suspicion timer: it starts at {@code max} and shrinks towards {@code min} as other members
 * independently suspect the same node ({@code k} confirmations bring it to {@code min}), so that a node only one
 * member has trouble reaching gets long to refute, while a node everybody misses is declared dead fast.
 */
final class Suspicion {
    private final long startMs;
    private final int k;
    private final long minMs;
    private final long maxMs;
    private final Set<String> heardFrom = new HashSet<>();
    private int confirmations;

    /**
     * @param from who suspected first (not counted as a confirmation, and not counted again)
     * @param k confirmations that bring the timeout down to min; 0 starts at min
     */
    Suspicion(final String from, final int k, final long minMs, final long maxMs, final long startMs) {
        this.startMs = startMs;
        this.k = k;
        this.minMs = minMs;
        this.maxMs = Math.max(minMs, maxMs);
        heardFrom.add(from);
    }

    /** @return whether this was a new, independent confirmation (worth passing on) */
    boolean confirm(final String from) {
        if (confirmations >= k || !heardFrom.add(from)) {
            return false;
        }
        confirmations++;
        return true;
    }

    int confirmations() {
        return confirmations;
    }

    long deadlineMs() {
        if (k < 1) {
            return startMs + minMs;
        }
        final double shrink = Math.log(confirmations + 1.0) / Math.log(k + 1.0);
        final long timeout = (long) Math.max(minMs, maxMs - shrink * (maxMs - minMs));
        return startMs + timeout;
    }
}
