package hamlet.registry.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one pool of threads that runs every actor of a node: a {@link ForkJoinPool} in async (FIFO) mode, at most
 * {@code parallelism} threads, never more (blocked workers are not replaced), idle threads ending after a minute.
 * An actor is a task in it only while it has work (see {@link ActorCell}), so an idle actor costs no thread and no
 * queued task.
 *
 * <p>A live change of parallelism makes a new pool: new turns go to it, the old one runs what is already queued on
 * it and then ends its threads. No turn is lost: an actor is queued in one pool at a time (its scheduled flag), and
 * a turn ending on the old pool requeues on the new one.
 *
 * <p>Turns to run first ({@link #runFirst}): an actor resuming after a hot swap has already waited; queued behind
 * every busy actor it would wait a whole round more (tens of milliseconds with a thousand busy actors). Such turns
 * wait in a queue of their own, which every worker looks at after each turn ({@link #runFirstTurns}).
 *
 * <p>Threading: {@link #execute}, {@link #reschedule}, {@link #run} and {@link #runFirst} from any thread;
 * {@link #runFirstTurns} from a worker between turns; {@link #resize} and
 * {@link #close} from the owner of the actor system (settings are applied under its lock).
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long KEEP_ALIVE_S = 60;

    private final String nodeId;
    /** How many first turns a worker runs between two turns of its own queue: others must not wait long either. */
    private static final int FIRST_TURNS_AT_ONCE = 4;
    /** The registry's own loader: every worker starts with it as context class loader, and gets it back. */
    private final ClassLoader loader = Dispatcher.class.getClassLoader();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile Pool pool;
    private volatile boolean closed;
    /** Turns to run ahead of the queued ones; each entry's actor holds its scheduled flag. */
    private final ConcurrentLinkedQueue<Runnable> first = new ConcurrentLinkedQueue<>();
    /** Whether a job to run the first turns is queued: one at a time, not one per turn (a thousand in a swap). */
    private final AtomicBoolean firstJobQueued = new AtomicBoolean();

    /** Time spent in actor turns, summed over the workers: the busy share that gossip reports as load. */
    private final java.util.concurrent.atomic.LongAdder busyNanos = new java.util.concurrent.atomic.LongAdder();

    /** What turns measure of their actors beyond counts: see {@link ActorMeters}. */
    private final ActorMeters meters = new ActorMeters();

    ActorMeters meters() {
        return meters;
    }

    /** Any worker: adds the length of one turn. */
    void addBusy(final long nanos) {
        busyNanos.add(nanos);
    }

    /** @return nanoseconds spent in actor turns since start, summed over the workers */
    long busyNanos() {
        return busyNanos.sum();
    }

    Dispatcher(final String nodeId, final int parallelism) {
        this.nodeId = nodeId;
        this.pool = newPool(parallelism);
    }

    /**
     * Queues a task: a woken actor's turn.
     *
     * @param task the task
     */
    void execute(final ForkJoinTask<?> task) {
        while (true) {
            final Pool current = pool;
            try {
                current.execute(task);
                return;
            } catch (final RejectedExecutionException e) {
                if (closed) {
                    LOG.debug("[{}] dispatcher closed: a turn was not run", nodeId);
                    return;
                }
                if (current == pool) {
                    throw e;
                }
                // The pool was replaced under us (live parallelism change): queue on the new one.
            }
        }
    }

    /**
     * Queues again an actor whose turn ended with messages left. Called by that turn, on a worker.
     *
     * <p>Fairness: a worker runs its own queue before the pool's submission queue, and a busy actor requeues on its
     * worker's own queue. Left alone, an actor woken from outside the pool (an HTTP thread, the shell, a test)
     * would wait until the busy actors on every worker ran dry. So the busy actor first takes one waiting
     * submission into its worker's queue, ahead of itself.
     *
     * @param task the actor's turn
     */
    void reschedule(final ForkJoinTask<?> task) {
        final Pool current = pool;
        final Thread thread = Thread.currentThread();
        if (thread instanceof ForkJoinWorkerThread && ((ForkJoinWorkerThread) thread).getPool() == current) {
            final ForkJoinTask<?> waiting = current.pollWaitingSubmission();
            if (waiting != null) {
                waiting.fork();
            }
        }
        execute(task);
    }

    /**
     * Runs a small job on the pool, or here when the pool is closed (so that it is never lost).
     *
     * @param job the job
     */
    void run(final Runnable job) {
        try {
            pool.execute(job);
        } catch (final RejectedExecutionException e) {
            job.run();
        }
    }

    /**
     * Runs an actor's turn ahead of the turns queued: at the next turn end of any worker, or on a worker woken for it
     * when none is busy. The caller holds the actor's scheduled flag, as for {@link #execute}.
     *
     * @param turn the turn, run once
     */
    void runFirst(final Runnable turn) {
        first.add(turn);
        // Busy workers take it at their next turn end; this wakes one in case none is busy.
        if (!firstJobQueued.get() && firstJobQueued.compareAndSet(false, true)) {
            run(this::runFirstJob);
        }
    }

    private void runFirstJob() {
        firstJobQueued.set(false);
        runFirstTurns();
        // A turn added after the flag was cleared queued its own job; one added before is ours: look again.
        if (!first.isEmpty() && firstJobQueued.compareAndSet(false, true)) {
            run(this::runFirstJob);
        }
    }

    /** Runs a few of the turns waiting to go first. From a worker, between turns (never from inside one). */
    void runFirstTurns() {
        for (int i = 0; i < FIRST_TURNS_AT_ONCE; i++) {
            final Runnable turn = first.poll();
            if (turn == null) {
                return;
            }
            turn.run();
        }
    }

    /**
     * Applies a new thread count.
     *
     * @param parallelism the new count, at least 1
     */
    synchronized void resize(final int parallelism) {
        final Pool old = pool;
        if (closed || old.getParallelism() == parallelism) {
            return;
        }
        pool = newPool(parallelism);
        old.shutdown();
        LOG.info("[{}] dispatcher parallelism {} -> {}: new turns go to a new pool; the old one ends its threads "
            + "after the turns queued on it", nodeId, old.getParallelism(), parallelism);
    }

    /** @return the thread count in force */
    int parallelism() {
        return pool.getParallelism();
    }

    /** @return the threads the current pool has now, busy or idle */
    int threads() {
        return pool.getPoolSize();
    }

    /**
     * Lets queued turns finish, then ends the threads.
     *
     * @param waitMs how long to wait for them
     * @return whether every thread ended in time
     */
    synchronized boolean close(final long waitMs) {
        closed = true;
        final Pool current = pool;
        current.shutdown();
        try {
            return current.awaitTermination(waitMs, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Pool newPool(final int parallelism) {
        final int poolNumber = generation.incrementAndGet();
        final AtomicInteger threadNumber = new AtomicInteger();
        return new Pool(parallelism, forkJoinPool -> {
            // The pool grows from whatever thread submits, a behaviour's turn among them: keep nothing of it.
            final ForkJoinWorkerThread thread = CleanThreads.create(() -> new Worker(forkJoinPool));
            thread.setName("hamlet-" + nodeId + "-dispatcher-" + poolNumber + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(loader);
            return thread;
        }, (thread, error) -> LOG.error("[{}] dispatcher thread {} failed: {}", nodeId, thread.getName(), error,
            error));
    }

    /** The pool, with access to its submission queue for {@link #reschedule}. */
    private static final class Pool extends ForkJoinPool {
        Pool(final int parallelism, final ForkJoinWorkerThreadFactory factory,
             final Thread.UncaughtExceptionHandler handler) {
            // asyncMode = true: FIFO local queues, as fits tasks that are never joined. maximumPoolSize =
            // parallelism and saturate = always: a blocked worker is not replaced, so the thread count never grows
            // past parallelism (actors must not block).
            super(parallelism, factory, handler, true, 0, parallelism, 1, any -> true, KEEP_ALIVE_S,
                TimeUnit.SECONDS);
        }

        ForkJoinTask<?> pollWaitingSubmission() {
            return pollSubmission();
        }
    }

    /**
     * ForkJoinWorkerThread's constructor is protected. A worker also holds its trace state and lane, so that the
     * node's busiest threads trace each message without a thread-local lookup.
     */
    static final class Worker extends ForkJoinWorkerThread {
        /** This thread's trace state (see {@link TraceContext}). This thread only. */
        final long[] trace = TraceContext.newState();
        /** This thread's trace lane and whose it is. This thread only (see {@link TraceRecorder#lane}). */
        TraceLane lane;
        TraceRecorder recorder;

        Worker(final ForkJoinPool pool) {
            super(pool);
        }
    }
}
