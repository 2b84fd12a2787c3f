package hamlet.api.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The lock-free fixed-bucket histogram: buckets, quantiles, differences, and no observation lost under threads. */
class HistogramTest {
    @Test
    void shouldCountEachObservationInTheBucketOfItsInclusiveUpperBound() {
        final Histogram histogram = new Histogram(1, 2, 4);
        histogram.observe(0.5);
        histogram.observe(1);
        histogram.observe(1.5);
        histogram.observe(4);
        histogram.observe(100);
        final Histogram.Snapshot snapshot = histogram.snapshot();
        assertArrayEquals(new long[] {2, 1, 1, 1}, snapshot.counts());
        assertEquals(5, snapshot.count());
        assertEquals(107, snapshot.sum(), 1e-9);
    }

    @Test
    void shouldRefuseBoundsThatAreEmptyNotFiniteOrNotIncreasing() {
        assertThrows(IllegalArgumentException.class, Histogram::new);
        assertThrows(IllegalArgumentException.class, () -> new Histogram(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(Double.NaN));
        assertThrows(IllegalArgumentException.class,
            () -> new Histogram.Snapshot(new double[] {1}, new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class,
            () -> new Histogram.Snapshot(new double[] {1}, new long[] {1, -1}, 0));
    }

    @Test
    void shouldGiveExponentialBounds() {
        assertArrayEquals(new double[] {1, 2, 4, 8}, Histogram.exponentialBounds(1, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> Histogram.exponentialBounds(0, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> Histogram.exponentialBounds(1, 1, 4));
    }

    @Test
    void shouldEstimateQuantilesAsTheUpperBoundOfTheirBucket() {
        final Histogram histogram = new Histogram(1, 2, 4, 8);
        assertEquals(0, histogram.snapshot().quantile(0.99), "nothing observed");
        for (int i = 0; i < 90; i++) {
            histogram.observe(0.5);
        }
        for (int i = 0; i < 9; i++) {
            histogram.observe(3);
        }
        histogram.observe(1000);
        final Histogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(1, snapshot.quantile(0.5));
        assertEquals(1, snapshot.quantile(0.9));
        assertEquals(4, snapshot.quantile(0.99));
        assertEquals(8, snapshot.quantile(1.0), "above every bound: the largest bound");
    }

    @Test
    void shouldGiveWhatWasObservedSinceAnEarlierSnapshot() {
        final Histogram histogram = new Histogram(1, 10);
        histogram.observe(0.5);
        final Histogram.Snapshot earlier = histogram.snapshot();
        histogram.observe(5);
        histogram.observe(50);
        final Histogram.Snapshot since = histogram.snapshot().since(earlier);
        assertArrayEquals(new long[] {0, 1, 1}, since.counts());
        assertEquals(55, since.sum(), 1e-9);
        final Histogram.Snapshot now = histogram.snapshot();
        assertSame(now, now.since(null));
        assertSame(now, now.since(new Histogram(1, 2).snapshot()), "other bounds: no difference to take");
    }

    @Test
    void shouldLoseNoObservationWhenThreadsRecordAtOnce() throws InterruptedException {
        final Histogram histogram = new Histogram(Histogram.exponentialBounds(1, 2, 10));
        final int threads = 4;
        final int each = 50_000;
        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int offset = t;
            final Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (final InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    histogram.observe((i + offset) % 1000);
                }
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        for (final Thread thread : started) {
            thread.join();
        }
        assertEquals((long) threads * each, histogram.snapshot().count());
    }
}
