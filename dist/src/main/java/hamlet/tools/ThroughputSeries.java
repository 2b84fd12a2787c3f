package hamlet.tools;

import java.util.Arrays;

/**
 * Throughput over the measured phase, one point per second, in bounded memory: when full, neighbouring points are
 * averaged in pairs and each point then covers twice as many seconds. A bench of any {@code --duration} keeps at most
 * {@link #MAX_POINTS} points, in its JSON and on its chart, and a chart of a long run still spans the whole run.
 *
 * <p>Not thread-safe: the bench's main thread adds a second at a time.
 */
final class ThroughputSeries {
    /** More than a chart's plot is wide in pixels would be wasted. */
    static final int MAX_POINTS = 600;

    private final double[] points;
    private int size;
    private int bucketSeconds = 1;
    /** The seconds added since the last full point: fewer than bucketSeconds. */
    private double pendingSum;
    private int pendingSeconds;

    ThroughputSeries() {
        this(MAX_POINTS);
    }

    /** @param maxPoints at least 2, even: the tests use a small one */
    ThroughputSeries(final int maxPoints) {
        if (maxPoints < 2 || maxPoints % 2 != 0) {
            throw new IllegalArgumentException("maxPoints must be even and at least 2, got " + maxPoints);
        }
        this.points = new double[maxPoints];
    }

    /** @param msgsPerSecond the throughput of one second of the measured phase */
    void add(final double msgsPerSecond) {
        pendingSum += msgsPerSecond;
        pendingSeconds++;
        if (pendingSeconds < bucketSeconds) {
            return;
        }
        if (size == points.length) {
            halve();
            // The pending seconds now fill half of a (twice as wide) point.
            return;
        }
        points[size++] = pendingSum / pendingSeconds;
        pendingSum = 0;
        pendingSeconds = 0;
    }

    /** @return how many seconds each point covers: 1 until the series first filled up */
    int bucketSeconds() {
        return bucketSeconds;
    }

    /** @return the points, each the mean msgs/s of its seconds; a last, partly filled point included */
    double[] values() {
        final double[] out = Arrays.copyOf(points, size + (pendingSeconds > 0 ? 1 : 0));
        if (pendingSeconds > 0) {
            out[size] = pendingSum / pendingSeconds;
        }
        return out;
    }

    private void halve() {
        for (int i = 0; i < size / 2; i++) {
            points[i] = (points[2 * i] + points[2 * i + 1]) / 2;
        }
        size /= 2;
        bucketSeconds *= 2;
    }
}
