package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    private static final Path HOME = Path.of("/opt/hamlet");

    @Test
    void shouldUseTheSeedsScenarioDefaultsWhenOnlyItsNameIsGiven() {
        final BenchOptions o = BenchOptions.parse(List.of("seeds"), HOME);

        assertEquals(3, o.nodes());
        assertEquals(100, o.actors());
        assertEquals(10_000, o.ratePerNode());
        assertEquals(100, o.ratePerSender(), "10,000 msgs/s shared by 100 senders");
    }

    @Test
    void shouldLetAnOptionOverrideTheScenarioDefault() {
        final BenchOptions o = BenchOptions.parse(List.of("throughput", "--duration", "5", "--window", "800",
            "--json", "out.json"), HOME);

        assertEquals(5, o.durationSeconds());
        assertEquals(800, o.window());
        assertEquals(Path.of("out.json"), o.json());
        assertEquals(0, o.ratePerSender(), "as fast as flow control allows");
    }

    @Test
    void shouldRefuseAWindowBelowTheAckIntervalWhenTheSendersWouldStall() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> BenchOptions.parse(List.of("--window", "10", "--ack-every", "100"), HOME));

        assertTrue(e.getMessage().contains("--window 10"), e.getMessage());
    }

    @Test
    void shouldNameTheUnknownScenarioOrOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("fastest"), HOME))
            .getMessage().contains("fastest"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> BenchOptions.parse(List.of("--speed", "9"), HOME)).getMessage().contains("--speed"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> BenchOptions.parse(List.of("--rate", "-1"), HOME)).getMessage().contains("--rate"));
    }

    @Test
    void shouldDrawTheChartBesideTheJsonUnlessAPngFileIsGiven() {
        assertEquals(Path.of("out/results.png"),
            BenchOptions.parse(List.of("--json", "out/results.json"), HOME).chart());
        assertEquals(Path.of("/tmp/bench.png"),
            BenchOptions.parse(List.of("latency", "--json", "r.json", "--png", "/tmp/bench.png"), HOME).chart());
        assertEquals(Path.of("/tmp/bench.png"), BenchOptions.parse(List.of("--png", "/tmp/bench.png"), HOME).chart());
        assertEquals(Path.of("results.out.png"), BenchOptions.parse(List.of("--json", "results.out"), HOME).chart());
        assertEquals(null, BenchOptions.parse(List.of("seeds"), HOME).chart(), "neither: no chart");
    }

    @Test
    void shouldKeepThePngFileWhenOtherOptionsFollowIt() {
        final BenchOptions o = BenchOptions.parse(List.of("--tls", "--png", "b.png", "--duration", "3", "--json",
            "b.json"), HOME);

        assertEquals(Path.of("b.png"), o.png());
        assertEquals(Path.of("b.json"), o.json());
        assertEquals(3, o.durationSeconds());
        assertTrue(o.tls());
    }

    @Test
    void shouldAskForTheChartFilesName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(List.of("--png"), HOME))
            .getMessage().contains("--png needs a value"));
    }

    @Test
    void shouldSummariseTheSetupForTheChart() {
        assertEquals("2 nodes x 4 sender/recorder pairs, 1 sending, as fast as flow control allows, 16-byte bodies,"
            + " window 4,000, ack every 500; 5 s warm-up, 20 s measured",
            BenchOptions.parse(List.of("throughput"), HOME).summary());
    }
}
