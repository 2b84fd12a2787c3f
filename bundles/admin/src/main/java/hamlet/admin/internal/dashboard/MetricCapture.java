package hamlet.admin.internal.dashboard;

import hamlet.api.metrics.Histogram;
import hamlet.api.metrics.MetricWriter;

import java.util.Arrays;

/**
 * A {@link MetricWriter} that keeps only what the dashboard charts, summed over every series (behaviour, group):
 * the messages processed by actors, and their processing-latency histogram. Everything else written to it is
 * ignored. Used by one thread for one collection.
 */
final class MetricCapture implements MetricWriter {
    /** The registry's counter of messages its actors processed (the exposition adds {@code _total}). */
    static final String PROCESSED = "hamlet_actor_messages_processed";
    /** The registry's histogram of the time from a message's enqueue to the end of its handling (sampled). */
    static final String LATENCY = "hamlet_actor_message_latency_seconds";

    private double processed;
    private boolean sawProcessed;
    private double[] bounds;
    private long[] counts;
    private double sum;

    @Override
    public void counter(final String name, final String help, final double value, final String... labels) {
        if ((PROCESSED.equals(name) || (PROCESSED + "_total").equals(name)) && Double.isFinite(value)) {
            processed += value;
            sawProcessed = true;
        }
    }

    @Override
    public void gauge(final String name, final String help, final double value, final String... labels) {
        // nothing the dashboard charts
    }

    @Override
    public void histogram(final String name, final String help, final Histogram.Snapshot histogram,
                          final String... labels) {
        if (!LATENCY.equals(name) || histogram == null) {
            return;
        }
        if (bounds == null) {
            bounds = histogram.upperBounds().clone();
            counts = histogram.counts().clone();
            sum = histogram.sum();
        } else if (Arrays.equals(bounds, histogram.upperBounds())) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += histogram.counts()[i];
            }
            sum += histogram.sum();
        }
        // A series with other buckets cannot be added bucket by bucket; it is left out of the merged one.
    }

    /** @return the processed messages summed over every series, or -1 when no source wrote that counter */
    double processed() {
        return sawProcessed ? processed : -1;
    }

    /** @return the latency histograms merged, or {@code null} when no source wrote one */
    Histogram.Snapshot latency() {
        return bounds == null ? null : new Histogram.Snapshot(bounds, counts, sum);
    }
}
