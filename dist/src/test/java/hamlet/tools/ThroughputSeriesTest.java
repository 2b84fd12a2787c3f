package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThroughputSeriesTest {
    @Test
    void shouldKeepOnePointPerSecondUntilFull() {
        final ThroughputSeries series = new ThroughputSeries(4);

        series.add(10);
        series.add(20);
        series.add(30);

        assertEquals(1, series.bucketSeconds());
        assertArrayEquals(new double[] {10, 20, 30}, series.values());
    }

    @Test
    void shouldAveragePairsAndDoubleTheBucketWhenFull() {
        final ThroughputSeries series = new ThroughputSeries(4);

        for (int s = 1; s <= 10; s++) {
            series.add(s * 10);
        }

        assertEquals(4, series.bucketSeconds(), "4 points of 1 s, then of 2 s, then of 4 s");
        assertArrayEquals(new double[] {25, 65, 95}, series.values(), "1-4, 5-8, and 9-10 so far");
    }

    @Test
    void shouldStayWithinItsBoundOverALongRun() {
        final ThroughputSeries series = new ThroughputSeries();

        for (int s = 0; s < 86_400; s++) {
            series.add(1_000);
        }

        assertEquals(true, series.values().length <= ThroughputSeries.MAX_POINTS, "a day of seconds");
        assertEquals(256, series.bucketSeconds());
        assertEquals(1_000, series.values()[0]);
    }
}
