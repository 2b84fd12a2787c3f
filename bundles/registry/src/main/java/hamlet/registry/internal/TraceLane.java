package hamlet.registry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One thread's part of its node's trace ring.
 *
 * <p>Why one per thread: tracing is always on, and a hop is recorded for every message sent and handled. A ring
 * shared by the node's threads would need an atomic index (a cache line bouncing between cores on each message) or
 * a lock; a lane has one writer, its thread, which writes with plain stores and a release store of the entry's trace
 * id last. What a lane keeps are references to objects that exist anyway (the addresses, the node id, an event word):
 * nothing is formatted or allocated when a hop is recorded. Text is made only when an operator asks.
 *
 * <p>Readers ({@link #collect}) are any thread, without a lock: an entry being overwritten while read is told by its
 * stamp (the write's number, unique: a trace id alone would not tell two hops of one trace apart), cleared before
 * the entry is written and set after, and read before and after the entry's fields; such an entry is skipped (it was
 * of the oldest hops anyway).
 *
 * <p>Threading: {@link #record} by the owning thread only; {@link #collect} and {@link #lastNanos} by any
 * thread.
 */
final class TraceLane {
    private static final VarHandle LONG = MethodHandles.arrayElementVarHandle(long[].class);
    /** References kept per hop: event, from, to, detail. */
    private static final int REFS = 4;
    /** Longs kept per hop: stamp, trace id, time, spare. */
    private static final int LONGS = 4;
    private static final int STAMP = 0;
    private static final int ID = 1;
    private static final int NANOS = 2;

    /** The thread that writes this lane: a lane of a thread that ended is the first let go. */
    final Thread owner;

    /**
     * Per hop, side by side so that a hop writes one cache line here (and a quarter of one in {@link #refs}): its
     * stamp, trace id and time, and a spare slot that keeps each hop's three on one line.
     */
    private final long[] longs;
    private final Object[] refs;
    private final int mask;
    /** Hops written, ever. Owner writes; readers read it racily (a hint of where the newest is). */
    private long next;

    /**
     * @param owner the writing thread
     * @param capacity hops kept, a power of two, or 0 for none (then {@link #record} keeps nothing)
     */
    TraceLane(final Thread owner, final int capacity) {
        if (capacity != 0 && Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("a lane's capacity must be a power of two, got " + capacity);
        }
        this.owner = owner;
        this.longs = new long[capacity * LONGS];
        this.refs = new Object[capacity * REFS];
        this.mask = capacity - 1;
    }

    /**
     * Records a hop. Owner thread only.
     *
     * @param traceId the message's trace id; 0 records nothing
     * @param atNanos when, by {@link System#nanoTime()}
     * @param event the event word (a constant)
     * @param from the sender (an address or its text), or null
     * @param to where it went (an address or its text)
     * @param detail more (a node id, a reason), or null
     */
    void record(final long traceId, final long atNanos, final String event, final Object from, final Object to,
                final Object detail) {
        if (traceId == 0 || mask < 0) {
            return;
        }
        final int slot = (int) (next & mask);
        final int at = slot * LONGS;
        // Cleared first, set last: a reader that sees the same stamp before and after read a whole entry.
        LONG.setOpaque(longs, at + STAMP, 0L);
        VarHandle.storeStoreFence();
        longs[at + ID] = traceId;
        longs[at + NANOS] = atNanos;
        final int base = slot * REFS;
        refs[base] = event;
        refs[base + 1] = from;
        refs[base + 2] = to;
        refs[base + 3] = detail;
        next++;
        LONG.setRelease(longs, at + STAMP, next);
    }

    /** @return the time of the newest hop, or Long.MIN_VALUE for none: which lane is let go when too many exist */
    long lastNanos() {
        final long written = next;
        if (written == 0 || mask < 0) {
            return Long.MIN_VALUE;
        }
        return longs[(int) ((written - 1) & mask) * LONGS + NANOS];
    }

    /** @return the hops kept, at most */
    int capacity() {
        return mask + 1;
    }

    /**
     * Adds the hops of one trace id to {@code into}, in the order they were written.
     *
     * @param traceId the trace id
     * @param into where, as {nanos, event, from, to, detail} each
     * @param max stop when {@code into} holds this many
     */
    void collect(final long traceId, final List<Object[]> into, final int max) {
        final long written = next;
        final int length = mask + 1;
        final long first = Math.max(0, written - length);
        for (long n = first; n < written && into.size() < max; n++) {
            final int slot = (int) (n & mask);
            final int at = slot * LONGS;
            final long stamp = (long) LONG.getAcquire(longs, at + STAMP);
            if (stamp == 0 || longs[at + ID] != traceId) {
                continue;
            }
            final int base = slot * REFS;
            final Object[] hop = {longs[at + NANOS], refs[base], refs[base + 1], refs[base + 2], refs[base + 3]};
            VarHandle.loadLoadFence();
            if ((long) LONG.getAcquire(longs, at + STAMP) == stamp && longs[at + ID] == traceId) {
                into.add(hop);
            }
        }
    }
}
