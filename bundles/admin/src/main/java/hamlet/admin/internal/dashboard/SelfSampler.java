package hamlet.admin.internal.dashboard;

import hamlet.api.ActorInfo;
import hamlet.api.ActorSystem;
import hamlet.api.DeadLetter;
import hamlet.api.metrics.Histogram;
import hamlet.api.metrics.MetricSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Takes this node's {@link NodeSample} once a second: throughput as the rate of the summed
 * {@value MetricCapture#PROCESSED} counters, latency p50 and p99 from the growth of the
 * {@value MetricCapture#LATENCY} histograms since the last sample (so each sample is about its own second, not the
 * process's life), read through every bundle's {@link MetricSource}; and heap, CPU, backlog, actors and dead letters.
 *
 * <p>Threading: confined to the dashboard's thread (it keeps the previous readings).
 */
final class SelfSampler {
    private static final Logger LOG = LoggerFactory.getLogger(SelfSampler.class);

    private final ActorSystem system;
    private final Supplier<List<MetricSource>> sources;
    private final ProcessStats process;
    private double lastProcessed = -1;
    private long lastNanos;
    private Histogram.Snapshot lastLatency;
    private long sourceFailures;

    /**
     * @param system the node's actors
     * @param sources the metric sources bound now
     * @param process heap and CPU
     */
    SelfSampler(final ActorSystem system, final Supplier<List<MetricSource>> sources, final ProcessStats process) {
        this.system = system;
        this.sources = sources;
        this.process = process;
    }

    /**
     * @param nowMillis the wall clock, stamped on the sample
     * @param nowNanos the monotonic clock, for the rate
     * @return this node now; the first sample has rate 0 (no interval yet)
     */
    NodeSample sample(final long nowMillis, final long nowNanos) {
        final MetricCapture capture = new MetricCapture();
        for (final MetricSource source : sources.get()) {
            try {
                source.collect(capture);
            } catch (final RuntimeException e) {
                // One bundle's broken source must not blank the dashboard: counted, logged at the first failure.
                if (sourceFailures++ == 0) {
                    LOG.warn("[{}] a metric source failed while the dashboard sampled: {}", system.nodeId(),
                        e.toString());
                }
            }
        }
        final double processed = capture.processed();
        double rate = 0;
        if (processed >= 0 && lastProcessed >= 0 && nowNanos - lastNanos > 0) {
            // A counter that went down is a bundle restarted: that second shows 0, not a negative rate.
            rate = Math.max(0, processed - lastProcessed) * 1e9 / (nowNanos - lastNanos);
        }
        lastProcessed = processed;
        lastNanos = nowNanos;
        final Histogram.Snapshot latency = capture.latency();
        double p50 = -1;
        double p99 = -1;
        if (latency != null) {
            final Histogram.Snapshot second = latency.since(lastLatency);
            if (lastLatency != null && second.count() > 0) {
                p50 = second.quantile(0.50) * 1000;
                p99 = second.quantile(0.99) * 1000;
            }
            lastLatency = latency;
        }
        long backlog = 0;
        final List<ActorInfo> actors = system.actors();
        for (final ActorInfo actor : actors) {
            backlog += Math.max(0, actor.mailboxSize());
        }
        return new NodeSample(system.nodeId(), nowMillis, rate, p50, p99, process.heapUsedBytes(),
            process.heapMaxBytes(), process.cpu(), backlog, actors.size(), system.deadLetterCount(),
            lastDeadLetters());
    }

    /** @return how many times a metric source threw */
    long sourceFailures() {
        return sourceFailures;
    }

    private List<NodeSample.DeadLetterLine> lastDeadLetters() {
        final List<DeadLetter> all = system.deadLetters();
        final List<NodeSample.DeadLetterLine> lines = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && lines.size() < SampleCodec.MAX_DEAD_LETTERS; i--) {
            final DeadLetter letter = all.get(i);
            lines.add(new NodeSample.DeadLetterLine(letter.at() == null ? 0 : letter.at().toEpochMilli(),
                SampleCodec.clip(letter.to()), letter.reason() == null ? "" : letter.reason().name(),
                SampleCodec.clip(letter.detail())));
        }
        return lines;
    }
}
