package hamlet.config.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The one daemon thread the config bundle owns: ticks the {@link ConfigAgent} once per poll interval, and with it
 * does every load, validation and push after the first. A failing tick is logged and the loop goes on.
 */
final class WatcherThread {
    private static final Logger LOG = LoggerFactory.getLogger(WatcherThread.class);

    private final ConfigAgent agent;
    private final Supplier<String> nodeId;
    private final Thread thread;
    private volatile boolean running = true;
    private String lastFailure = "";

    WatcherThread(final ConfigAgent agent, final Supplier<String> nodeId) {
        this.agent = agent;
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

    private void run() {
        while (running) {
            try {
                agent.onTick(System.nanoTime());
                lastFailure = "";
            } catch (final RuntimeException e) {
                if (!e.toString().equals(lastFailure)) {
                    lastFailure = e.toString();
                    LOG.error("[{}] config watcher tick failed; going on", nodeId.get(), e);
                }
            }
            Thread.interrupted(); // an interrupt from outside would make park return at once, spinning the loop
            if (running) {
                LockSupport.parkNanos(Math.min(agent.idleNs(), TimeUnit.SECONDS.toNanos(1)));
            }
        }
    }
}
