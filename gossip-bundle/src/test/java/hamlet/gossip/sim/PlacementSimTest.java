package hamlet.gossip.sim;

import hamlet.gossip.internal.GossipSettings;
import hamlet.gossip.internal.PlacementSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement with real membership in the simulator, checked with global knowledge after every step: never two live
 * activations of one actor (live = the process runs, its registry runs the actor, and its lease holds).
 */
class PlacementSimTest {
    private static final GossipSettings GOSSIP = GossipSettings.defaults();
    private static final PlacementSettings PLACEMENT = PlacementSettings.DEFAULTS.withExpectedMembers(5);
    private static final int ACTORS = 20;

    private static Simulation cluster(final long seed, final int n) {
        final Simulation sim = new Simulation(seed, GOSSIP, e -> true);
        sim.placeClusterActors(ACTORS, PLACEMENT);
        sim.addNodes(n);
        sim.startAll();
        return sim;
    }

    private static boolean allPlacedOnce(final Simulation sim) {
        final Map<String, List<String>> live = sim.liveActivations();
        return live.size() == ACTORS && live.values().stream().allMatch(nodes -> nodes.size() == 1);
    }

    private static String ownerOf(final Simulation sim, final String actor) {
        final List<String> nodes = sim.liveActivations().get(actor);
        return nodes == null || nodes.size() != 1 ? null : nodes.get(0);
    }

    @Test
    void shouldPlaceEachActorOnceAndSpreadThem() {
        final Simulation sim = cluster(1, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000), () -> "not placed: " + sim.liveActivations());
        sim.runFor(5_000);
        assertTrue(allPlacedOnce(sim), () -> "placement moved apart: " + sim.liveActivations());
        final Set<String> owners = new TreeSet<>();
        sim.liveActivations().values().forEach(owners::addAll);
        assertTrue(owners.size() >= 4, "20 actors over 5 nodes should use at least 4 of them: " + owners);
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldTakeOverACrashedOwnersActorsWithinTwoSeconds() {
        final Simulation sim = cluster(2, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(3_000);
        final String owner = ownerOf(sim, "a1");
        assertNotNull(owner);
        final long crashAt = sim.nowMs();
        sim.crash(owner);
        assertTrue(sim.runUntil(() -> ownerOf(sim, "a1") != null && !owner.equals(ownerOf(sim, "a1"))
            && allPlacedOnce(sim), crashAt + 2_000), () -> "a1 not taken over within 2 s: " + sim.liveActivations());
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldRunNothingInTheMinorityAndEverythingInTheMajority() {
        final Simulation sim = cluster(3, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(3_000);
        sim.partition(Set.of("n1", "n2"), Set.of("n3", "n4", "n5"));
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim) && sim.liveActivations().values().stream()
            .allMatch(nodes -> Set.of("n3", "n4", "n5").containsAll(nodes)), sim.nowMs() + 5_000),
            () -> "majority did not take everything: " + sim.liveActivations());
        assertNotNull(sim.placer("n1").blockedReason());
        sim.heal();
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), sim.nowMs() + 15_000));
        sim.runFor(10_000);
        assertTrue(allPlacedOnce(sim), () -> "after heal: " + sim.liveActivations());
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldRunNothingAnywhereInAThreeWaySplit() {
        final Simulation sim = cluster(4, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(3_000);
        sim.partition(Set.of("n1", "n2"), Set.of("n3", "n4"), Set.of("n5"));
        assertTrue(sim.runUntil(() -> sim.liveActivations().isEmpty(), sim.nowMs() + 3_000),
            () -> "still live in a three-way split: " + sim.liveActivations());
        sim.runFor(10_000);
        assertTrue(sim.liveActivations().isEmpty());
        for (final String id : sim.ids()) {
            assertNotNull(sim.placer(id).blockedReason(), id + " should say why it runs nothing");
        }
        sim.heal();
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), sim.nowMs() + 15_000),
            () -> "not placed again after heal: " + sim.liveActivations());
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldHandActorsBackToARestartedNode() {
        final Simulation sim = cluster(5, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(10_000);
        final Map<String, List<String>> before = sim.liveActivations();
        final String victim = before.get("a1").get(0);
        sim.crash(victim);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), sim.nowMs() + 3_000));
        sim.restart(victim);
        assertTrue(sim.runUntil(() -> before.equals(sim.liveActivations()), sim.nowMs() + 20_000),
            () -> "not handed back to " + victim + " exactly what it had: " + before + " now " + sim.liveActivations());
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldFenceAStalledOwnerBeforeItsActorsAreTakenOver() {
        final Simulation sim = cluster(6, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(3_000);
        final String owner = ownerOf(sim, "a1");
        final long stallAt = sim.nowMs();
        sim.stall(owner, 4_000);
        assertTrue(sim.runUntil(() -> ownerOf(sim, "a1") != null && !owner.equals(ownerOf(sim, "a1")),
            stallAt + 2_000), () -> "a1 not taken over from the stalled " + owner + ": " + sim.liveActivations());
        assertTrue(sim.runUntil(() -> sim.runningIds().contains(owner) && allPlacedOnce(sim), stallAt + 20_000));
        sim.runFor(5_000);
        assertTrue(allPlacedOnce(sim), () -> "after the stall: " + sim.liveActivations());
        assertEquals(List.of(), sim.violations(), "the woken owner must not run a1 beside its new owner");
    }

    @Test
    void shouldRunNothingOnARestartedSeedThatFormsAClusterAlone() {
        final Simulation sim = cluster(7, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.crash("n1");
        sim.partition(Set.of("n1"), Set.of("n2", "n3", "n4", "n5"));
        sim.restart("n1");
        sim.runFor(10_000);
        assertTrue(allPlacedOnce(sim), () -> "the four should run everything: " + sim.liveActivations());
        sim.liveActivations().values().forEach(nodes -> assertTrue(!nodes.contains("n1"), "n1 runs " + nodes));
        assertNotNull(sim.placer("n1").blockedReason());
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldMoveSpreadInstancesOffAnOverloadedNodeAtABoundedRate() {
        final PlacementSettings quick = new PlacementSettings(600, 100, 100, 0.01, 2_000, 2, 5);
        final Simulation sim = new Simulation(8, GOSSIP, e -> true);
        sim.placeClusterActors(ACTORS, true, quick);
        sim.addNodes(5);
        sim.startAll();
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(5_000);
        final long before = sim.liveActivations().values().stream().filter(n -> n.contains("n1")).count();
        assertTrue(before >= 2, "n1 should run a few instances: " + sim.liveActivations());
        sim.load("n1", new hamlet.api.cluster.MemberLoad(0, 1.0, 1.0));
        final long overloadedAt = sim.nowMs();
        assertTrue(sim.runUntil(() -> sim.liveActivations().values().stream().noneMatch(n -> n.contains("n1"))
            && allPlacedOnce(sim), overloadedAt + 20_000), () -> "n1 still runs some: " + sim.liveActivations());
        final long tookMs = sim.nowMs() - overloadedAt;
        assertTrue(tookMs >= 2_000, "nothing moves before rebalance-after: " + tookMs);
        assertTrue(tookMs >= 2_000 + (before - 1) * 1_000 / 2 - 200,
            "at most 2 moves a second: " + before + " instances moved in " + tookMs + " ms");
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldMoveToANodeThatJoinsExactlyWhatItWinsAndOnlyOnceItTakesPlacements() {
        final Simulation sim = new Simulation(11, GOSSIP, e -> true);
        sim.placeClusterActors(ACTORS, PLACEMENT.withExpectedMembers(4));
        sim.addNodes(4);
        sim.startAll();
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(3_000);
        sim.addNodes(1);
        final long joinedAt = sim.nowMs();
        sim.start("n5");
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim) && sim.liveActivations().values().stream()
            .anyMatch(nodes -> nodes.contains("n5")), joinedAt + 15_000),
            () -> "nothing moved to n5: " + sim.liveActivations());
        assertTrue(sim.nowMs() - joinedAt >= GOSSIP.stableAfterMs(),
            "a new node takes placements only after stable-after, not " + (sim.nowMs() - joinedAt) + " ms");
        sim.runFor(10_000);
        assertTrue(allPlacedOnce(sim), () -> "moves left something behind: " + sim.liveActivations());
        for (final var e : sim.liveActivations().entrySet()) {
            final List<String> all = List.of("n1", "n2", "n3", "n4", "n5");
            assertEquals(hamlet.gossip.internal.RendezvousProbe.first(e.getKey(), all), e.getValue().get(0),
                e.getKey() + " should be where the hashing over all five puts it");
        }
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldEndWithOneActivationWhenTheReceiverOfAHandoverDies() {
        interruptedHandover(9, true);
    }

    @Test
    void shouldEndWithOneActivationWhenTheSenderOfAHandoverDies() {
        interruptedHandover(10, false);
    }

    private static void interruptedHandover(final long seed, final boolean receiverDies) {
        final Simulation sim = cluster(seed, 5);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), 15_000));
        sim.runFor(5_000);
        final String victim = sim.liveActivations().get("a1").get(0);
        sim.crash(victim);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), sim.nowMs() + 3_000));
        sim.holdHandovers(true);
        sim.restart(victim);
        final String[] move = new String[2];
        assertTrue(sim.runUntil(() -> {
            for (final String id : sim.runningIds()) {
                for (final var a : sim.placer(id).actors()) {
                    if ("moving".equals(a.state()) && a.owner().equals(id)) {
                        move[0] = a.owner();
                        move[1] = a.movingTo();
                        return true;
                    }
                }
            }
            return false;
        }, sim.nowMs() + 15_000), "no handover started to the restarted " + victim);
        // Let the move's claim reach everyone, so that the survivors know the actor is on its way.
        sim.runFor(500);
        sim.crash(receiverDies ? move[1] : move[0]);
        sim.holdHandovers(false);
        assertTrue(sim.runUntil(() -> allPlacedOnce(sim), sim.nowMs() + 10_000),
            () -> "not placed once after the " + (receiverDies ? "receiver " + move[1] : "sender " + move[0])
                + " of a handover died: " + sim.liveActivations());
        sim.runFor(3_000);
        assertTrue(allPlacedOnce(sim));
        assertEquals(List.of(), sim.violations());
    }

    @Test
    void shouldNeverRunTwoActivationsUnderRandomFaults() {
        for (long seed = 100; seed < 140; seed++) {
            final Simulation sim = cluster(seed, 5);
            final Random random = new Random(seed);
            sim.runUntil(() -> allPlacedOnce(sim), 15_000);
            for (int round = 0; round < 8; round++) {
                final String a = "n" + (1 + random.nextInt(5));
                switch (random.nextInt(5)) {
                    case 0 -> sim.partition(Set.of(a), Set.of("n" + (1 + (random.nextInt(4) + Integer.parseInt(
                        a.substring(1))) % 5)));
                    case 1 -> {
                        if (sim.upIds().contains(a) && sim.upIds().size() > 3) {
                            sim.crash(a);
                        }
                    }
                    case 2 -> {
                        if (sim.runningIds().contains(a)) {
                            sim.stall(a, 500 + random.nextInt(2_500));
                        }
                    }
                    case 3 -> sim.heal();
                    default -> {
                        for (final String id : sim.ids()) {
                            if (!sim.upIds().contains(id)) {
                                sim.restart(id);
                            }
                        }
                    }
                }
                sim.runFor(1_000 + random.nextInt(4_000));
                if (random.nextBoolean()) {
                    sim.heal();
                }
            }
            final long s = seed;
            assertEquals(List.of(), sim.violations(), () -> "seed " + s);
        }
    }
}
