package hamlet.registry.internal;

/**
 * The trace id a thread deals with now: the message an actor handles (what it sends inherits it), a message that
 * came from another node while it is delivered, or a send from outside an actor while it is routed. Per thread, not
 * per node: a thread deals with one message at a time whichever node's it is.
 *
 * <p>Each thread's state is a {@code long[]} ({@link #newState}): at {@link #ID} the trace id (0: none), at
 * {@link #CLOCK} the clock of hops recorded on a dispatcher thread (the start of its turn, read there anyway; 0
 * elsewhere: read the clock). A dispatcher thread holds it in a field ({@link Dispatcher.Worker#trace}), others in a
 * thread-local. The two slots sit in the middle of a 128-byte array: the workers' arrays are made one after the other
 * by one thread, so they lie side by side, and each worker writes its own several times per message; without the
 * padding two workers wrote into one cache line (false sharing).
 *
 * <p>Threading: each method acts on the calling thread's state only.
 */
final class TraceContext {
    /** The slot of the trace id. */
    static final int ID = 7;
    /** The slot of the turn's clock. */
    static final int CLOCK = 8;
    private static final int LENGTH = 16;
    private static final ThreadLocal<long[]> OTHERS = ThreadLocal.withInitial(TraceContext::newState);

    private TraceContext() {
    }

    /** @return a thread's state, all clear */
    static long[] newState() {
        return new long[LENGTH];
    }

    /** @return this thread's state */
    static long[] here() {
        if (Thread.currentThread() instanceof Dispatcher.Worker worker) {
            return worker.trace;
        }
        return OTHERS.get();
    }

    /** @return the trace id this thread deals with now, or 0 */
    static long current() {
        return here()[ID];
    }

    /**
     * Starts dealing with a message: its trace id is this thread's until {@link #exit}. A sender gives 0 to mean
     * "inherit the one in force, or else a new one".
     *
     * @param state this thread's state ({@link #here})
     * @param traceId the message's trace id, or 0
     * @return what to hand to {@link #exit}
     */
    static long enter(final long[] state, final long traceId) {
        final long outer = state[ID];
        if (traceId != 0) {
            state[ID] = traceId;
        } else if (outer == 0) {
            state[ID] = TraceRecorder.newId();
        }
        return outer;
    }

    /** Ends what {@link #enter} started. */
    static void exit(final long[] state, final long outer) {
        state[ID] = outer;
    }

    /** @return the clock for a hop recorded now on this thread: a dispatcher turn's start, else the clock */
    static long nanos(final long[] state) {
        final long turn = state[CLOCK];
        return turn != 0 ? turn : System.nanoTime();
    }
}
