package hamlet.admin.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keeps a flood of refusals (a client with a wrong token in a loop, a scanner on the port) from flooding the log:
 * per reason, the first one is logged, then at most one per interval, which says how many were left out since.
 * Every one is still counted by the caller. Thread-safe.
 */
final class LogLimiter {
    /** Returned by {@link #admit} for an event not to be logged. */
    static final long SKIP = -1;

    private final long intervalNs;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param intervalNs the least time between two lines of one reason
     * @param nanoTime the clock, {@code System::nanoTime} but in tests
     */
    LogLimiter(final long intervalNs, final LongSupplier nanoTime) {
        this.intervalNs = intervalNs;
        this.nanoTime = nanoTime;
    }

    /**
     * @param reason what the event is, e.g. {@code WRONG}; each reason has its own allowance
     * @return {@link #SKIP} when this event is not to be logged; otherwise how many events of this reason were
     *     not logged since the last line (0 for the first)
     */
    long admit(final String reason) {
        final Window window = windows.computeIfAbsent(reason, r -> new Window());
        final long now = nanoTime.getAsLong();
        synchronized (window) {
            if (window.logged && now - window.lastNs < intervalNs) {
                window.skipped++;
                return SKIP;
            }
            final long skipped = window.skipped;
            window.logged = true;
            window.lastNs = now;
            window.skipped = 0;
            return skipped;
        }
    }

    /**
     * @param skipped what {@link #admit} returned
     * @return the end of the log line: nothing, or how many were left out
     */
    static String suffix(final long skipped) {
        return skipped > 0 ? " (" + skipped + " more like it since the last such line, not logged)" : "";
    }

    private static final class Window {
        private boolean logged;
        private long lastNs;
        private long skipped;
    }
}
