package hamlet.gossip.sim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementMainTest {
    @Test
    void shouldPrintEveryScenarioWithNoActorEverLiveTwice() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PlacementMain.run(3, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String out = bytes.toString(StandardCharsets.UTF_8);
        for (final String scenario : new String[] {"crash owner", "stall owner", "cut owner off", "three-way split"}) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(scenario) && l.matches(".*\\s3\\s+\\d+\\s+\\d+\\s+0$")),
                () -> scenario + " should have 3 runs and 0 activations live twice:\n" + out);
        }
    }
}
