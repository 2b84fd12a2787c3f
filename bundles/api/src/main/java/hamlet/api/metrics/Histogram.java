package hamlet.api.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A fixed-bucket histogram that any thread may record into without a lock, for a {@link MetricSource} to report.
 * Buckets are chosen once; an observation costs a binary search over them and two atomic adds, so a hot path that
 * records every message should sample (record one in N) rather than pay that for each.
 *
 * <p>Thread-safe. A {@link #snapshot()} taken while others record may count an observation in its bucket and not
 * yet in the sum (or the reverse); each figure on its own is never lost.
 */
public final class Histogram {
    private final double[] upperBounds;
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    /**
     * @param upperBounds the buckets' inclusive upper bounds, strictly increasing and finite; a last bucket for
     *     everything above them is added
     * @throws IllegalArgumentException when the bounds are empty, not finite or not increasing
     */
    public Histogram(final double... upperBounds) {
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        for (int i = 0; i < upperBounds.length; i++) {
            if (!Double.isFinite(upperBounds[i]) || i > 0 && upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must be finite and increasing: "
                    + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new AtomicLongArray(upperBounds.length + 1);
    }

    /**
     * Bounds that grow by a factor: {@code start, start*factor, ...}, {@code count} of them.
     *
     * @param start the first bound, above 0
     * @param factor the growth, above 1
     * @param count how many bounds
     * @return the bounds
     */
    public static double[] exponentialBounds(final double start, final double factor, final int count) {
        if (!(start > 0) || !(factor > 1) || count < 1) {
            throw new IllegalArgumentException("exponential bounds need start > 0, factor > 1, count >= 1");
        }
        final double[] bounds = new double[count];
        double bound = start;
        for (int i = 0; i < count; i++) {
            bounds[i] = bound;
            bound *= factor;
        }
        return bounds;
    }

    /** @param value one observation, in the histogram's unit */
    public void observe(final double value) {
        int low = 0;
        int high = upperBounds.length;
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (value <= upperBounds[mid]) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        counts.incrementAndGet(low);
        sum.add(value);
    }

    /** @return the buckets as they are now */
    public Snapshot snapshot() {
        final long[] copy = new long[counts.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
        }
        return new Snapshot(upperBounds.clone(), copy, sum.sum());
    }

    /**
     * A histogram's buckets at one moment.
     *
     * @param upperBounds the finite bounds, increasing
     * @param counts observations per bucket, not cumulative: {@code counts[i]} fell in
     *     {@code (upperBounds[i-1], upperBounds[i]]}, and the last element counts those above every bound; one
     *     longer than {@code upperBounds}
     * @param sum the sum of all observations
     */
    public record Snapshot(double[] upperBounds, long[] counts, double sum) {
        /**
         * Checks the shape.
         *
         * @throws IllegalArgumentException when {@code counts} is not one longer than {@code upperBounds} or a
         *     count is negative
         */
        public Snapshot {
            if (counts.length != upperBounds.length + 1) {
                throw new IllegalArgumentException("a histogram snapshot needs one count per bound plus one, got "
                    + counts.length + " counts for " + upperBounds.length + " bounds");
            }
            for (final long c : counts) {
                if (c < 0) {
                    throw new IllegalArgumentException("negative bucket count " + c);
                }
            }
        }

        /** @return every observation counted */
        public long count() {
            long total = 0;
            for (final long c : counts) {
                total += c;
            }
            return total;
        }

        /**
         * An estimate of a quantile: the upper bound of the bucket it falls in (the largest bound for the last
         * bucket), or 0 when nothing was observed.
         *
         * @param q the quantile, 0..1
         * @return the estimate
         */
        public double quantile(final double q) {
            final long total = count();
            if (total == 0) {
                return 0;
            }
            final long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank && seen > 0) {
                    return upperBounds[Math.min(i, upperBounds.length - 1)];
                }
            }
            return upperBounds[upperBounds.length - 1];
        }

        /**
         * What was observed between an earlier snapshot of the same histogram and this one.
         *
         * @param earlier a snapshot taken before this one, or {@code null}
         * @return the difference (this one when {@code earlier} is null or has other bounds)
         */
        public Snapshot since(final Snapshot earlier) {
            if (earlier == null || !Arrays.equals(earlier.upperBounds, upperBounds)) {
                return this;
            }
            final long[] diff = new long[counts.length];
            for (int i = 0; i < diff.length; i++) {
                diff[i] = Math.max(0, counts[i] - earlier.counts[i]);
            }
            return new Snapshot(upperBounds, diff, Math.max(0, sum - earlier.sum));
        }
    }
}
