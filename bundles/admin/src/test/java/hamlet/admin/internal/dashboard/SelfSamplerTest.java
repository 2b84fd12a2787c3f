package hamlet.admin.internal.dashboard;

import hamlet.api.DeadLetter;
import hamlet.api.metrics.Histogram;
import hamlet.api.metrics.MetricSource;
import hamlet.testkit.FakeActorSystem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SelfSamplerTest {
    private static final long SECOND = 1_000_000_000L;

    private final FakeActorSystem system = new FakeActorSystem();
    private final AtomicLong processed = new AtomicLong();
    private final Histogram latency = new Histogram(0.001, 0.002, 0.005, 0.010, 0.100);
    /** Two series, as the registry writes one per behaviour: the dashboard sums them. */
    private final MetricSource registry = out -> {
        out.counter(MetricCapture.PROCESSED, "processed", processed.get() / 2.0, "behavior", "worker");
        out.counter(MetricCapture.PROCESSED, "processed", processed.get() / 2.0, "behavior", "echo");
        out.histogram(MetricCapture.LATENCY, "latency", latency.snapshot(), "behavior", "worker");
        out.gauge("hamlet_actor_mailbox_depth", "depth", 3);
    };
    private final ProcessStats fixed = new ProcessStats() {
        @Override
        public long heapUsedBytes() {
            return 10;
        }

        @Override
        public long heapMaxBytes() {
            return 20;
        }

        @Override
        public double cpu() {
            return 0.5;
        }
    };

    @Test
    void shouldGiveTheRateOfTheSummedCounterAndTheQuantilesOfThisSecondOnly() {
        final SelfSampler sampler = new SelfSampler(system, () -> List.of(registry), fixed);
        // Before the first sample: slow messages, which must not colour the first interval's quantiles.
        for (int i = 0; i < 100; i++) {
            latency.observe(0.050);
        }
        processed.set(1_000);
        final NodeSample first = sampler.sample(1_000, 0);
        assertEquals(0, first.ratePerSec(), "no interval yet");
        assertEquals(-1, first.p99Ms());

        processed.addAndGet(500);
        for (int i = 0; i < 99; i++) {
            latency.observe(0.0008);
        }
        latency.observe(0.004);
        final NodeSample second = sampler.sample(3_000, 2 * SECOND);
        assertEquals(250, second.ratePerSec(), 1e-9);
        assertEquals(1, second.p50Ms(), 1e-9);
        assertEquals(1, second.p99Ms(), 1e-9);
        assertEquals(0.5, second.cpu());
        assertEquals(10, second.heapUsedBytes());

        final NodeSample idle = sampler.sample(4_000, 3 * SECOND);
        assertEquals(0, idle.ratePerSec());
        assertEquals(-1, idle.p50Ms(), "nothing observed in that second");
    }

    @Test
    void shouldShowNoRateWhileNoSourceWritesTheCounterAndSurviveABrokenSource() {
        final MetricSource broken = out -> {
            throw new IllegalStateException("broken");
        };
        final SelfSampler sampler = new SelfSampler(system, () -> List.of(broken), fixed);
        sampler.sample(0, 0);
        final NodeSample next = sampler.sample(1_000, SECOND);
        assertEquals(0, next.ratePerSec());
        assertEquals(-1, next.p99Ms());
        assertEquals(2, sampler.sourceFailures());
    }

    @Test
    void shouldCarryTheLastDeadLettersNewestFirst() {
        for (int i = 1; i <= 7; i++) {
            system.addDeadLetter(new DeadLetter("node1:ghost-" + i, null, "x", DeadLetter.Reason.UNKNOWN_ACTOR,
                "no such actor", Instant.ofEpochMilli(i)));
        }
        final NodeSample sample = new SelfSampler(system, List::of, fixed).sample(0, 0);
        assertEquals(SampleCodec.MAX_DEAD_LETTERS, sample.deadLetters().size());
        assertEquals("node1:ghost-7", sample.deadLetters().get(0).to());
        assertEquals("UNKNOWN_ACTOR", sample.deadLetters().get(0).reason());
    }

    @Test
    void captureLeavesOutAHistogramWithOtherBuckets() {
        final MetricCapture capture = new MetricCapture();
        capture.histogram(MetricCapture.LATENCY, "", new Histogram(1, 2).snapshot());
        capture.histogram(MetricCapture.LATENCY, "", new Histogram(1, 2, 3).snapshot());
        assertEquals(2, capture.latency().upperBounds().length);
        assertEquals(-1, capture.processed());
        assertThrows(IllegalArgumentException.class, () -> new NodeHistory(0));
    }
}
