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
}
