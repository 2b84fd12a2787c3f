package hamlet.gossip.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimNetworkTest {
    private final SimNetwork network = new SimNetwork(new Random(1));

    @Test
    void shouldDelayEveryMessageByTheBasePlusAtMostTheJitter() {
        network.delay(5, 3);
        boolean sawBase = false;
        boolean sawTop = false;
        for (int i = 0; i < 1000; i++) {
            final long d = network.route("a", "b", 0);
            assertTrue(d >= 5 && d <= 8, "delay " + d);
            sawBase |= d == 5;
            sawTop |= d == 8;
        }
        assertTrue(sawBase && sawTop, "both ends of the jitter are reached");
    }

    @Test
    void shouldLoseAboutTheShareAskedFor() {
        network.loss(0.05);
        int dropped = 0;
        for (int i = 0; i < 100_000; i++) {
            if (network.route("a", "b", 0) == SimNetwork.DROPPED) {
                dropped++;
            }
        }
        assertEquals(5_000, dropped, 300);
        assertEquals(dropped, network.lost());
    }

    @Test
    void shouldDropAcrossAPartitionOnlyAndHeal() {
        network.partition(List.of(Set.of("a", "b"), Set.of("c")));

        assertNotEquals(SimNetwork.DROPPED, network.route("a", "b", 0));
        assertEquals(SimNetwork.DROPPED, network.route("a", "c", 0));
        assertEquals(SimNetwork.DROPPED, network.route("c", "b", 0));
        assertEquals(SimNetwork.DROPPED, network.route("d", "a", 0), "a node in no side is in a side of its own");
        assertNotEquals(SimNetwork.DROPPED, network.route("d", "e", 0), "with every other node in none");

        network.heal();

        assertNotEquals(SimNetwork.DROPPED, network.route("a", "c", 0));
        assertEquals(3, network.cut());
    }

    @Test
    void shouldDropEverythingToACutNodeUntilTheCutEnds() {
        network.cutInbound("c", 400);

        assertEquals(SimNetwork.DROPPED, network.route("a", "c", 399));
        assertNotEquals(SimNetwork.DROPPED, network.route("c", "a", 399), "what it sends still goes");
        assertNotEquals(SimNetwork.DROPPED, network.route("a", "c", 400));
    }

    @Test
    void shouldRefuseANodeInTwoSides() {
        assertThrows(IllegalArgumentException.class,
            () -> network.partition(List.of(Set.of("a", "b"), Set.of("b"))));
    }
}
