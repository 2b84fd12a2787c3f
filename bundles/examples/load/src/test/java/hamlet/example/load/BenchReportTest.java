package hamlet.example.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static final BenchReport.Setup SETUP = new BenchReport.Setup(null, "throughput", 2, 4, 1, 0, 16, 4000,
        500, 5);

    @Test
    void shouldMergeEveryRecorderAndSenderWhenBuildingTheResult() {
        final BenchReport report = new BenchReport();
        report.recorder(1000, 1_000_000_000L, 1_500_000_000L, 1, 2, 3, histogram(1_000, 2_000));
        report.recorder(1000, 1_200_000_000L, 2_000_000_000L, 0, 0, 1, histogram(3_000));
        report.recorder(0, 0, 0, 0, 0, 0, histogram());
        report.sender(2500, histogram(4_000));
        report.deadLetters(7);
        // Whole run, read once quiet: 2,490 received of which 1 twice, 7 told back as dead letters: 4 lost at the tail.
        report.recorderWholeRun(1490);
        report.recorderWholeRun(1000);

        final Map<String, Object> r = report.result(SETUP, List.of("node1", "node2"), new double[] {1.0, 2.0},
            new double[] {1.5, 3.0}, 1_000_000_000L);

        assertEquals(2000L, r.get("messages"));
        assertEquals(2000L, r.get("messagesPerSecond"));
        assertEquals(Map.of("node1", 50.0, "node2", 100.0), r.get("cpuPercent"));
        assertEquals(Map.of("sentWholeRun", 2500L, "receivedWholeRun", 2490L, "lost", 4L, "duplicates", 1L,
            "gaps", 2L, "outOfOrder", 4L, "deadLetters", 7L), r.get("checks"));
        final Map<?, ?> oneWay = (Map<?, ?>) r.get("oneWayLatencyUs");
        assertEquals(3L, oneWay.get("count"));
        assertEquals(3.0, oneWay.get("max"));
        assertEquals(1L, ((Map<?, ?>) r.get("roundTripLatencyUs")).get("count"));
    }

    @Test
    void shouldPutTheRuntimeFirstOnlyWhenTheSetupNamesOne() {
        final BenchReport.Setup pekko = new BenchReport.Setup("pekko-artery-tcp", "latency", 2, 1, 1, 0, 16, 1, 1, 5);

        assertEquals("scenario", new BenchReport().result(SETUP, List.of(), new double[0], new double[0], 1)
            .keySet().iterator().next());
        assertEquals("runtime", new BenchReport().result(pekko, List.of(), new double[0], new double[0], 1)
            .keySet().iterator().next());
    }

    private static String histogram(final long... nanos) {
        final Histogram h = Histograms.create();
        for (final long n : nanos) {
            h.recordValue(n);
        }
        return Histograms.encode(h);
    }
}
