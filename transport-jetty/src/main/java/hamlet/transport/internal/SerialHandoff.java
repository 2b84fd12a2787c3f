package hamlet.transport.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time, in the order they were submitted, on whichever submitting thread finds it idle; a thread
 * that finds it busy leaves its task to the one running and returns at once. No lock is held while a task runs, so a
 * task may call anything, including back into the component that submitted it, without a lock-order deadlock: that
 * is why a link delivers into the registry through this rather than under a lock (the first transport deadlocked
 * there).
 *
 * <p>Bounded by its users: a connection submits its next batch only after the previous one ran (it asks Jetty for
 * the next frame from the task's end), so a link's queue holds at most one batch per connection of that link.
 *
 * <p>Threading: {@link #submit} from any thread.
 */
final class SerialHandoff {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Consumer<Throwable> onFailure;

    /** @param onFailure told of whatever a task throws (counted and logged there); the next task runs anyway */
    SerialHandoff(final Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
    }

    /** @param task run after every task submitted before it, never at the same time as another */
    void submit(final Runnable task) {
        tasks.add(task);
        // Re-check after releasing: a task added by a thread that saw us running must not be left behind.
        while (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            try {
                Runnable next;
                while ((next = tasks.poll()) != null) {
                    try {
                        next.run();
                    } catch (final Throwable e) {
                        onFailure.accept(e);
                    }
                }
            } finally {
                running.set(false);
            }
        }
    }
}
