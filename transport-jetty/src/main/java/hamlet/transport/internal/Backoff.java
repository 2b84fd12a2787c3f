package hamlet.transport.internal;

import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential from {@code min} to {@code max}, each with "equal jitter" (a random point in the
 * upper half of the current step), so that nodes that lost each other at the same moment do not all redial at once.
 * Not thread-safe: owned by one link or seed.
 */
public final class Backoff {
    private long minNs;
    private long maxNs;
    private final DoubleSupplier random;
    private int failures;

    /**
     * @param minNs the first delay
     * @param maxNs the largest delay
     * @param random uniform in [0, 1): injected so that tests can fix it
     */
    public Backoff(final long minNs, final long maxNs, final DoubleSupplier random) {
        this.random = random;
        bounds(minNs, maxNs);
    }

    /**
     * New bounds for the next delays (a live edit of the backoff keys), keeping the failures counted so far.
     *
     * @param minNs the first delay
     * @param maxNs the largest delay
     */
    public void bounds(final long minNs, final long maxNs) {
        if (minNs <= 0 || maxNs < minNs) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + minNs + ", " + maxNs);
        }
        this.minNs = minNs;
        this.maxNs = maxNs;
    }

    /** @return the delay before the next attempt; each call counts one more failure */
    public long nextDelayNs() {
        long step = minNs;
        for (int i = 0; i < failures && step < maxNs; i++) {
            step = step > maxNs / 2 ? maxNs : step * 2;
        }
        step = Math.min(step, maxNs);
        failures = Math.min(failures + 1, 64);
        final long half = step / 2;
        return half + (long) (random.getAsDouble() * (step - half));
    }

    /** Forgets the failures: the next delay is the smallest again. */
    public void reset() {
        failures = 0;
    }

    /** @return failures since the last reset */
    public int failures() {
        return failures;
    }
}
