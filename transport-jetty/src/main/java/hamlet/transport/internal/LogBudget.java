package hamlet.transport.internal;

/**
 * How many log lines of one kind may be written a second. A peer controls how often connections open, break the
 * protocol and close: without a budget, a flood of them (2,000 invented handshakes write 6,000 lines) could fill the
 * disk. Lines over the budget are not written but counted, and the next line written says how many were left out;
 * the events themselves are all counted by the transport's counters either way.
 *
 * <p>Threading: any thread; one short lock for a few field updates.
 */
final class LogBudget {
    private static final long SECOND_NS = 1_000_000_000L;

    private final int perSecond;
    private long windowStartNs;
    private boolean windowOpen;
    private int written;
    private long omitted;

    /** @param perSecond lines that may be written a second */
    LogBudget(final int perSecond) {
        this.perSecond = perSecond;
    }

    /**
     * @param nowNs the time
     * @return -1 when this line is not to be written; else how many lines were left out before it (to be said)
     */
    synchronized long take(final long nowNs) {
        if (!windowOpen || nowNs - windowStartNs >= SECOND_NS) {
            windowOpen = true;
            windowStartNs = nowNs;
            written = 0;
        }
        if (written >= perSecond) {
            omitted++;
            return -1;
        }
        written++;
        final long before = omitted;
        omitted = 0;
        return before;
    }
}
