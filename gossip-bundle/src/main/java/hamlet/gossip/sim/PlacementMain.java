package hamlet.gossip.sim;

import hamlet.gossip.internal.GossipSettings;
import hamlet.gossip.internal.PlacementSettings;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Placement's figures from the simulator, with global knowledge: for each of many seeds, a cluster places its
 * actors, then the owner of one actor crashes, or stalls (as in a long GC pause), or is cut off in a 2 | 1 split;
 * prints how long until the actor is live elsewhere (p50 and max over the seeds, virtual time) and how many times
 * an actor was ever live on two nodes (must be 0). A three-way split of five must leave nothing live anywhere.
 *
 * <p>{@code bin/hamlet sim --placement [SEEDS]} (default 50). Deterministic: the same seeds give the same figures.
 */
public final class PlacementMain {
    private static final int ACTORS = 10;

    private PlacementMain() {
    }

    public static void main(final String[] args) {
        final int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        run(seeds, System.out);
    }

    static void run(final int seeds, final PrintStream out) {
        final GossipSettings gossip = GossipSettings.defaults();
        out.printf("placement in the simulator: %d seeds per scenario, %d cluster actors, defaults (lease %d ms, "
            + "probe %d ms, network 1-2 ms)%n", seeds, ACTORS, PlacementSettings.DEFAULTS.leaseMs(),
            gossip.probeIntervalMs());
        out.printf("%-34s %10s %10s %10s %12s%n", "scenario", "runs", "p50 ms", "max ms", "two at once*");
        for (final String scenario : List.of("crash owner (5 nodes)", "stall owner 3 s (5 nodes)",
            "cut owner off, 2 | 1 (3 nodes)", "three-way split (5 nodes)")) {
            final List<Long> times = new ArrayList<>();
            long doubles = 0;
            int failed = 0;
            for (long seed = 1; seed <= seeds; seed++) {
                final int n = scenario.contains("3 nodes") ? 3 : 5;
                final Simulation sim = new Simulation(seed * 7919, gossip, e -> false);
                sim.placeClusterActors(ACTORS, PlacementSettings.DEFAULTS.withExpectedMembers(n));
                sim.addNodes(n);
                sim.startAll();
                if (!sim.runUntil(() -> placedOnce(sim), 20_000)) {
                    failed++;
                    continue;
                }
                sim.runFor(2_000);
                final String owner = sim.liveActivations().get("a1").get(0);
                final long t0 = sim.nowMs();
                final boolean ok;
                final long reachedAt;
                switch (scenario.substring(0, 5)) {
                    case "crash" -> sim.crash(owner);
                    case "stall" -> sim.stall(owner, 3_000);
                    case "cut o" -> sim.partition(Set.of(owner));
                    default -> sim.partition(Set.of("n1", "n2"), Set.of("n3", "n4"), Set.of("n5"));
                }
                if (scenario.startsWith("three")) {
                    ok = sim.runUntil(() -> sim.liveActivations().isEmpty(), t0 + 5_000);
                    reachedAt = sim.nowMs();
                    // Nothing may come back while the split lasts.
                    sim.runFor(5_000);
                    if (!sim.liveActivations().isEmpty()) {
                        doubles++;
                    }
                } else {
                    ok = sim.runUntil(() -> {
                        final List<String> on = sim.liveActivations().get("a1");
                        return on != null && on.size() == 1 && !on.get(0).equals(owner);
                    }, t0 + 10_000);
                    reachedAt = sim.nowMs();
                }
                if (ok) {
                    times.add(reachedAt - t0);
                } else {
                    failed++;
                }
                sim.heal();
                sim.runFor(5_000);
                doubles += sim.violations().size();
            }
            Collections.sort(times);
            out.printf("%-34s %10d %10s %10s %12d%s%n", scenario, times.size(),
                times.isEmpty() ? "-" : times.get(times.size() / 2), times.isEmpty() ? "-" : times.get(times.size() - 1),
                doubles, failed > 0 ? "   (" + failed + " runs did not get there)" : "");
        }
        out.println("(three-way split: time until nothing is live anywhere, and * counts runs where anything was live "
            + "again before the heal; the others: until a1 is live on another node, * counts actors ever live on two "
            + "nodes at once)");
        for (final int n : new int[] {3, 5}) {
            final long[] twice = randomFaults(seeds * 4, n);
            out.printf("random faults, %d nodes: %d runs of 12 random partitions, crashes, stalls (0.3-4.3 s), heals, "
                + "loss (0-10 %%) and restarts each: %d runs had an actor live on two nodes at once%n", n, seeds * 4,
                twice[0]);
        }
    }

    /** @return {runs with an actor ever live twice} over {@code runs} runs of random faults */
    static long[] randomFaults(final int runs, final int n) {
        long twice = 0;
        for (long seed = 1; seed <= runs; seed++) {
            final Simulation sim = new Simulation(seed * 104_729, GossipSettings.defaults(), e -> false);
            sim.placeClusterActors(ACTORS, PlacementSettings.DEFAULTS.withExpectedMembers(n));
            sim.addNodes(n);
            sim.startAll();
            final java.util.Random random = new java.util.Random(seed);
            sim.runFor(8_000);
            for (int round = 0; round < 12; round++) {
                final String node = Simulation.id(1 + random.nextInt(n));
                switch (random.nextInt(6)) {
                    case 0 -> {
                        final java.util.Set<String> side = new java.util.HashSet<>();
                        sim.ids().forEach(id -> {
                            if (random.nextBoolean()) {
                                side.add(id);
                            }
                        });
                        if (!side.isEmpty()) {
                            sim.partition(side);
                        }
                    }
                    case 1 -> {
                        if (sim.upIds().contains(node) && sim.upIds().size() > n / 2 + 1) {
                            sim.crash(node);
                        }
                    }
                    case 2 -> {
                        if (sim.runningIds().contains(node)) {
                            sim.stall(node, 300 + random.nextInt(4_000));
                        }
                    }
                    case 3 -> sim.heal();
                    case 4 -> sim.loss(random.nextDouble() * 0.1);
                    default -> sim.ids().stream().filter(id -> !sim.upIds().contains(id)).toList()
                        .forEach(sim::restart);
                }
                sim.runFor(500 + random.nextInt(5_000));
            }
            twice += sim.violations().isEmpty() ? 0 : 1;
        }
        return new long[] {twice};
    }

    private static boolean placedOnce(final Simulation sim) {
        final Map<String, List<String>> live = sim.liveActivations();
        return live.size() == ACTORS && live.values().stream().allMatch(nodes -> nodes.size() == 1);
    }
}
