package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failover of a cluster actor between three real nodes on loopback (issue 9): the ledger example (it replies with
 * its count and the last number it saw from the sender) declared {@code placement = cluster} on every node, with
 * {@code hamlet.failover.replicate = every-message} and {@code expected-members = 3}, under a steady stream of
 * numbered asks from the node that neither runs it nor holds its copy. In order: the owner is killed (kill -9): the
 * actor answers again from another node within a bound, with every answered message still in its state and none seen
 * twice; the killed node is started again and gets the actor back by a clean handover (the count goes on, every ask
 * answered meanwhile); the owner is stopped 3 s (SIGSTOP): the actor runs elsewhere, and once woken the stopped node
 * fences its activation instead of answering as the owner; a bad live edit of {@code hamlet.failover} is refused
 * naming the key; a fourth node joins and spread instances (a group {@code job} of 6 ledgers, declared beside it)
 * move to it while each is asked by name, every ask answered. Throughout, the nodes' own logs show no two activations
 * of one actor at once. Each scenario prints its figures ("FailoverIT: ...").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
    private static final int NODES = 3;
    /** A fourth node joins in the last scenario. */
    private static final int MAX_NODES = 4;
    private static final int JOBS = 6;
    private static final long JOIN_MS = 20_000;
    private static final String ACTOR = "ledger";
    /** Asserted: the issue's 2 s, and room for a machine whose two cores are shared with other work. */
    private static final long TAKEOVER_BOUND_MS = 5_000;
    private static final long STALL_MS = 3_000;
    /** Each ask may wait this long for a takeover before it counts as unanswered. */
    private static final long ASK_TIMEOUT_MS = 3_000;
    private static final long PACE_MS = 20;
    private static final long GENEROUS_MS = 60_000;

    private final Path home = NodeProcess.distribution();
    private final NodeProcess[] nodes = new NodeProcess[MAX_NODES + 1];
    /** Every process started, the dead ones too, with when each ended (wall clock), for the logs. */
    private final Map<NodeProcess, String> runs = new LinkedHashMap<>();
    private final Map<NodeProcess, Long> endedAtMillis = new LinkedHashMap<>();
    private final int[] transportPorts = new int[MAX_NODES + 1];
    private final int[] adminPorts = new int[MAX_NODES + 1];
    private Path dir;
    /** The node the traffic goes through: neither the first owner nor its replica. */
    private int sender;
    private LedgerTraffic traffic;
    /** The stall of scenario 3, for the log check: the process, and when it was stopped and woken (wall clock). */
    private NodeProcess stalledRun;
    private long stalledAtMillis;
    private long wokenAtMillis;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.named(() -> runs.keySet(), runs::get,
        NodeProcess::dump).withCause().withLinesFirst(() -> traffic == null ? List.of()
            : List.of("the last asks: " + traffic.last(20)));

    @BeforeAll
    void startNodes() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("hamlet-failover-");
        for (int i = 1; i <= MAX_NODES; i++) {
            transportPorts[i] = NodeProcess.freePort();
            adminPorts[i] = NodeProcess.freePort();
        }
        final String seeds = java.util.stream.IntStream.rangeClosed(1, NODES)
            .mapToObj(i -> "\"127.0.0.1:" + transportPorts[i] + "\"").collect(Collectors.joining(", "));
        for (int i = 1; i <= MAX_NODES; i++) {
            final Path nodeDir = Files.createDirectories(dir.resolve("node" + i));
            final Path deploy = Files.createDirectories(nodeDir.resolve("deploy"));
            Files.copy(home.resolve("examples/hamlet-example-ledger.jar"), deploy.resolve("hamlet-example-ledger.jar"));
            Files.writeString(nodeDir.resolve("node.conf"), "hamlet {\n"
                + "  node { id = node" + i + ", host = \"127.0.0.1\", port = " + transportPorts[i] + " }\n"
                + "  admin { host = \"127.0.0.1\", port = " + adminPorts[i] + " }\n"
                // Every node a seed: a node started again joins through whichever answers.
                + "  cluster.seeds = [" + seeds + "]\n"
                + "  failover { expected-members = " + NODES + ", replicate = every-message }\n"
                + "  actors {\n"
                + "    " + ACTOR + " { behavior = ledger, placement = cluster }\n"
                + "    job { behavior = ledger, placement = spread, instances = " + JOBS + " }\n"
                + "  }\n"
                + "}\n");
        }
        final long start = System.nanoTime();
        for (int i = 1; i <= NODES; i++) {
            start(i);
        }
        final Placed placed = awaitSteadyOwner("the first placement");
        say("three nodes up and " + ACTOR + " placed on " + placed.owner + " (epoch " + placed.epoch + ", replica "
            + placed.replica + ") " + msSince(start) + " ms after the start");
        for (int i = 1; i <= NODES; i++) {
            if (!id(i).equals(placed.owner) && !id(i).equals(placed.replica)) {
                sender = i;
            }
        }
        traffic = LedgerTraffic.start("s", () -> node(sender), List.of(ACTOR), 2, PACE_MS, ASK_TIMEOUT_MS);
        traffic.awaitAnswers(50, GENEROUS_MS, "the first asks through node" + sender);
    }

    @AfterAll
    void stopNodes() throws InterruptedException {
        if (traffic != null) {
            traffic.close();
        }
        runs.keySet().forEach(NodeProcess::close);
    }

    @Test
    @Order(1)
    void shouldAnswerAgainFromAnotherNodeSoonAfterTheOwnerIsKilledWithNothingAcknowledgedLost() throws Exception {
        final Placed before = awaitSteadyOwner("before the kill");
        final int owner = number(before.owner);
        traffic.awaitAnswers(20, GENEROUS_MS, "asks before the kill");
        final long killed = System.nanoTime();
        node(owner).process().destroyForcibly();
        endedAtMillis.put(node(owner), System.currentTimeMillis());
        final Recovery recovery = awaitAnswerAfter(killed, before.owner);
        final LedgerTraffic.Ask first = recovery.first();
        final long takeoverMs = TimeUnit.NANOSECONDS.toMillis(first.doneNs() - killed);
        final Placed after = awaitSteadyOwner("after the takeover");
        traffic.awaitAnswers(50, GENEROUS_MS, "asks after the takeover");
        final List<LedgerTraffic.Ask> around = traffic.between(killed - TimeUnit.SECONDS.toNanos(1), System.nanoTime());
        say("owner " + before.owner + " killed (kill -9): " + ACTOR + " answered again from " + first.node() + " "
            + takeoverMs + " ms later (first answer: " + first + "; node" + sender + "'s view named the new owner "
            + recovery.viewMs() + " ms after the kill, polled every 50 ms); " + after.owner + " runs it under epoch "
            + after.epoch + "; " + around.stream().filter(a -> !a.answered()).count() + " of " + around.size()
            + " asks around the kill ended without a reply; its activation: " + activationLine(after));
        assertNotEquals(before.owner, after.owner, "another node runs it");
        assertTrue(after.epoch > before.epoch, "under a higher epoch");
        assertTrue(takeoverMs <= TAKEOVER_BOUND_MS, "answered again within " + TAKEOVER_BOUND_MS + " ms of the kill, "
            + "took " + takeoverMs + " ms");
        assertClean("after the kill");
    }

    @Test
    @Order(2)
    void shouldHandTheActorBackToTheRestartedNodeWithItsCountAndNoAskUnanswered() throws Exception {
        final Placed before = awaitSteadyOwner("before the restart");
        final int restarted = java.util.stream.IntStream.rangeClosed(1, NODES).filter(i -> !node(i).process()
            .isAlive()).findFirst().orElseThrow(() -> new AssertionError("no node was killed before"));
        final long answeredBefore = traffic.answered();
        final long started = System.nanoTime();
        start(restarted);
        final Placed back = awaitOwner(id(restarted), "handed back to the restarted " + id(restarted));
        final long handedMs = msSince(started);
        traffic.awaitAnswers(50, GENEROUS_MS, "asks after the handover");
        final List<LedgerTraffic.Ask> window = traffic.between(started, System.nanoTime());
        final List<LedgerTraffic.Ask> unanswered = window.stream().filter(a -> !a.answered()).toList();
        final long slowestMs = window.stream().mapToLong(a -> TimeUnit.NANOSECONDS.toMillis(a.doneNs() - a.sentNs()))
            .max().orElse(-1);
        say(id(restarted) + " started again: " + ACTOR + " handed back to it from " + before.owner + " (epoch "
            + before.epoch + " -> " + back.epoch + ") " + handedMs + " ms after its start; " + window.size()
            + " asks meanwhile, " + unanswered.size() + " without a reply, the slowest answered in " + slowestMs
            + " ms (the handover pause and more); " + (traffic.answered() - answeredBefore) + " answers since the "
            + "restart; its activation: " + activationLine(back));
        assertTrue(back.epoch > before.epoch, "a handover is a new epoch");
        assertEquals(List.of(), unanswered, "every ask answered across the handover");
        assertClean("across the handover");
    }

    @Test
    @Order(3)
    void shouldTakeOverFromAStalledOwnerWhichFencesItsActivationOnceWoken() throws Exception {
        final Placed before = awaitSteadyOwner("before the stall");
        final int owner = number(before.owner);
        final NodeProcess stalled = node(owner);
        final int logLinesBefore = (int) stalled.stderr().lines().count();
        final long stopped = System.nanoTime();
        stalledRun = stalled;
        stalledAtMillis = System.currentTimeMillis();
        signal("STOP", stalled.pid());
        // The signal is sent by a `kill` process: asks sent until it returns may still have been handled before the
        // stop took effect (under load, tens of ms). "Nothing answered after the stop" counts from here.
        final long surelyStopped = System.nanoTime();
        final Recovery recovery;
        try {
            recovery = awaitAnswerAfter(stopped, before.owner);
            node(sender).await("the stall lasts " + STALL_MS + " ms", () -> msSince(stopped) >= STALL_MS,
                () -> "still stopped");
        } finally {
            // Taken before the signal: the woken process may log (its fence) within the same millisecond.
            wokenAtMillis = System.currentTimeMillis();
            signal("CONT", stalled.pid());
        }
        final long resumed = System.nanoTime();
        final LedgerTraffic.Ask first = recovery.first();
        final long takeoverMs = TimeUnit.NANOSECONDS.toMillis(first.doneNs() - stopped);
        final String[] fence = {null};
        stalled.await("the woken " + before.owner + " logs that it fenced " + ACTOR, () -> {
            fence[0] = stalled.stderr().lines().skip(logLinesBefore)
                .filter(l -> l.contains("cluster actor " + ACTOR + " (epoch ") && l.contains(") fenced: "))
                .findFirst().orElse(null);
            return fence[0] != null;
        }, () -> "no fence line yet");
        final long fenceAfterWakeMs = ActivationLog.millis(fence[0].substring(0, 23)) - wokenAtMillis;
        traffic.awaitAnswers(50, GENEROUS_MS, "asks after the stalled node woke");
        final List<LedgerTraffic.Ask> stolen = traffic.asks().stream()
            .filter(a -> a.answered() && a.node().equals(before.owner) && a.sentNs() - surelyStopped > 0
                && a.doneNs() - resumed < TimeUnit.MILLISECONDS.toNanos(Math.max(0, fenceAfterWakeMs) + 100))
            .toList();
        say(before.owner + " stopped " + TimeUnit.NANOSECONDS.toMillis(resumed - stopped) + " ms (SIGSTOP): "
            + ACTOR + " answered from " + first.node() + " " + takeoverMs + " ms after the stop (node" + sender
            + "'s view named the new owner after " + recovery.viewMs() + " ms); once woken it logged "
            + fenceAfterWakeMs + " ms after SIGCONT: " + fence[0].substring(Math.max(0, fence[0].indexOf('['))));
        assertTrue(takeoverMs <= TAKEOVER_BOUND_MS, "answered from another node within " + TAKEOVER_BOUND_MS
            + " ms of the stop, took " + takeoverMs + " ms");
        assertEquals(List.of(), stolen, "the stalled node answered nothing from the stop until its fence line");
        assertClean("across the stall");
    }

    @Test
    @Order(4)
    void shouldRefuseABadFailoverEditNamingTheKeyAndKeepRunning() throws Exception {
        final NodeProcess n = node(sender);
        final Path conf = dir.resolve("node" + sender).resolve("node.conf");
        final String original = Files.readString(conf);
        final long rejected = n.get("/api/config").at("rejectedCount").getAsLong();
        Files.writeString(conf, original.replace("\n}\n", "\n  failover.lease = 10ms\n}\n"));
        try {
            final NodeProcess.Reply refused = n.awaitGet("/api/config", "the bad edit refused",
                r -> r.status() == 200 && r.at("rejectedCount").getAsLong() > rejected);
            say("lease = 10ms refused: " + refused.at("lastRejection"));
            assertTrue(refused.at("lastRejection").toString().contains("hamlet.failover.lease"), refused.body());
        } finally {
            Files.writeString(conf, original);
        }
        traffic.awaitAnswers(20, GENEROUS_MS, "asks after the refused edit");
        assertEquals(200, n.get("/api/node").status(), "the node keeps running");
        assertClean("after the refused edit");
    }

    @Test
    @Order(5)
    void shouldMoveSpreadInstancesToAFourthNodeThatJoinsWithAnAnswerToEveryAsk() throws Exception {
        final Map<String, Placed> before = allPlaced(node(sender));
        final List<String> jobs = java.util.stream.IntStream.rangeClosed(1, JOBS).mapToObj(i -> "job-" + i).toList();
        try (LedgerTraffic jobTraffic = LedgerTraffic.start("join", () -> node(sender), jobs, 1, 50,
            ASK_TIMEOUT_MS)) {
            jobTraffic.awaitAnswers(30, GENEROUS_MS, "asks to the jobs before the join");
            final long started = System.nanoTime();
            start(MAX_NODES);
            final Object[] seen = {null};
            final long[] since = {0};
            within(JOIN_MS, "the four nodes agree on every cluster actor, active and unchanged for 2 s, with some on "
                + "node4", () -> {
                    final Map<String, Placed> now = agreedAll();
                    if (now == null || !now.equals(seen[0])) {
                        seen[0] = now;
                        since[0] = System.nanoTime();
                        return false;
                    }
                    return msSince(since[0]) >= 2_000 && now.values().stream().anyMatch(p -> p.owner.equals(
                        id(MAX_NODES)));
                }, this::allViews);
            @SuppressWarnings("unchecked")
            final Map<String, Placed> after = (Map<String, Placed>) seen[0];
            jobTraffic.awaitAnswers(30, GENEROUS_MS, "asks to the jobs after the join");
            jobTraffic.close();
            final List<String> moved = after.entrySet().stream().filter(e -> e.getValue().owner.equals(
                id(MAX_NODES))).map(e -> e.getKey() + " from " + before.get(e.getKey()).owner).toList();
            final Map<String, LedgerTraffic.Report> reports = jobTraffic.check();
            say("node4 joined: moved to it " + moved + " (steady " + msSince(started) + " ms after its start)");
            reports.values().forEach(r -> say("  " + r));
            assertTrue(moved.stream().anyMatch(m -> m.startsWith("job-")), "a spread instance moved to node4");
            for (final LedgerTraffic.Report r : reports.values()) {
                assertEquals(List.of(), r.unanswered(), "every ask to " + r.to() + " answered across the join");
                assertTrue(r.clean(), "nothing lost, seen twice or gone back: " + r);
            }
        }
        assertClean("across the join");
    }

    @Test
    @Order(6)
    void shouldNeverHaveRunTwoActivationsAtOnceByTheNodesOwnLogs() throws Exception {
        traffic.close();
        final Map<String, LedgerTraffic.Report> reports = traffic.check();
        final List<ActivationLog.Interval> intervals = new ArrayList<>();
        for (final NodeProcess p : runs.keySet()) {
            intervals.addAll(ActivationLog.parse(p.stderr(), endedAtMillis.getOrDefault(p,
                ActivationLog.RUNNING)));
        }
        final List<ActivationLog.Interval> checked = stalledRun == null ? intervals : ActivationLog.stalled(intervals,
            runs.get(stalledRun).substring(0, runs.get(stalledRun).indexOf(' ')), stalledAtMillis, wokenAtMillis);
        say("the whole run: " + reports.get(ACTOR));
        say("activations of " + ACTOR + " from the logs (that of the stalled node cut at its SIGSTOP, "
            + java.time.Instant.ofEpochMilli(stalledAtMillis) + " .. " + java.time.Instant.ofEpochMilli(wokenAtMillis)
            + "): " + ActivationLog.byActor(checked).get(ACTOR));
        say("handover pauses by the logs (old owner's stop line to the new owner's start line, ms): "
            + ActivationLog.handoverPauses(checked));
        assertEquals(List.of(), ActivationLog.overlaps(checked), "no two activations of one actor at once");
        assertEquals(List.of(), ActivationLog.epochsNotRising(checked), "each activation under a higher epoch");
        assertTrue(ActivationLog.byActor(checked).get(ACTOR).size() >= 4, "the first activation, the takeover, the "
            + "handover and the takeover from the stalled node are all in the logs: " + checked);
        final JsonObject state = LedgerTraffic.state(node(sender), ACTOR);
        say("the ledger's own account: " + state);
        assertEquals(List.of(), traffic.checkState(ACTOR, state), "the ledger's account: " + state);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** The actor's placement as a node sees it. */
    private record Placed(String owner, long epoch, String state, String replica) {
    }

    private void start(final int i) throws IOException {
        final Path nodeDir = dir.resolve("node" + i);
        final Path logs = Files.createDirectories(nodeDir.resolve("run-" + System.nanoTime()));
        nodes[i] = NodeProcess.start(home, adminPorts[i], logs, Map.of("HAMLET_JAVA_OPTS",
            "-Xms64m -Xmx256m -XX:+UseSerialGC"), "--conf", nodeDir.resolve("node.conf").toString(), "--data",
            nodeDir.resolve("data").toString(), "--deploy", nodeDir.resolve("deploy").toString());
        runs.put(nodes[i], id(i) + " (run " + (runs.values().stream().filter(v -> v.startsWith(id(i) + " ")).count()
            + 1) + ")");
    }

    private NodeProcess node(final int i) {
        return nodes[i];
    }

    private static String id(final int i) {
        return "node" + i;
    }

    private static int number(final String id) {
        return Integer.parseInt(id.substring("node".length()));
    }

    /** @return every cluster actor as this node shows it, by name (empty when it does not answer) */
    private static Map<String, Placed> allPlaced(final NodeProcess n) {
        final Map<String, Placed> all = new java.util.TreeMap<>();
        try {
            final NodeProcess.Reply r = n.get("/api/cluster/actors");
            final JsonElement list = r.status() == 200 ? r.at("clusterActors") : null;
            if (list != null && list.isJsonArray()) {
                for (final JsonElement e : list.getAsJsonArray()) {
                    final JsonObject a = e.getAsJsonObject();
                    all.put(a.get("name").getAsString(), new Placed(a.get("owner").isJsonNull() ? "" : a.get("owner")
                        .getAsString(), a.get("epoch").getAsLong(), a.get("state").getAsString(), null));
                }
            }
        } catch (final IOException e) {
            return all;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return all;
    }

    /** @return every cluster actor when all running nodes show the same ones, all 1 + JOBS of them active; or null */
    private Map<String, Placed> agreedAll() {
        Map<String, Placed> agreed = null;
        for (int i = 1; i <= MAX_NODES; i++) {
            if (node(i) == null || !node(i).process().isAlive()) {
                continue;
            }
            final Map<String, Placed> seen = allPlaced(node(i));
            if (seen.size() != 1 + JOBS || seen.values().stream().anyMatch(p -> !"active".equals(p.state))
                || agreed != null && !agreed.equals(seen)) {
                return null;
            }
            agreed = seen;
        }
        return agreed;
    }

    private String allViews() {
        final StringBuilder b = new StringBuilder();
        for (int i = 1; i <= MAX_NODES; i++) {
            if (node(i) != null) {
                b.append("\n  ").append(id(i)).append(": ").append(allPlaced(node(i)).entrySet().stream()
                    .map(e -> e.getKey() + "@" + e.getValue().owner + "/" + e.getValue().epoch + " " + e.getValue()
                        .state).toList());
            }
        }
        return b.toString();
    }

    /** @return the actor as this node's GET /api/cluster/actors shows it, or null */
    private static Placed placed(final NodeProcess n) {
        try {
            final NodeProcess.Reply r = n.get("/api/cluster/actors");
            final JsonElement list = r.status() == 200 ? r.at("clusterActors") : null;
            if (list == null || !list.isJsonArray()) {
                return null;
            }
            for (final JsonElement e : list.getAsJsonArray()) {
                final JsonObject a = e.getAsJsonObject();
                if (ACTOR.equals(a.get("name").getAsString()) && !a.get("owner").isJsonNull()) {
                    return new Placed(a.get("owner").getAsString(), a.get("epoch").getAsLong(),
                        a.get("state").getAsString(), a.get("replica").isJsonNull() ? null
                        : a.get("replica").getAsString());
                }
            }
            return null;
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return the placement once every running node agrees on an active owner and it held for 2 s */
    private Placed awaitSteadyOwner(final String what) throws InterruptedException {
        final Placed[] seen = {null};
        final long[] since = {0};
        final NodeProcess any = anyAlive();
        any.await("every node agrees on the owner of " + ACTOR + ", active and unchanged for 2 s (" + what + ")",
            () -> {
                final Placed agreed = agreed();
                if (agreed == null || !agreed.equals(seen[0])) {
                    seen[0] = agreed;
                    since[0] = System.nanoTime();
                    return false;
                }
                return msSince(since[0]) >= 2_000;
            }, () -> "last agreed: " + seen[0] + "; views: " + views());
        return seen[0];
    }

    private Placed awaitOwner(final String owner, final String what) throws InterruptedException {
        final Placed[] seen = {null};
        anyAlive().await(what, () -> {
            seen[0] = agreed();
            return seen[0] != null && seen[0].owner.equals(owner);
        }, () -> "views: " + views());
        return seen[0];
    }

    /** @return the placement every live node shows, active and with a live owner, or null */
    private Placed agreed() {
        Placed agreed = null;
        for (int i = 1; i <= MAX_NODES; i++) {
            if (node(i) == null || !node(i).process().isAlive()) {
                continue;
            }
            final Placed p = placed(node(i));
            if (p == null || !"active".equals(p.state) || agreed != null && !agreed.equals(p)) {
                return null;
            }
            agreed = p;
        }
        return agreed != null && node(number(agreed.owner)).process().isAlive() ? agreed : null;
    }

    private String views() {
        final StringBuilder b = new StringBuilder();
        for (int i = 1; i <= MAX_NODES; i++) {
            b.append(id(i)).append(": ").append(node(i) == null ? "not started" : node(i).process().isAlive()
                ? placed(node(i)) : "not running")
                .append("; ");
        }
        return b.toString();
    }

    private NodeProcess anyAlive() {
        for (int i = 1; i <= MAX_NODES; i++) {
            if (node(i) != null && node(i).process().isAlive()) {
                return node(i);
            }
        }
        throw new AssertionError("no node runs");
    }

    /** The first answer from another node after a fault, and when the sending node's view first named another. */
    private record Recovery(LedgerTraffic.Ask first, long viewMs) {
    }

    /**
     * @return the first answer after {@code sinceNs} from a node other than {@code notFrom}, and when (ms after
     *     {@code sinceNs}) the sending node's GET /api/cluster/actors first named another owner (-1: not seen)
     */
    private Recovery awaitAnswerAfter(final long sinceNs, final String notFrom) throws InterruptedException {
        final LedgerTraffic.Ask[] first = {null};
        final long[] viewMs = {-1};
        node(sender).await(ACTOR + " answers from a node other than " + notFrom, () -> {
            if (viewMs[0] < 0) {
                final Placed p = placed(node(sender));
                if (p != null && !p.owner.equals(notFrom)) {
                    viewMs[0] = msSince(sinceNs);
                }
            }
            first[0] = traffic.firstAnsweredAfter(sinceNs, a -> !a.node().equals(notFrom)).orElse(null);
            return first[0] != null;
        }, () -> "the last asks: " + traffic.last(10));
        return new Recovery(first[0], viewMs[0]);
    }

    /** @return the registry's activation line of that owner and epoch, or a note that there is none */
    private String activationLine(final Placed p) {
        final String marker = "cluster actor " + ACTOR + " activated, epoch " + p.epoch + " ";
        return node(number(p.owner)).stderr().lines().filter(l -> l.contains(marker)).findFirst()
            .map(l -> l.substring(Math.max(0, l.indexOf('[')))).orElse("(no line '" + marker + "')");
    }

    private void assertClean(final String when) {
        final LedgerTraffic.Report report = traffic.check().get(ACTOR);
        say(when + ": " + report);
        assertEquals(List.of(), report.lost(), "nothing acknowledged lost " + when);
        assertEquals(List.of(), report.duplicates(), "no message seen twice " + when);
        assertEquals(List.of(), report.wentBack(), "the count never went back " + when);
    }

    /** Polls every 50 ms until the condition holds; fails after {@code deadlineMs} with what was last seen. */
    private static void within(final long deadlineMs, final String what, final java.util.function.BooleanSupplier
        condition, final java.util.function.Supplier<String> lastSeen) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + deadlineMs + " ms: " + what + "; last seen: "
                    + lastSeen.get());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private static void signal(final String signal, final long pid) throws IOException, InterruptedException {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    private static long msSince(final long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void say(final String line) {
        System.out.println("FailoverIT: " + line);
    }
}
