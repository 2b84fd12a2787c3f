package hamlet.config.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one daemon thread the config bundle owns: ticks the {@link ConfigAgent} once per poll interval, and with it
 * does every load, validation and push after the first.
 *
 * <p>Nothing a tick throws ends the loop, {@link Error}s included: this thread is the only way a later edit is ever
 * applied, so its death would silently freeze the node's config while everything else looks healthy. A
 * {@link StackOverflowError} (Typesafe Config recurses per level) has unwound by the time it reaches here. An
 * {@link OutOfMemoryError} or another {@link VirtualMachineError} is treated the same: the failed tick's garbage is
 * collectable once it has unwound, the loop holds nothing between ticks, and a JVM that is really out of memory is
 * stopped by its own means ({@code -XX:+ExitOnOutOfMemoryError}), not by this thread quitting. Each failure is
 * counted ({@link #failures()}, shown by the config status) and logged as one line the first time it differs from
 * the previous one, so that a fault repeating every tick does not flood the log.
 */
final class WatcherThread {
    private static final Logger LOG = LoggerFactory.getLogger(WatcherThread.class);
    private static final long MAX_IDLE_NS = TimeUnit.SECONDS.toNanos(1);

    private final LongConsumer tick;
    private final LongSupplier idleNs;
    private final Supplier<String> nodeId;
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong logged = new AtomicLong();
    private volatile boolean running = true;
    private String lastFailure = "";

    WatcherThread(final ConfigAgent agent, final Supplier<String> nodeId) {
        this(agent::onTick, agent::idleNs, nodeId);
    }

    /**
     * @param tick one pass of the loop body, given the nano time
     * @param idleNs how long to wait before the next pass (capped at 1 s)
     * @param nodeId the node's id, for log lines
     */
    WatcherThread(final LongConsumer tick, final LongSupplier idleNs, final Supplier<String> nodeId) {
        this.tick = tick;
        this.idleNs = idleNs;
        this.nodeId = nodeId;
        this.thread = new Thread(this::run, "hamlet-config-watcher");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops the loop and waits for it, at most {@code timeoutMs}; a tick in progress finishes first. */
    void stop(final long timeoutMs) {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(timeoutMs);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("[{}] config watcher still busy {} ms after stop; it ends after its current tick",
                nodeId.get(), timeoutMs);
        }
    }

    /** @return whether the loop's thread is running */
    boolean isAlive() {
        return thread.isAlive();
    }

    /** @return how many ticks failed since start; any thread */
    long failures() {
        return failures.get();
    }

    private void run() {
        while (running) {
            tickOnce(System.nanoTime());
            Thread.interrupted(); // an interrupt from outside would make park return at once, spinning the loop
            if (running) {
                LockSupport.parkNanos(nextIdleNs());
            }
        }
    }

    /**
     * One pass of the loop body, on the watcher thread (or a test's): whatever it throws is counted and logged,
     * never rethrown.
     */
    void tickOnce(final long nowNs) {
        try {
            tick.accept(nowNs);
            lastFailure = "";
        } catch (final Throwable t) { // see the class comment: the loop must outlive every failure
            failed(t);
        }
    }

    private long nextIdleNs() {
        try {
            return Math.max(0, Math.min(idleNs.getAsLong(), MAX_IDLE_NS));
        } catch (final Throwable t) { // the same reason: a wrong timing must not end the loop
            failed(t);
            return MAX_IDLE_NS;
        }
    }

    private void failed(final Throwable t) {
        final long count = failures.incrementAndGet();
        // Told apart by type and message only: where a StackOverflowError strikes varies from one tick to the next.
        final String what = t.toString();
        if (!what.equals(lastFailure)) {
            lastFailure = what;
            logged.incrementAndGet();
            // One line: a StackOverflowError's trace alone is 1,024 frames, and it is the same one every tick.
            LOG.error(failureLine(nodeId.get(), count, t));
        }
    }

    /** @return how many failure lines were logged since start: one per run of the same failure */
    long loggedFailures() {
        return logged.get();
    }

    /** The one log line of a failed tick. */
    static String failureLine(final String nodeId, final long count, final Throwable t) {
        final StackTraceElement[] trace = t.getStackTrace();
        return "[" + nodeId + "] config watcher tick failed (" + count + " failure" + (count == 1 ? "" : "s")
            + " since start), going on: " + t + (trace.length == 0 ? "" : " at " + trace[0]);
    }
}
