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
    private static final VarHandle STAMPS = MethodHandles.arrayElementVarHandle(long[].class);
    /** References kept per hop: event, from, to, detail. */
    private static final int REFS = 4;

    /** The thread that writes this lane: a lane of a thread that ended is the first let go. */
    final Thread owner;

    private final long[] stamps;
    private final long[] ids;
    private final long[] nanos;
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
        this.stamps = new long[capacity];
        this.ids = new long[capacity];
        this.nanos = new long[capacity];
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
        if (traceId == 0 || ids.length == 0) {
            return;
        }
        final int slot = (int) (next & mask);
        // Cleared first, set last: a reader that sees the same stamp before and after read a whole entry.
        STAMPS.setOpaque(stamps, slot, 0L);
        VarHandle.storeStoreFence();
        ids[slot] = traceId;
        nanos[slot] = atNanos;
        final int base = slot * REFS;
        refs[base] = event;
        refs[base + 1] = from;
        refs[base + 2] = to;
        refs[base + 3] = detail;
        next++;
        STAMPS.setRelease(stamps, slot, next);
    }

    /** @return the time of the newest hop, or Long.MIN_VALUE for none: which lane is let go when too many exist */
    long lastNanos() {
        final long written = next;
        if (written == 0 || ids.length == 0) {
            return Long.MIN_VALUE;
        }
        return nanos[(int) ((written - 1) & mask)];
    }

    /** @return the hops kept, at most */
    int capacity() {
        return ids.length;
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
        final int length = ids.length;
        final long first = Math.max(0, written - length);
        for (long n = first; n < written && into.size() < max; n++) {
            final int slot = (int) (n & mask);
            final long stamp = (long) STAMPS.getAcquire(stamps, slot);
            if (stamp == 0 || ids[slot] != traceId) {
                continue;
            }
            final int base = slot * REFS;
            final Object[] hop = {nanos[slot], refs[base], refs[base + 1], refs[base + 2], refs[base + 3]};
            VarHandle.loadLoadFence();
            if ((long) STAMPS.getAcquire(stamps, slot) == stamp && ids[slot] == traceId) {
                into.add(hop);
            }
        }
    }
}
