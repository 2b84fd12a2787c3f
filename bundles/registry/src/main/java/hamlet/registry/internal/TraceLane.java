package hamlet.registry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One thread's part of its node's trace ring.
 *
 * <p>Why one per thread: tracing is always on, and a hop is recorded for every message sent and handled. A ring
 * shared by the node's threads would need an atomic index (a cache line bouncing between cores on each message) or
 * a lock; a lane has one writer, its thread, which writes with plain stores and a release store of the entry's stamp
 * last. Nothing is formatted or allocated when a hop is recorded: text is made only when an operator asks.
 *
 * <p>Why a hop holds no reference: a hop names objects that exist anyway (the addresses, a node id, an event word),
 * and storing those references into the ring, an old-generation array written on every message, cost about 7 % of
 * {@code bin/hamlet bench throughput} (the collector's write barrier and card scanning). So a lane keeps each name
 * once in a small table ({@link #NAMES} slots, by identity hash) and a hop keeps four 12-bit handles into it packed in
 * one long; the table is written only when a name is not there already, which in steady traffic is almost never. A
 * slot taken over by another name makes the older hops that used it show {@link #FORGOTTEN} for that field, never
 * the other name: each slot remembers the number of the first hop that may use its name.
 *
 * <p>Readers ({@link #collect}) are any thread, without a lock: an entry being overwritten while read is told by its
 * stamp (the write's number, unique: a trace id alone would not tell two hops of one trace apart), cleared before
 * the entry is written and set after, and read before and after the entry's fields; such an entry is skipped (it was
 * of the oldest hops anyway). A name slot is read the same way, by the hop number it holds.
 *
 * <p>Threading: {@link #record} by the owning thread only; {@link #collect} and {@link #lastNanos} by any
 * thread.
 */
final class TraceLane {
    /** What a field shows whose name the lane's table no longer holds. */
    static final String FORGOTTEN = "(forgotten)";
    private static final VarHandle LONG = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs kept per hop: stamp, trace id, time, the four names' handles. */
    private static final int LONGS = 4;
    private static final int STAMP = 0;
    private static final int ID = 1;
    private static final int NANOS = 2;
    private static final int HANDLES = 3;
    private static final int HANDLE_BITS = 12;
    /** Name slots per lane; the last handle means "no name" (null). */
    static final int NAMES = 1 << HANDLE_BITS;
    private static final int NULL_HANDLE = NAMES - 1;
    /** A name slot being rewritten: no hop may use it. */
    private static final long REWRITING = Long.MAX_VALUE;

    /** The thread that writes this lane: a lane of a thread that ended is the first let go. */
    final Thread owner;

    /** Per hop, side by side so that a hop writes half a cache line: stamp, trace id, time, handles. */
    private final long[] longs;
    private final int mask;
    /** The names the hops' handles point to. Owner writes; readers check {@link #nameSince}. */
    private final Object[] names = new Object[NAMES - 1];
    /** Per name slot: the number of the first hop that may use its name ({@link #REWRITING} while it changes). */
    private final long[] nameSince = new long[NAMES - 1];
    /** Hops written, ever. Owner writes; readers read it racily (a hint of where the newest is). */
    private long next;

    /**
     * @param owner the thread that writes it
     * @param capacity hops kept, a power of two (or 0: none)
     */
    TraceLane(final Thread owner, final int capacity) {
        if (capacity != 0 && Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("a lane's capacity must be a power of two, got " + capacity);
        }
        this.owner = owner;
        this.longs = new long[capacity * LONGS];
        this.mask = capacity - 1;
    }

    /**
     * Records one hop. Owner thread only.
     *
     * @param traceId the trace id; 0 records nothing
     * @param atNanos when, on the node's nano clock
     * @param event what happened (an event word of {@link TraceRecorder})
     * @param from the sender, or null
     * @param to the receiver
     * @param detail more, or null
     */
    void record(final long traceId, final long atNanos, final String event, final Object from, final Object to,
                final Object detail) {
        if (traceId == 0 || mask < 0) {
            return;
        }
        final long number = next + 1;
        final long handles = (long) handle(event, number) << (3 * HANDLE_BITS)
            | (long) handle(from, number) << (2 * HANDLE_BITS)
            | (long) handle(to, number) << HANDLE_BITS
            | handle(detail, number);
        final int at = (int) (next & mask) * LONGS;
        // Cleared first, set last: a reader that sees the same stamp before and after read a whole entry.
        LONG.setOpaque(longs, at + STAMP, 0L);
        VarHandle.storeStoreFence();
        longs[at + ID] = traceId;
        longs[at + NANOS] = atNanos;
        longs[at + HANDLES] = handles;
        next = number;
        LONG.setRelease(longs, at + STAMP, number);
    }

    /**
     * The handle of {@code name}, put in the table for hops from {@code number} on if it is not there. A name may sit
     * in either of two neighbouring slots, so that two busy names whose hashes meet do not keep evicting each other
     * (each eviction makes the older hops of the evicted name show {@link #FORGOTTEN}); a new name takes the slot of
     * the pair that was written longer ago.
     */
    private int handle(final Object name, final long number) {
        if (name == null) {
            return NULL_HANDLE;
        }
        final int first = ((System.identityHashCode(name) & Integer.MAX_VALUE) % ((NAMES - 1) / 2)) * 2;
        if (names[first] == name) {
            return first;
        }
        final int second = first + 1;
        if (names[second] == name) {
            return second;
        }
        final int slot = nameSince[first] <= nameSince[second] ? first : second;
        LONG.setOpaque(nameSince, slot, REWRITING);
        VarHandle.storeStoreFence();
        names[slot] = name;
        LONG.setRelease(nameSince, slot, number);
        return slot;
    }

    /** @return the time of the newest hop, or {@link Long#MIN_VALUE} when none */
    long lastNanos() {
        final long written = next;
        if (written == 0 || mask < 0) {
            return Long.MIN_VALUE;
        }
        return longs[(int) ((written - 1) & mask) * LONGS + NANOS];
    }

    /** @return hops kept */
    int capacity() {
        return mask + 1;
    }

    /**
     * Adds this lane's hops of one trace id to {@code into}, each as {@code {nanos, event, from, to, detail}},
     * oldest first; a name the table no longer holds is {@link #FORGOTTEN}.
     *
     * @param traceId the trace id
     * @param into where to add them
     * @param max stop once {@code into} has this many
     */
    void collect(final long traceId, final List<Object[]> into, final int max) {
        final long written = next;
        final int length = mask + 1;
        final long first = Math.max(0, written - length);
        for (long n = first; n < written && into.size() < max; n++) {
            final int at = (int) (n & mask) * LONGS;
            final long stamp = (long) LONG.getAcquire(longs, at + STAMP);
            if (stamp == 0 || longs[at + ID] != traceId) {
                continue;
            }
            final long nanos = longs[at + NANOS];
            final long handles = longs[at + HANDLES];
            VarHandle.loadLoadFence();
            if ((long) LONG.getAcquire(longs, at + STAMP) != stamp || longs[at + ID] != traceId) {
                continue;
            }
            into.add(new Object[] {nanos, name(handles >>> (3 * HANDLE_BITS), stamp),
                name(handles >>> (2 * HANDLE_BITS), stamp), name(handles >>> HANDLE_BITS, stamp),
                name(handles, stamp)});
        }
    }

    private Object name(final long packed, final long hopNumber) {
        final int slot = (int) (packed & NULL_HANDLE);
        if (slot == NULL_HANDLE) {
            return null;
        }
        final long since = (long) LONG.getAcquire(nameSince, slot);
        final Object name = names[slot];
        VarHandle.loadLoadFence();
        if (since > hopNumber || (long) LONG.getAcquire(nameSince, slot) != since) {
            return FORGOTTEN;
        }
        return name;
    }
}
