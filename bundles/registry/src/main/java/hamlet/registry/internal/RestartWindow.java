package hamlet.registry.internal;

import java.util.ArrayDeque;

/**
 * Counts one actor's restarts over a sliding window, against limits read at each failure (so a live edit applies at
 * the next one). A plain state machine on an injected time: tests drive it without waiting.
 *
 * <p>Threading: owned by the thread running the actor's turn.
 */
final class RestartWindow {
    private final ArrayDeque<Long> restartsNs = new ArrayDeque<>();

    /**
     * Decides whether a failed actor may restart once more, and if so counts that restart.
     *
     * @param nowNs the time now, from the injected nano clock
     * @param maxRestarts restarts allowed within the window
     * @param windowNs the window's length
     * @return true to restart (counted); false when {@code maxRestarts} restarts are already within the window
     */
    boolean tryRestart(final long nowNs, final int maxRestarts, final long windowNs) {
        while (!restartsNs.isEmpty() && nowNs - restartsNs.peekFirst() >= windowNs) {
            restartsNs.pollFirst();
        }
        if (restartsNs.size() >= maxRestarts) {
            return false;
        }
        restartsNs.addLast(nowNs);
        return true;
    }

    /** @return restarts within the window as last computed */
    int inWindow() {
        return restartsNs.size();
    }
}
