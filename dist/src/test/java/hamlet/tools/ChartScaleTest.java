package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChartScaleTest {
    @Test
    void shouldPickRoundStepsOfOneTwoOrFive() {
        assertEquals(500_000, ChartScale.step(1_790_000, 5));
        assertEquals(2, ChartScale.step(20, 10));
        assertEquals(0.2, ChartScale.step(0.9, 5), 1e-12);
        assertEquals(1_000, ChartScale.step(4_500, 5));
    }

    @Test
    void shouldTopTheAxisAtAWholeStepAndTickFromZero() {
        assertEquals(2_000_000, ChartScale.top(1_790_000, 500_000));
        assertEquals(List.of(0.0, 5.0, 10.0, 15.0, 20.0), ChartScale.ticks(20, 5));
    }

    @Test
    void shouldSpanWholeDecadesOnTheLatencyAxis() {
        assertEquals(1_000, ChartScale.decadeBelow(6_570));
        assertEquals(100_000, ChartScale.decadeAbove(64_553));
        assertEquals(1, ChartScale.decadeBelow(0.4), "nothing under 1 µs");
        assertEquals(1_000, ChartScale.decadeAbove(100), "at least one decade above what it is given");
    }

    @Test
    void shouldLabelCountsAndTimesShortly() {
        assertEquals("1.5M", ChartScale.count(1_500_000));
        assertEquals("500k", ChartScale.count(500_000));
        assertEquals("20", ChartScale.count(20));
        assertEquals("8.5 µs", ChartScale.micros(8.5));
        assertEquals("128 µs", ChartScale.micros(128));
        assertEquals("1 ms", ChartScale.micros(1_000), "a decade's tick");
        assertEquals("6.6 ms", ChartScale.micros(6_570));
        assertEquals("65 ms", ChartScale.micros(64_553));
        assertEquals("1.2 s", ChartScale.micros(1_200_000));
    }
}
