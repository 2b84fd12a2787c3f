package hamlet.registry.internal;

import hamlet.api.trace.TraceHop;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A node's trace ring: the lanes of the threads that record hops ({@link TraceLane}), and the trace id each thread
 * deals with now. Messages get their trace id here: the one of the message being handled when an actor sends
 * (inherited), else a new one ({@link TraceContext#enter}).
 *
 * <p>Bound: {@code hamlet.registry.trace.ring} hops in all. Each recording thread's lane keeps a sixteenth of them
 * (rounded down to a power of two), and at most {@value #MAX_LANES} lanes are read; when a seventeenth thread
 * records, the lane of an ended thread is let go first, else the one whose newest hop is oldest (that thread keeps
 * writing into it, unread, until its next lane is made). The lanes of the dispatcher's threads, which carry most
 * traffic, are found through the thread itself ({@link Dispatcher}'s workers), others through a thread-local.
 *
 * <p>Threading: any thread.
 */
public final class TraceRecorder {
    /** Lanes read at most; also how many parts the ring is split into. */
    static final int MAX_LANES = 16;
    /** The default of {@code hamlet.registry.trace.ring}. */
    static final int DEFAULT_RING = 65_536;

    static final String SENT = "sent";
    static final String DELIVERED = "delivered";
    static final String DEAD_LETTER = "dead-letter";
    static final String REPLIED = "replied";

    /** Records nothing: for parts made without a node's recorder (tests of one part). Trace ids still travel. */
    static final TraceRecorder OFF = new TraceRecorder("-", 0);

    private final String nodeId;
    private final int laneCapacity;
    private final long baseNanos = System.nanoTime();
    private final long baseEpochMicros = System.currentTimeMillis() * 1000;
    private final CopyOnWriteArrayList<TraceLane> lanes = new CopyOnWriteArrayList<>();
    /** Not static: two nodes in one JVM (tests) keep their rings apart. */
    private final ThreadLocal<TraceLane> local = ThreadLocal.withInitial(this::newLane);

    /**
     * @param nodeId this node's id, put in every hop
     * @param ring hops kept in all, 0 for none (trace ids still travel)
     */
    public TraceRecorder(final String nodeId, final int ring) {
        this.nodeId = nodeId;
        this.laneCapacity = ring == 0 ? 0 : Integer.highestOneBit(Math.max(1, ring / MAX_LANES));
    }

    /** @return a non-zero random trace id */
    public static long newId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /** @return this thread's lane */
    TraceLane lane() {
        if (Thread.currentThread() instanceof Dispatcher.Worker worker) {
            final TraceLane lane = worker.lane;
            if (lane != null && worker.recorder == this) {
                return lane;
            }
            final TraceLane made = local.get();
            worker.recorder = this;
            worker.lane = made;
            return made;
        }
        return local.get();
    }

    /**
     * Records a hop on this thread's lane. Nothing is formatted: {@code from}, {@code to} and {@code detail} are
     * kept as given (addresses, a node id, a reason) and made text when an operator asks.
     *
     * @param state this thread's trace state ({@link TraceContext#here}), for the clock
     * @param traceId the message's trace id; 0 records nothing
     * @param event one of this class's event words
     * @param from the sender (an address or its text), or null
     * @param to where it went (an address or its text)
     * @param detail more, or null
     */
    void record(final long[] state, final long traceId, final String event, final Object from, final Object to,
                final Object detail) {
        if (laneCapacity == 0 || traceId == 0) {
            return;
        }
        lane().record(traceId, TraceContext.nanos(state), event, from, to, detail);
    }

    /** @return this node's id */
    String nodeId() {
        return nodeId;
    }

    /** @return the hops each lane keeps */
    int laneCapacity() {
        return laneCapacity;
    }

    /**
     * @param traceId a trace id
     * @param max most hops returned
     * @return this node's hops of it, oldest first
     */
    public List<TraceHop> local(final long traceId, final int max) {
        final List<Object[]> raw = new ArrayList<>();
        for (final TraceLane lane : lanes) {
            lane.collect(traceId, raw, Integer.MAX_VALUE);
        }
        raw.sort(Comparator.comparingLong(hop -> (Long) hop[0]));
        final List<TraceHop> hops = new ArrayList<>(Math.min(raw.size(), max));
        // The newest are kept when there are more: they say where the message is now.
        for (int i = Math.max(0, raw.size() - max); i < raw.size(); i++) {
            hops.add(hop(traceId, raw.get(i)));
        }
        return hops;
    }

    private TraceHop hop(final long traceId, final Object[] raw) {
        final long micros = baseEpochMicros + ((Long) raw[0] - baseNanos) / 1000;
        final String event = (String) raw[1];
        final Object detail = raw[4];
        final String shownDetail;
        if (detail == null) {
            shownDetail = null;
        } else if (SENT.equals(event)) {
            shownDetail = "to node " + detail;
        } else {
            shownDetail = String.valueOf(detail);
        }
        return new TraceHop(traceId, nodeId, micros, event, raw[2] == null ? null : String.valueOf(raw[2]),
            String.valueOf(raw[3]), shownDetail);
    }

    /** @return how many lanes are read now */
    int lanes() {
        return lanes.size();
    }

    private TraceLane newLane() {
        final TraceLane lane = new TraceLane(Thread.currentThread(), laneCapacity);
        if (laneCapacity == 0) {
            return lane;
        }
        synchronized (lanes) {
            if (lanes.size() >= MAX_LANES) {
                lanes.remove(leastUseful());
            }
            lanes.add(lane);
        }
        return lane;
    }

    /** Under the lanes' lock: the lane of an ended thread, else the one whose newest hop is oldest. */
    private TraceLane leastUseful() {
        TraceLane pick = null;
        for (final TraceLane lane : lanes) {
            if (!lane.owner.isAlive()) {
                return lane;
            }
            if (pick == null || lane.lastNanos() < pick.lastNanos()) {
                pick = lane;
            }
        }
        return pick;
    }
}
