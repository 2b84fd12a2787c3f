package hamlet.registry.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The registry's one thread for failover: runs placement's activations (which call the behaviour's create) off the
 * gossip notifier, and a round every {@value #ROUND_MS} ms (holds released and expired, lease wake-ups, late copies).
 * Started when placement is first bound, ended with the runtime. A round or an activation that throws is logged and
 * counted; the thread goes on.
 *
 * <p>Threading: {@link #execute} and {@link #start} from any thread.
 */
final class FailoverThread {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverThread.class);
    /** Often enough that a message held for an owner that became known waits little; idle rounds cost little. */
    static final long ROUND_MS = 20;

    private final String nodeId;
    private final LongConsumer round;
    private final ScheduledThreadPoolExecutor executor;
    private boolean started;

    FailoverThread(final String nodeId, final LongConsumer round) {
        this.nodeId = nodeId;
        this.round = round;
        this.executor = new ScheduledThreadPoolExecutor(1, task -> {
            final Thread thread = new Thread(task, "hamlet-" + nodeId + "-failover");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Starts the rounds, once. */
    synchronized void start() {
        if (started || executor.isShutdown()) {
            return;
        }
        started = true;
        executor.scheduleWithFixedDelay(() -> safely("a failover round", () -> round.accept(System.nanoTime())),
            ROUND_MS, ROUND_MS, TimeUnit.MILLISECONDS);
    }

    /** Runs one task on the thread, in the order given. */
    void execute(final Runnable task) {
        try {
            executor.execute(() -> safely("an activation", task));
        } catch (final java.util.concurrent.RejectedExecutionException e) {
            // The runtime is closing: nothing more is activated.
        }
    }

    void close() {
        executor.shutdownNow();
    }

    private void safely(final String what, final Runnable task) {
        try {
            task.run();
        } catch (final Throwable t) {
            LOG.error("[{}] {} failed: {}", nodeId, what, ActorCell.oneLine(t), t);
        }
    }
}
