package hamlet.admin.internal;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What the scrapes refused, so that one bundle's bad sample or failing source costs that sample or source, counted
 * and logged, and never the whole scrape. Each refusal is counted by reason; the log has at most one line per reason
 * and {@link #LOG_INTERVAL_NS} (a bad sample is refused again at every scrape).
 *
 * <p>Thread-safe: two scrapes may refuse at once.
 */
final class MetricRefusals {
    /** A minute: scrapes come every few seconds and would repeat the same line each time. */
    static final long LOG_INTERVAL_NS = 60_000_000_000L;
    static final String SAMPLES_REFUSED = "hamlet_admin_metric_samples_refused";
    static final String SOURCES_FAILED = "hamlet_admin_metric_source_failures";

    /** Why a sample was refused: the label value of {@code reason}. */
    enum Reason {
        BAD_NAME, BAD_LABELS, BAD_VALUE, TYPE_CONFLICT, LABEL_CONFLICT, DUPLICATE_SERIES, SERIES_CAP;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(MetricRefusals.class);

    private final Supplier<String> nodeId;
    private final LogLimiter logLimiter;
    private final Map<Reason, LongAdder> samples = new ConcurrentHashMap<>();
    private final LongAdder sourceFailures = new LongAdder();

    /**
     * @param nodeId this node's id, for the log lines
     * @param logLimiter how often a reason may be logged
     */
    MetricRefusals(final Supplier<String> nodeId, final LogLimiter logLimiter) {
        this.nodeId = nodeId;
        this.logLimiter = logLimiter;
        for (final Reason reason : Reason.values()) {
            samples.put(reason, new LongAdder());
        }
    }

    /**
     * Counts a refused sample and logs it within the allowance.
     *
     * @param reason why
     * @param family the family's name as written
     * @param detail what was wrong, in a few words
     */
    void sample(final Reason reason, final String family, final String detail) {
        samples.get(reason).increment();
        final long skipped = logLimiter.admit(reason.name());
        if (skipped != LogLimiter.SKIP) {
            LOG.warn("[{}] /metrics refused a sample of {}: {} ({}){}", nodeId.get(), family, reason.label(), detail,
                LogLimiter.suffix(skipped));
        }
    }

    /**
     * Counts a source that threw: its samples are left out of this scrape.
     *
     * @param source the source, as its class names it
     * @param failure what it threw
     */
    void source(final Object source, final Throwable failure) {
        sourceFailures.increment();
        final long skipped = logLimiter.admit("source:" + source.getClass().getName());
        if (skipped != LogLimiter.SKIP) {
            LOG.warn("[{}] /metrics left out the metric source {}, which failed: {}{}", nodeId.get(),
                source.getClass().getName(), failure.toString(), LogLimiter.suffix(skipped));
        }
    }

    /** @param reason a reason @return the samples refused for it so far */
    long count(final Reason reason) {
        return samples.get(reason).sum();
    }

    /** @return the sources that failed so far */
    long sourceFailures() {
        return sourceFailures.sum();
    }

    /** @return the refusal counters themselves, as snapshots */
    List<MetricSnapshot> snapshots() {
        final List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
        for (final Reason reason : Reason.values()) {
            points.add(new CounterSnapshot.CounterDataPointSnapshot(count(reason), Labels.of("reason", reason.label()),
                null, 0));
        }
        return List.of(
            new CounterSnapshot(new MetricMetadata(SAMPLES_REFUSED,
                "Samples of the bundles' metric sources that /metrics refused, by reason"), points),
            new CounterSnapshot(new MetricMetadata(SOURCES_FAILED,
                "Scrapes in which a metric source threw and was left out"),
                List.of(new CounterSnapshot.CounterDataPointSnapshot(sourceFailures(), Labels.EMPTY, null, 0))));
    }
}
