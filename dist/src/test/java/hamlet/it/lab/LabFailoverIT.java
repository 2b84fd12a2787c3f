package hamlet.it.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import hamlet.it.system.ActivationLog;
import hamlet.it.system.LedgerTraffic;
import hamlet.it.system.NodeOutputOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failover on real hosts (issue 9, DESIGN.md tests tier 4): three nodes, then a fourth, each in its own network
 * namespace ({@link Lab}), all declaring a cluster {@code ledger} (the ledger example: it replies with its count and
 * the last number it saw from the sender) and a spread group {@code job} of 6 ledgers, with
 * {@code hamlet.failover.replicate = every-message} and {@code expected-members = 3}. A steady stream of numbered
 * asks to the ledger runs from a node that neither owns it nor holds its copy, through every scenario, in order: the
 * owner's cable is pulled (the ledger answers again from another node within 2.5 s, nothing acknowledged lost,
 * nothing seen twice); a partition 2 | 1 with the owner alone (it says why it may not run cluster actors and fences
 * them, the pair runs all of them; after the heal one activation of each); a fourth node joins (spread instances move
 * to it, and a sender asking each instance by name gets an answer to every ask). Last, the nodes' own logs: no two
 * activations of one actor ever ran at once (start and stop lines, on the one clock the lab's hosts share). Each
 * scenario prints its figures ("LabFailoverIT: ..."). Skipped, with the reason printed, where the lab cannot run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabFailoverIT {
    private static final int HOSTS = 4;
    private static final String LEDGER = "ledger";
    private static final int JOBS = 6;
    /** The 2 s, asserted with room for the polling and two shared cores. */
    private static final long TAKEOVER_BOUND_MS = 2_500;
    private static final long ASK_TIMEOUT_MS = 3_000;
    /** The takeover probe's asks: short, so that one stuck with the dead owner hides the new one for little time. */
    private static final long PROBE_TIMEOUT_MS = 250;
    private static final long STEADY_MS = 2_000;
    private static final long GENEROUS_MS = 60_000;
    /** A joining node's moves: stable-after (3 s) and a few handovers at max-moves-per-second; each returns early. */
    private static final long JOIN_MS = 20_000;
    static final String CONF = "  failover { expected-members = 3, replicate = every-message }\n"
        + "  actors {\n"
        + "    " + LEDGER + " { behavior = ledger, placement = cluster }\n"
        + "    job { behavior = ledger, placement = spread, instances = " + JOBS + " }\n"
        + "  }\n";

    private final Lab lab = new Lab();
    private final List<LabNode> nodes = new ArrayList<>();
    private final Set<String> names = new TreeSet<>();
    private boolean labUp;
    private int sender;
    private LedgerTraffic traffic;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.named(
        () -> nodes.stream().filter(n -> n.process() != null).toList(), LabNode::id, n -> n.tail(150))
        .withCause().withLinesFirst(this::failureLines);

    @BeforeAll
    void upTheLab() throws IOException, InterruptedException {
        final String reason = lab.unusableReason();
        if (reason != null) {
            System.out.println("LabFailoverIT: skipped: " + reason);
            Assumptions.assumeTrue(false, reason);
        }
        lab.up(HOSTS);
        labUp = true;
        final Path root = Files.createTempDirectory("hamlet-lab-failover-");
        for (int host = 1; host <= HOSTS; host++) {
            nodes.add(new LabNode(root, host, CONF, List.of("hamlet-example-ledger.jar"), "ledger"));
        }
        names.add(LEDGER);
        IntStream.rangeClosed(1, JOBS).forEach(i -> names.add("job-" + i));
        final long start = System.nanoTime();
        for (int host = 1; host <= 3; host++) {
            node(host).start();
        }
        final Map<String, LabPlacement.Placed> placed = LabPlacement.awaitSteady(running(), names, STEADY_MS,
            GENEROUS_MS, "the first placement");
        final LabPlacement.Placed ledger = placed.get(LEDGER);
        say("three nodes up, the cluster actors placed " + msSince(start) + " ms after the start: "
            + placed.values());
        sender = IntStream.rangeClosed(1, 3).filter(h -> !id(h).equals(ledger.owner()) && !id(h).equals(
            ledger.replica())).findFirst().orElseThrow();
        traffic = LedgerTraffic.start("lab", () -> node(sender).process(), List.of(LEDGER), 2, 20, ASK_TIMEOUT_MS);
        traffic.awaitAnswers(40, GENEROUS_MS, "the first asks through " + id(sender));
    }

    @AfterEach
    void clearFaults() throws IOException, InterruptedException {
        if (labUp) {
            lab.clear();
        }
    }

    @AfterAll
    void downTheLab() throws InterruptedException {
        if (traffic != null) {
            traffic.close();
        }
        nodes.forEach(LabNode::close);
        lab.close();
    }

    @Test
    @Order(1)
    void shouldAnswerAgainWithinTwoSecondsOfTheOwnersCablePulledWithNothingAcknowledgedLost() throws Exception {
        final Map<String, LabPlacement.Placed> before = LabPlacement.awaitSteady(running(), names, STEADY_MS,
            GENEROUS_MS, "before the cable pull");
        final String owner = before.get(LEDGER).owner();
        final LabNode pulled = node(number(owner));
        final int linesBefore = lines(pulled);
        traffic.awaitAnswers(20, GENEROUS_MS, "asks before the pull");
        final long pulledAt = System.nanoTime();
        lab.cable(pulled.host(), false);
        final Takeover t = awaitTakeover(pulledAt, owner);
        traffic.awaitAnswers(20, GENEROUS_MS, "asks after the takeover");
        lab.cable(pulled.host(), true);
        final String fence = awaitLine(pulled, linesBefore, "cluster actor " + LEDGER + " (epoch ", ") fenced: ");
        say(owner + "'s cable pulled: " + LEDGER + " answered again from " + t.first().node() + " " + t.ms()
            + " ms after the pull (" + id(sender) + "'s view named the new owner after " + t.viewMs()
            + " ms); " + owner + " logged: " + fence);
        assertTrue(t.ms() <= TAKEOVER_BOUND_MS, "answered again within " + TAKEOVER_BOUND_MS + " ms of the pull, "
            + "took " + t.ms() + " ms");
        assertClean("across the cable pull");
    }

    @Test
    @Order(2)
    void shouldStopTheLoneNodesActorsInAPartitionRunThemAllOnThePairAndKeepOneOfEachAfterTheHeal() throws Exception {
        final Map<String, LabPlacement.Placed> before = LabPlacement.awaitSteady(running(), names, STEADY_MS,
            GENEROUS_MS, "before the partition");
        final LabNode lone = node(number(before.get(LEDGER).owner()));
        final List<LabNode> pair = running().stream().filter(n -> n != lone).toList();
        final Set<String> itsActors = before.values().stream().filter(p -> p.owner().equals(lone.id()))
            .map(LabPlacement.Placed::name).collect(Collectors.toCollection(TreeSet::new));
        final int linesBefore = lines(lone);
        final long cut = System.nanoTime();
        lab.partition(pair.stream().map(n -> Integer.toString(n.host())).collect(Collectors.joining(",")) + "|"
            + lone.host());
        final String[] blocked = {null};
        LabPlacement.await(lone.id() + " says why it may not run cluster actors (GET /api/node placement.blocked)",
            GENEROUS_MS, () -> (blocked[0] = LabPlacement.blocked(lone)) != null, () -> "blocked null");
        final long blockedMs = msSince(cut);
        final Map<String, String> fences = new TreeMap<>();
        for (final String name : itsActors) {
            fences.put(name, awaitLine(lone, linesBefore, "cluster actor " + name + " (epoch ", ") fenced: "));
        }
        final Map<String, LabPlacement.Placed> onPair = LabPlacement.awaitSteady(pair, names, 500, GENEROUS_MS,
            "the pair runs every cluster actor");
        final long pairMs = msSince(cut);
        say("partition " + LabPlacement.ids(pair) + " | " + lone.id() + ": " + lone.id() + " blocked after "
            + blockedMs + " ms (" + blocked[0] + "), fenced " + itsActors + "; the pair runs all after " + pairMs
            + " ms: " + onPair.values());
        assertTrue(onPair.values().stream().allMatch(p -> pair.stream().anyMatch(n -> n.id().equals(p.owner()))),
            "every cluster actor runs on the pair: " + onPair.values());
        lab.heal();
        final long healed = System.nanoTime();
        final Map<String, LabPlacement.Placed> after = LabPlacement.awaitSteady(running(), names, STEADY_MS,
            GENEROUS_MS, "after the heal");
        say("healed: one placement on all three " + msSince(healed) + " ms after the heal: " + after.values());
        assertNull(LabPlacement.blocked(lone), lone.id() + " may run cluster actors again");
        assertOneActivationEach(after);
        assertClean("across the partition");
    }

    @Test
    @Order(3)
    void shouldMoveSpreadInstancesToAJoiningNodeWithAnAnswerToEveryAsk() throws Exception {
        final Map<String, LabPlacement.Placed> before = LabPlacement.awaitSteady(running(), names, STEADY_MS,
            GENEROUS_MS, "before the join");
        final List<String> jobs = IntStream.rangeClosed(1, JOBS).mapToObj(i -> "job-" + i).toList();
        try (LedgerTraffic jobTraffic = LedgerTraffic.start("join", () -> node(sender).process(), jobs, 1, 50,
            ASK_TIMEOUT_MS)) {
            jobTraffic.awaitAnswers(30, GENEROUS_MS, "asks to the jobs before the join");
            final long started = System.nanoTime();
            node(4).start();
            // node4 takes placements only once it has been in the cluster for stable-after: steady before that
            // means nothing has moved yet.
            final long joinDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MS);
            Map<String, LabPlacement.Placed> after;
            do {
                after = LabPlacement.awaitSteady(running(), names, STEADY_MS, JOIN_MS, "after node4 joined");
            } while (after.values().stream().noneMatch(p -> "node4".equals(p.owner()))
                && System.nanoTime() < joinDeadline);
            jobTraffic.awaitAnswers(30, GENEROUS_MS, "asks to the jobs after the join");
            jobTraffic.close();
            final List<String> moved = after.values().stream().filter(p -> "node4".equals(p.owner()))
                .map(p -> p.name() + " from " + before.get(p.name()).owner()).toList();
            final Map<String, LedgerTraffic.Report> reports = jobTraffic.check();
            final List<LedgerTraffic.Ask> unanswered = reports.values().stream()
                .flatMap(r -> r.unanswered().stream()).toList();
            final long slowestMs = jobTraffic.asks().stream().mapToLong(a -> TimeUnit.NANOSECONDS.toMillis(
                a.doneNs() - a.sentNs())).max().orElse(-1);
            say("node4 joined: moved to it " + moved + " (" + msSince(started) + " ms after its start, once steady);"
                + " asks to the " + JOBS + " jobs: " + jobTraffic.asks().size() + " asked, "
                + jobTraffic.answered() + " answered, the slowest in " + slowestMs + " ms");
            reports.values().forEach(r -> say("  " + r));
            assertTrue(!moved.isEmpty(), "some cluster actor moved to node4: " + after.values());
            assertTrue(moved.stream().anyMatch(m -> m.startsWith("job-")), "a spread instance moved to node4: "
                + moved);
            assertEquals(List.of(), unanswered, "every ask to the jobs answered across the moves");
            for (final LedgerTraffic.Report r : reports.values()) {
                assertTrue(r.clean(), "nothing lost, seen twice or gone back: " + r);
            }
            assertOneActivationEach(after);
        }
        assertClean("across the join");
    }

    @Test
    @Order(4)
    void shouldNeverHaveRunTwoActivationsOfOneActorAtOnceByTheNodesOwnLogs() throws Exception {
        traffic.close();
        final List<ActivationLog.Interval> intervals = intervals();
        final Map<String, List<ActivationLog.Interval>> byActor = ActivationLog.byActor(intervals);
        say("activations from the logs: " + byActor.entrySet().stream().map(e -> e.getKey() + " "
            + e.getValue().size()).collect(Collectors.joining(", ")) + "; " + LEDGER + ": " + byActor.get(LEDGER));
        say("handover pauses by the logs (old owner's stop line to the new owner's start line, ms): "
            + ActivationLog.handoverPauses(intervals));
        final LedgerTraffic.Report report = traffic.check().get(LEDGER);
        say("the whole run: " + report);
        assertEquals(List.of(), ActivationLog.overlaps(intervals), "no two activations of one actor at once");
        assertEquals(List.of(), ActivationLog.epochsNotRising(intervals), "each activation under a higher epoch");
        final JsonObject state = LedgerTraffic.state(node(sender).process(), LEDGER);
        say("the ledger's own account: " + state);
        assertEquals(List.of(), traffic.checkState(LEDGER, state), "the ledger's account: " + state);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** The first answer from another node after a fault, when, and when the sender's view named another owner. */
    record Takeover(LedgerTraffic.Ask first, long ms, long viewMs) {
    }

    private Takeover awaitTakeover(final long sinceNs, final String from) throws InterruptedException {
        return awaitTakeover(traffic, node(sender), sinceNs, from);
    }

    /**
     * Shared with the figures test. The takeover is timed by a probe of its own, started at the fault: asks from
     * {@code via} with a short timeout, so that the first answer from the new owner is seen when it can be given. The
     * traffic's asks cannot time it: their timeout (3 s) is long enough for the loss checks, and in about one pull in
     * twenty both senders' asks had reached the owner before the pull and died with it, so that no ask went out again
     * until they timed out (an answer after 3,024 ms in one CI run, the actor long since running elsewhere).
     */
    static Takeover awaitTakeover(final LedgerTraffic traffic, final LabNode via, final long sinceNs,
                                  final String from) throws InterruptedException {
        final LedgerTraffic probe = LedgerTraffic.start("probe" + Long.toHexString(sinceNs), via::process,
            List.of(LEDGER), 2, 20, PROBE_TIMEOUT_MS);
        final LedgerTraffic.Ask[] first = {null};
        final long[] viewMs = {-1};
        try {
            LabPlacement.await(LEDGER + " answers from a node other than " + from, GENEROUS_MS, () -> {
                if (viewMs[0] < 0) {
                    final Map<String, LabPlacement.Placed> seen = LabPlacement.of(via);
                    if (seen != null && seen.get(LEDGER) != null && !from.equals(seen.get(LEDGER).owner())) {
                        viewMs[0] = msSince(sinceNs);
                    }
                }
                first[0] = Stream.of(probe, traffic)
                    .flatMap(t -> t.firstAnsweredAfter(sinceNs, a -> !a.node().equals(from)).stream())
                    .min(Comparator.comparingLong(LedgerTraffic.Ask::doneNs)).orElse(null);
                return first[0] != null;
            }, () -> "the last asks: " + traffic.last(10) + "; the probe's: " + probe.last(4));
        } finally {
            probe.close();
        }
        return new Takeover(first[0], TimeUnit.NANOSECONDS.toMillis(first[0].doneNs() - sinceNs), viewMs[0]);
    }

    /** For a failure: the last asks, and each running node's cluster-actor and replica counters. */
    private List<String> failureLines() {
        final List<String> lines = new ArrayList<>();
        if (traffic != null) {
            lines.add("the last asks: " + traffic.last(20));
        }
        for (final LabNode n : nodes) {
            if (n.process() == null) {
                continue;
            }
            try {
                final JsonObject counters = n.process().get("/api/node").at("counters").getAsJsonObject();
                final Map<String, String> ours = new TreeMap<>();
                counters.entrySet().stream().filter(e -> e.getKey().startsWith("replica.")
                    || e.getKey().startsWith("cluster-actors.") || e.getKey().startsWith("handover."))
                    .forEach(e -> ours.put(e.getKey(), e.getValue().toString()));
                lines.add(n.id() + "'s counters: " + ours);
                // Where a message can wait unseen: a link's outbox, a mailbox, the dead letters.
                for (final String path : List.of("/api/transport", "/api/actors", "/api/deadletters")) {
                    final String body = n.process().get(path).body();
                    lines.add(n.id() + "'s " + path + ": " + body.substring(0, Math.min(body.length(), 4000)));
                }
                lines.add(n.id() + "'s own threads: " + ownThreads(n.process().threadDump()));
            } catch (final IOException | RuntimeException | AssertionError e) {
                lines.add(n.id() + "'s counters: not read (" + e + ")");
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return lines;
            }
        }
        return lines;
    }

    /** @return the node's own threads (named hamlet-*) and the JVM's deadlock report, from a thread dump */
    private static String ownThreads(final String dump) {
        final StringBuilder kept = new StringBuilder();
        for (final String block : dump.split("\n\s*\n")) {
            if (block.startsWith("\"hamlet-") || block.contains("deadlock")) {
                kept.append('\n').append(block.strip());
            }
        }
        return kept.length() > 20_000 ? kept.substring(0, 20_000) + "\n..." : kept.toString();
    }

    /** @return the first line logged since {@code skip} lines that contains both parts, once there is one */
    static String awaitLine(final LabNode node, final int skip, final String part, final String other)
        throws InterruptedException {
        final String[] line = {null};
        LabPlacement.await(node.id() + " logs a line with '" + part + "' and '" + other + "'", GENEROUS_MS, () -> {
            line[0] = node.process().dump().lines().skip(skip).filter(l -> l.contains(part) && l.contains(other))
                .findFirst().orElse(null);
            return line[0] != null;
        }, () -> "no such line");
        return line[0].substring(Math.max(0, line[0].indexOf("] [") + 2));
    }

    static int lines(final LabNode node) {
        return (int) node.process().dump().lines().count();
    }

    /** Each actor has exactly one running activation by the logs, on the owner the nodes agree on. */
    private void assertOneActivationEach(final Map<String, LabPlacement.Placed> placed) {
        final Map<String, List<ActivationLog.Interval>> running = new TreeMap<>();
        for (final ActivationLog.Interval i : intervals()) {
            if (i.stopMillis() == ActivationLog.RUNNING) {
                running.computeIfAbsent(i.actor(), k -> new ArrayList<>()).add(i);
            }
        }
        for (final LabPlacement.Placed p : placed.values()) {
            final List<ActivationLog.Interval> now = running.getOrDefault(p.name(), List.of());
            assertEquals(1, now.size(), "one activation of " + p.name() + " runs by the logs: " + now);
            assertEquals(p.owner(), now.get(0).node(), "on its owner: " + now);
        }
    }

    private List<ActivationLog.Interval> intervals() {
        final List<ActivationLog.Interval> all = new ArrayList<>();
        for (final LabNode n : nodes) {
            if (n.process() != null) {
                all.addAll(ActivationLog.parse(n.process().dump(), n.alive() ? ActivationLog.RUNNING
                    : System.currentTimeMillis()));
            }
        }
        return all;
    }

    private void assertClean(final String when) {
        final LedgerTraffic.Report report = traffic.check().get(LEDGER);
        say(when + ": " + report);
        assertEquals(List.of(), report.lost(), "nothing acknowledged lost " + when);
        assertEquals(List.of(), report.duplicates(), "no message seen twice " + when);
        assertEquals(List.of(), report.wentBack(), "the count never went back " + when);
    }

    private static void assertNull(final Object o, final String what) {
        assertTrue(o == null, what + ": " + o);
    }

    private List<LabNode> running() {
        return nodes.stream().filter(LabNode::alive).toList();
    }

    private LabNode node(final int host) {
        return nodes.get(host - 1);
    }

    private static String id(final int host) {
        return "node" + host;
    }

    private static int number(final String id) {
        return Integer.parseInt(id.substring("node".length()));
    }

    static long msSince(final long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void say(final String line) {
        System.out.println("LabFailoverIT: " + line);
    }
}
