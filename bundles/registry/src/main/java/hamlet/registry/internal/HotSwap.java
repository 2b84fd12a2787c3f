package hamlet.registry.internal;

import hamlet.api.BehaviorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bookkeeping and the clock of hot swaps: runs a new version's {@code create}, {@code restore} and
 * {@code onStart} bounded in time, and tallies, per behaviour, how the last swap went (which actors moved, which
 * failed and why) for operators.
 *
 * <p>A swap of one actor runs on that actor's turn (see {@link ActorCell}): the turn thread takes the old
 * instance's snapshot itself, then hands the new version's code to a thread of this class and waits at most
 * {@code hamlet.registry.swap.timeout} for it. A new version that hangs is abandoned there; its thread runs on
 * until the code returns (Java cannot kill it), holding that version's classes until then.
 *
 * <p>Threading: every method from any thread.
 */
final class HotSwap {
    private static final Logger LOG = LoggerFactory.getLogger(HotSwap.class);
    private static final long KEEP_ALIVE_S = 10;

    private final String nodeId;
    private final Clock clock;
    /** The registry's own loader: swap threads get it back after each job, so they pin no behaviour's loader. */
    private final ClassLoader loader = HotSwap.class.getClassLoader();
    private final ThreadPoolExecutor threads;
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    HotSwap(final String nodeId, final Clock clock) {
        this.nodeId = nodeId;
        this.clock = clock;
        final AtomicInteger number = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_S, TimeUnit.SECONDS,
            new SynchronousQueue<>(), job -> {
                final Thread thread = CleanThreads.create(() -> new Thread(job,
                    "hamlet-" + nodeId + "-swap-" + number.incrementAndGet()));
                thread.setDaemon(true);
                thread.setContextClassLoader(loader);
                return thread;
            });
    }

    /**
     * Runs a new version's code on a swap thread and waits for it at most {@code timeoutNs}.
     *
     * @param job the code
     * @param timeoutNs the bound
     * @param <T> what it returns
     * @return what it returned
     * @throws Exception what it threw, or a {@link TimeoutException} naming the bound
     */
    <T> T bounded(final Callable<T> job, final long timeoutNs) throws Exception {
        final Future<T> future = threads.submit(() -> {
            try {
                return job.call();
            } finally {
                Thread.currentThread().setContextClassLoader(loader);
            }
        });
        try {
            return future.get(timeoutNs, TimeUnit.NANOSECONDS);
        } catch (final TimeoutException e) {
            future.cancel(true);
            throw new TimeoutException("not done within " + Asks.shownDuration(timeoutNs)
                + " (hamlet.registry.swap.timeout)");
        } catch (final ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new IllegalStateException(cause.toString(), cause);
        } catch (final InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    /**
     * Opens the tally of a swap of one behaviour: {@code actors} actors are to move.
     *
     * @param name the behaviour
     * @param from the version they run, or null when they wait suspended
     * @param to the version they move to, or null when there is none (they are suspended)
     * @param actors how many
     */
    void begin(final String name, final String from, final String to, final int actors) {
        final Tally tally = new Tally(from, to, actors);
        tallies.put(name, tally);
        if (actors == 0) {
            tally.at = clock.instant();
        }
    }

    /**
     * Counts the outcome for one actor, in the tally of its behaviour's latest swap.
     *
     * @param name the behaviour
     * @param actor the actor's name
     * @param failure null when it moved; else why it did not
     */
    void outcome(final String name, final String actor, final String failure) {
        final Tally tally = tallies.get(name);
        if (tally == null) {
            return;
        }
        final boolean complete;
        synchronized (tally) {
            if (failure == null) {
                tally.moved++;
            } else {
                tally.failed++;
                if (tally.failure == null) {
                    tally.failure = actor + ": " + failure;
                }
            }
            tally.at = clock.instant();
            complete = tally.moved + tally.failed == tally.expected;
        }
        if (complete) {
            final BehaviorInfo.Swap swap = tally.swap();
            if (swap.succeeded()) {
                LOG.info("[{}] swap of behaviour {} {} -> {} done: {} actors", nodeId, name, shown(swap.from()),
                    shown(swap.to()), swap.moved());
            } else {
                LOG.warn("[{}] swap of behaviour {} {} -> {}: {} actors moved, {} failed; first failure: {}",
                    nodeId, name, shown(swap.from()), shown(swap.to()), swap.moved(), swap.failed(),
                    swap.failure());
            }
        }
    }

    /**
     * @param name a behaviour
     * @return its last swap so far, or null when there has been none
     */
    BehaviorInfo.Swap last(final String name) {
        final Tally tally = tallies.get(name);
        return tally == null ? null : tally.swap();
    }

    /** Ends the swap threads that are idle; busy ones end when their code returns. */
    void close() {
        threads.shutdownNow();
    }

    private static String shown(final String version) {
        return version == null ? "(none)" : version;
    }

    /** One swap's counts. Guarded by itself. */
    private static final class Tally {
        final String from;
        final String to;
        final int expected;
        int moved;
        int failed;
        String failure;
        java.time.Instant at;

        Tally(final String from, final String to, final int expected) {
            this.from = from;
            this.to = to;
            this.expected = expected;
        }

        synchronized BehaviorInfo.Swap swap() {
            return new BehaviorInfo.Swap(from, to, at, moved, failed, failure);
        }
    }
}
