package hamlet.gossip.sim;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The simulator's virtual clock and its queue of things to do. Actions due at the same millisecond run in the order
 * they were scheduled (a sequence number breaks the tie), so a run depends on nothing but its seed: a heap alone
 * would order equal times by its own internals.
 *
 * <p>Threading: one thread, the one running the simulation.
 */
final class SimScheduler {
    private record Entry(long atMs, long seq, Runnable action) {
    }

    private final PriorityQueue<Entry> queue =
        new PriorityQueue<>(Comparator.comparingLong(Entry::atMs).thenComparingLong(Entry::seq));
    private long nowMs;
    private long seq;
    private long ran;

    /** @return the virtual time, in milliseconds since the simulation began */
    long nowMs() {
        return nowMs;
    }

    /** @return how many actions have run (a measure of the work a run took) */
    long ran() {
        return ran;
    }

    /** Runs the action at the given time, or now if that has passed: the clock never goes back. */
    void at(final long atMs, final Runnable action) {
        queue.add(new Entry(Math.max(atMs, nowMs), seq++, action));
    }

    /** Runs every action due up to and including {@code untilMs}, then sets the clock to it. */
    void runUntil(final long untilMs) {
        while (!queue.isEmpty() && queue.peek().atMs() <= untilMs) {
            final Entry next = queue.poll();
            nowMs = next.atMs();
            ran++;
            next.action().run();
        }
        nowMs = Math.max(nowMs, untilMs);
    }
}
