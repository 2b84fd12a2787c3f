package hamlet.gossip.sim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimMainTest {
    @Test
    void shouldTakeTheOptionsOfItsUsage() {
        final SimMain.Args args = SimMain.Args.parse(
            new String[] {"--sizes", "5,50", "--seed", "7", "--loss", "0.1", "--loss-seconds", "30"});

        assertEquals(List.of(5, 50), args.sizes);
        assertEquals(7, args.seed);
        assertEquals(0.1, args.loss);
        assertEquals(30, args.lossSeconds);
        assertEquals(5, args.steadySeconds, "the default");
    }

    @Test
    void shouldRefuseWhatItCannotRun() {
        assertThrows(IllegalArgumentException.class, () -> SimMain.Args.parse(new String[] {"--sizes", "1"}));
        assertThrows(IllegalArgumentException.class, () -> SimMain.Args.parse(new String[] {"--loss", "1.5"}));
        assertThrows(IllegalArgumentException.class, () -> SimMain.Args.parse(new String[] {"--seed"}));
        assertThrows(IllegalArgumentException.class, () -> SimMain.Args.parse(new String[] {"--sizes", "x"}));
        assertThrows(IllegalArgumentException.class, () -> SimMain.Args.parse(new String[] {"--speed", "3"}));
        assertTrue(SimMain.Args.parse(new String[] {"--help"}).help);
    }
}
