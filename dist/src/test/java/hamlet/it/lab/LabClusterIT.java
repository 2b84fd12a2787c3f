package hamlet.it.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.it.system.NodeOutputOnFailure;
import hamlet.it.system.NodeProcess;
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
 * Gossip membership on real hosts (DESIGN.md, tests tier 4): five node processes, each in a network namespace of
 * its own ({@link Lab}: 10.77.0.N on a bridge in a namespace of its own), every one seeded with node1 alone, driven
 * through their admin APIs on the lab's management network. The scenarios share the cluster and run in order:
 * three nodes converge; a partition {1,2}|{3} (node3 alone in the minority) heals; node4 and node5 join; node5's
 * cable is pulled (dead everywhere within 2 s, messages to it buffered and delivered once it is back by itself);
 * node4 stalls 1.5 s (SIGSTOP: as silent as a pulled cable, so it may be declared dead; it must come back by
 * itself, and no other node may be declared dead); 5 % packet loss on every host for 60 s (no live
 * node is ever declared dead). Each prints its figures ("LabClusterIT: ..."). Besides polling the views (every
 * 100 ms at most), a scenario reads the dead verdicts each node logged meanwhile ({@link LabNode#deadVerdicts}), so
 * that a live node declared dead and back within milliseconds, between two polls, still fails it. Skipped, with
 * the reason printed, where the lab cannot run (not root, no usable ip netns).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabClusterIT {
    private static final int HOSTS = 5;
    /** The gossip defaults promise detection within 2 s (hamlet.gossip, reference.conf). */
    private static final long DETECTION_MS = 2_000;
    /** A fourth and fifth node are known by every node within this of starting to gossip. */
    private static final long JOIN_MS = 2_000;
    private static final long STALL_MS = 1_500;
    private static final long LOSS_MS = 60_000;
    private static final int LOSS_PERCENT = 5;
    private static final long POLL_MS = 100;
    /**
     * How long a membership must stay unchanged before a scenario that judges majorities starts: stable-after (3 s,
     * when it becomes the stable membership) and a margin.
     */
    private static final long STEADY_MS = 4_000;
    /** A node whose membership view answers 503 (no gossip bundle running) this long fails the wait at once. */
    private static final long NO_GOSSIP_MS = 20_000;
    /** A wait that may take long on a loaded machine; each returns as soon as it can. */
    private static final long GENEROUS_MS = 60_000;

    private final Lab lab = new Lab();
    private final List<LabNode> nodes = new ArrayList<>();
    private boolean labUp;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.named(
        () -> nodes.stream().filter(n -> n.process() != null).toList(), LabNode::id,
        n -> n.id() + "'s last GET /api/cluster/members: " + n.lastMembersReply() + "\n" + n.tail(80)).withCause();

    @BeforeAll
    void upTheLab() throws IOException, InterruptedException {
        final String reason = lab.unusableReason();
        if (reason != null) {
            System.out.println("LabClusterIT: skipped: " + reason);
            Assumptions.assumeTrue(false, reason);
        }
        lab.up(HOSTS);
        labUp = true;
        final Path root = Files.createTempDirectory("hamlet-lab-");
        for (int host = 1; host <= HOSTS; host++) {
            nodes.add(new LabNode(root, host));
        }
        say("lab up: " + HOSTS + " hosts, nodes in " + root);
    }

    @AfterEach
    void clearFaults() throws IOException, InterruptedException {
        if (labUp) {
            lab.clear();
        }
    }

    @AfterAll
    void downTheLab() {
        nodes.forEach(LabNode::close);
        lab.close();
    }

    @Test
    @Order(1)
    void shouldConvergeThreeNodesFromOneSeed() throws Exception {
        final Map<Integer, Integer> mark = verdictMark();
        final long start = System.nanoTime();
        for (int host = 1; host <= 3; host++) {
            node(host).start();
        }
        final Map<Integer, Long> readyMs = new TreeMap<>();
        await("nodes 1-3 answer with the counter behaviour loaded", GENEROUS_MS, () -> {
            for (int host = 1; host <= 3; host++) {
                if (!readyMs.containsKey(host) && node(host).nodeIfReady() != null) {
                    readyMs.put(host, msSince(start));
                }
            }
            return readyMs.size() == 3;
        });
        final long lastReady = readyMs.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        final List<String> three = ids(1, 2, 3);
        await("nodes 1-3 see nodes 1-3 alive", GENEROUS_MS, () -> allSee(hosts(1, 3), three));
        final long converged = msSince(start);
        say("three nodes from one seed converged " + converged + " ms after their start, " + (converged - lastReady)
            + " ms after the last admin API answered (ready at " + readyMs + " ms)");
        awaitSteady("nodes 1-3 see nodes 1-3 alive and a majority, unchanged for stable-after and a margin",
            STEADY_MS, () -> allSee(hosts(1, 3), three)
                && hosts(1, 3).stream().allMatch(h -> viewOf(h) != null && viewOf(h).majority()));
        say("and steady (a stable membership of three) " + msSince(start) + " ms after their start: "
            + viewOf(1).brief());
        assertEquals(List.of(), verdictsSince(mark), "no node was declared dead while three nodes formed a cluster");
    }

    @Test
    @Order(2)
    void shouldPutTheLoneNodeOfAPartitionInTheMinorityAndHeal() throws Exception {
        final List<String> three = ids(1, 2, 3);
        await("nodes 1-3 see nodes 1-3 alive", GENEROUS_MS, () -> allSee(hosts(1, 3), three));
        lab.partition("1,2|3");
        final long cut = System.nanoTime();
        final Map<Integer, LabNode.View> seen = new TreeMap<>();
        final BooleanSupplier split = () -> {
            for (int host = 1; host <= 3; host++) {
                seen.put(host, viewOf(host));
            }
            final LabNode.View v1 = seen.get(1);
            final LabNode.View v2 = seen.get(2);
            final LabNode.View v3 = seen.get(3);
            return v1 != null && v2 != null && v3 != null
                && v1.majority() && v2.majority() && !v3.majority()
                && "dead".equals(v1.status("node3")) && "dead".equals(v2.status("node3"))
                && "dead".equals(v3.status("node1")) && "dead".equals(v3.status("node2"));
        };
        await("node3 in the minority, nodes 1 and 2 in the majority, each side seeing the other dead",
            GENEROUS_MS, split);
        say("partition {1,2}|{3}: minority and majority known " + msSince(cut) + " ms after the cut: "
            + seen.values().stream().map(LabNode.View::brief).collect(Collectors.joining("; ")));
        // Still so once each side's membership has been unchanged for stable-after: the lone node must not take
        // its own side for the stable membership and call itself the majority.
        final long known = System.nanoTime();
        awaitSteady("the same judgement, held for " + STEADY_MS + " ms", STEADY_MS, split);
        say("and still so " + msSince(known) + " ms later: "
            + seen.values().stream().map(LabNode.View::brief).collect(Collectors.joining("; ")));
        lab.heal();
        final long healed = System.nanoTime();
        final Map<Integer, Integer> mark = verdictMark();
        await("one cluster again: nodes 1-3 see nodes 1-3 alive, and a majority", GENEROUS_MS,
            () -> allSee(hosts(1, 3), three)
                && hosts(1, 3).stream().allMatch(h -> viewOf(h) != null && viewOf(h).majority()));
        say("healed: one cluster of three, all alive and in the majority, " + msSince(healed)
            + " ms after the heal");
        // Not failed on (SWIM accepts a dead verdict of the same incarnation, and the member refutes it), but told:
        // a verdict the minority made during the partition, spread after the heal, makes a live member of the
        // majority dead for a moment.
        say("dead verdicts logged after the heal (stale ones from the partition, about live members): "
            + verdictsSince(mark));
    }

    @Test
    @Order(3)
    void shouldMakeAFourthAndFifthNodeKnownToAllWithinTwoSeconds() throws Exception {
        final Map<Integer, Integer> mark = verdictMark();
        final long start = System.nanoTime();
        node(4).start();
        node(5).start();
        final Map<Integer, Long> upMs = new TreeMap<>();
        final Map<Integer, Long> knownMs = new TreeMap<>();
        final Map<Integer, Map<Integer, Long>> knownByMs = new TreeMap<>();
        final Map<Integer, Long> knowsAllMs = new TreeMap<>();
        final Map<Integer, LabNode.View> views = new TreeMap<>();
        final List<String> five = ids(1, 2, 3, 4, 5);
        await("node4 and node5 known by all five (and knowing all five)", GENEROUS_MS, () -> {
            for (int host = 1; host <= 5; host++) {
                views.put(host, viewOf(host));
            }
            for (final int n : List.of(4, 5)) {
                final LabNode.View own = views.get(n);
                if (!upMs.containsKey(n) && own != null && own.members().containsKey(node(n).id())) {
                    upMs.put(n, msSince(start));
                }
                final Map<Integer, Long> by = knownByMs.computeIfAbsent(n, k -> new TreeMap<>());
                for (int h = 1; h <= 5; h++) {
                    if (h != n && views.get(h) != null && isIn(views.get(h).status(node(n).id()))) {
                        by.putIfAbsent(h, msSince(start));
                    }
                }
                if (upMs.containsKey(n) && !knownMs.containsKey(n) && by.size() == 4) {
                    knownMs.put(n, msSince(start));
                }
                if (own != null && !knowsAllMs.containsKey(n)
                    && five.stream().allMatch(id -> isIn(own.status(id)))) {
                    knowsAllMs.put(n, msSince(start));
                }
            }
            return knownMs.size() == 2 && knowsAllMs.size() == 2;
        });
        final Map<Integer, Long> joinMs = new TreeMap<>();
        knownMs.forEach((n, at) -> joinMs.put(n, at - upMs.get(n)));
        say("node4 and node5 gossiping at " + upMs + " ms after their start, known by all five at " + knownMs
            + " ms (that is " + joinMs + " ms after each started gossiping), knowing all five at " + knowsAllMs
            + " ms; known by each other node at (ms after their start) " + knownByMs);
        await("all five see all five alive", GENEROUS_MS, () -> allSee(hosts(1, 5), five));
        say("all five alive on all five " + msSince(start) + " ms after node4 and node5 started: "
            + viewOf(1).brief());
        final List<String> verdicts = verdictsSince(mark);
        say("dead verdicts logged while node4 and node5 joined: " + verdicts.size() + " " + verdicts);
        assertEquals(List.of(), verdicts, "no live node is declared dead while two nodes join");
        joinMs.forEach((n, ms) -> assertTrue(ms <= JOIN_MS, "node" + n + " known by all " + ms
            + " ms after its gossip answered; at most " + JOIN_MS));
    }

    @Test
    @Order(4)
    void shouldDeclareAnUnpluggedNodeDeadAndDeliverWhatWasBufferedWhenItComesBackByItself() throws Exception {
        final List<String> five = ids(1, 2, 3, 4, 5);
        await("all five see all five alive", GENEROUS_MS, () -> allSee(hosts(1, 5), five));
        final NodeProcess n1 = node(1).process();
        final NodeProcess n5 = node(5).process();
        final NodeProcess.Reply spawned = n5.post("/api/actors", "{\"behavior\":\"counter\",\"name\":\"lab-counter\"}");
        assertEquals(201, spawned.status(), spawned.body());
        final long before = awaitCount(n1);
        final long processedBefore = processed(n5);
        final long deadLettersBefore = counter(n1, "dead-letters.total");

        final Map<Integer, Integer> mark = verdictMark();
        lab.cable(5, false);
        final long pulled = System.nanoTime();
        final Map<Integer, Long> suspectMs = new TreeMap<>();
        final Map<Integer, Long> deadMs = new TreeMap<>();
        await("nodes 1-4 see node5 dead", GENEROUS_MS, () -> {
            for (int host = 1; host <= 4; host++) {
                final LabNode.View v = viewOf(host);
                final String s = v == null ? "unknown" : v.status("node5");
                if ("suspect".equals(s) || "dead".equals(s)) {
                    suspectMs.putIfAbsent(host, msSince(pulled));
                }
                if ("dead".equals(s)) {
                    deadMs.putIfAbsent(host, msSince(pulled));
                }
            }
            return deadMs.size() == 4;
        });
        say("node5's cable pulled: suspected by node1-4 at " + suspectMs + " ms, dead at " + deadMs + " ms");
        final LabNode.View alone = viewOf(5);
        say("node5's own view while unplugged: " + (alone == null ? node(5).lastMembersReply() : alone.brief()));

        // Messages sent while the transport still holds the link up would only wait in a live link's outbox: wait
        // until node1's transport too has given the link up (hamlet.transport.silence-timeout, 2 s).
        await("node1's transport link to node5 no longer UP", GENEROUS_MS, () -> {
            try {
                return !peer(n1, "node5").contains("\"state\":\"UP\"");
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        say("node1's link to node5 down " + msSince(pulled) + " ms after the cable was pulled: " + peer(n1, "node5"));
        final int messages = 100;
        for (int i = 0; i < messages; i++) {
            final NodeProcess.Reply sent = n1.post("/api/send", "{\"to\":\"node5:lab-counter\",\"body\":\"tick\"}");
            assertEquals(202, sent.status(), "send " + i + " to node5 while it is unplugged: " + sent.body());
        }
        say(messages + " messages sent to node5:lab-counter while it is dead; node1's link to node5: "
            + peer(n1, "node5") + ", node1's dead letters " + counter(n1, "dead-letters.total") + " (before "
            + deadLettersBefore + ")");

        lab.cable(5, true);
        final long plugged = System.nanoTime();
        final long unpluggedMs = TimeUnit.NANOSECONDS.toMillis(plugged - pulled);
        await("node5 alive again on all five, and node5 sees all five alive", GENEROUS_MS,
            () -> allSee(hosts(1, 5), five));
        final long rejoinedMs = msSince(plugged);
        await("node5:lab-counter processed the " + messages + " buffered messages", GENEROUS_MS,
            () -> processed(n5) >= processedBefore + messages);
        final long deliveredMs = msSince(plugged);
        final long after = count(n1);
        say("cable back after " + unpluggedMs + " ms unplugged: node5 alive again on all five " + rejoinedMs
            + " ms later (" + viewOf(1).brief() + "), the buffered messages processed " + deliveredMs
            + " ms after; counter " + before + " -> " + after + " (expected " + (before + messages + 1)
            + "), node1's dead letters " + deadLettersBefore + " -> " + counter(n1, "dead-letters.total"));

        final List<String> verdicts = verdictsSince(mark);
        final List<String> stale = new ArrayList<>(verdicts);
        stale.removeAll(about(verdicts, "node5"));
        stale.removeIf(v -> v.contains("[node5] cluster: member"));
        // Not failed on, as after a partition's heal, but told: what node5 declared while unplugged, spread once it
        // is back, makes a live member dead for a moment.
        say("dead verdicts logged: " + about(verdicts, "node5").size() + " about node5 by nodes 1-4, "
            + (verdicts.size() - about(verdicts, "node5").size() - stale.size()) + " by the unplugged node5,"
            + " about live members by nodes 1-4 (stale, from node5) " + stale);
        assertEquals(before + messages + 1, after, "every buffered message arrived once, none lost (the last"
            + " ask counts itself)");
        assertEquals(deadLettersBefore, counter(n1, "dead-letters.total"), "no dead letters at node1");
        deadMs.forEach((host, ms) -> assertTrue(ms <= DETECTION_MS, "node" + host + " saw node5 dead after " + ms
            + " ms; at most " + DETECTION_MS));
    }

    @Test
    @Order(5)
    void shouldWelcomeBackANodeStalledForOneAndAHalfSecondsAndDeclareNoOtherDead() throws Exception {
        final List<String> five = ids(1, 2, 3, 4, 5);
        await("all five see all five alive", GENEROUS_MS, () -> allSee(hosts(1, 5), five));
        final List<Integer> others = List.of(1, 2, 3, 5);
        final Map<Integer, Long> suspectMs = new TreeMap<>();
        final Map<Integer, Long> deadMs = new TreeMap<>();
        final Map<Integer, Integer> mark = verdictMark();
        final long pid = node(4).process().pid();
        Lab.signal(pid, "STOP");
        final long stopped = System.nanoTime();
        long resumed;
        try {
            pollEvery(POLL_MS, () -> {
                watch(others, "node4", stopped, suspectMs, deadMs);
                return msSince(stopped) >= STALL_MS;
            }, GENEROUS_MS);
        } finally {
            Lab.signal(pid, "CONT");
            resumed = System.nanoTime();
        }
        final long stallMs = TimeUnit.NANOSECONDS.toMillis(resumed - stopped);
        // After SIGCONT: until node4 is alive again everywhere, and at least as long as the longest suspicion
        // (suspicion-max-timeout-mult x the least timeout, 3.6 s with the defaults), so that a late verdict is seen.
        final long[] aliveAgainMs = {-1};
        pollEvery(POLL_MS, () -> {
            watch(others, "node4", stopped, suspectMs, deadMs);
            if (aliveAgainMs[0] < 0 && allSee(hosts(1, 5), five)) {
                aliveAgainMs[0] = msSince(resumed);
            }
            return aliveAgainMs[0] >= 0 && msSince(resumed) >= 5_000;
        }, GENEROUS_MS);
        say("node4 stopped for " + stallMs + " ms (SIGSTOP/SIGCONT): suspected by " + suspectMs
            + " (ms after the stop), declared dead by " + deadMs + "; alive on all five again " + aliveAgainMs[0]
            + " ms after SIGCONT");
        final List<String> verdicts = verdictsSince(mark);
        say("dead verdicts logged during and after the stall: " + verdicts.size() + " " + verdicts);
        // The bar: the stalled node refutes or rejoins by itself, and no other node is declared dead. With
        // the defaults a 1.5 s stall is as silent as a pulled cable, which must be dead within 2 s (about 1 s at the
        // median), so node4 itself may be declared dead; it must be back by itself.
        assertTrue(aliveAgainMs[0] >= 0, "node4 alive again on all five by itself after SIGCONT");
        final List<String> aboutOthers = verdicts.stream().filter(v -> !v.contains("member node4 ")).toList();
        assertEquals(List.of(), aboutOthers, "no node but the stalled node4 is declared dead for a stall of " + stallMs
            + " ms");
    }

    @Test
    @Order(6)
    void shouldDeclareNoLiveNodeDeadUnderFivePercentLossOnEveryHostForAMinute() throws Exception {
        final List<String> five = ids(1, 2, 3, 4, 5);
        await("all five see all five alive", GENEROUS_MS, () -> allSee(hosts(1, 5), five));
        final Map<String, Integer> suspectSightings = new TreeMap<>();
        final Map<String, Long> deadAtMs = new LinkedHashMap<>();
        final int[] polls = {0};
        final int[] silent = {0};
        final Map<Integer, Long> lossDrops = new TreeMap<>();
        final Map<Integer, Integer> mark = verdictMark();
        for (int host = 1; host <= HOSTS; host++) {
            lab.loss(host, LOSS_PERCENT);
        }
        final long lossy = System.nanoTime();
        try {
            pollEvery(POLL_MS, () -> {
                polls[0]++;
                for (int host = 1; host <= HOSTS; host++) {
                    final LabNode.View v = viewOf(host);
                    if (v == null) {
                        silent[0]++;
                        continue;
                    }
                    for (final String id : five) {
                        if (!v.members().containsKey(id)) {
                            deadAtMs.putIfAbsent(node(host).id() + "->" + id + " absent", msSince(lossy));
                        }
                    }
                    for (final LabNode.Member m : v.members().values()) {
                        final String pair = node(host).id() + "->" + m.id();
                        if ("suspect".equals(m.status())) {
                            suspectSightings.merge(pair, 1, Integer::sum);
                        } else if (!isIn(m.status())) {
                            deadAtMs.putIfAbsent(pair + " " + m.status(), msSince(lossy));
                        }
                    }
                }
                return msSince(lossy) >= LOSS_MS;
            }, LOSS_MS + GENEROUS_MS);
        } finally {
            for (int host = 1; host <= HOSTS; host++) {
                lossDrops.put(host, lab.lossDrops(host));
                lab.loss(host, 0);
            }
        }
        final long lossMs = msSince(lossy);
        say(LOSS_PERCENT + " % loss (incoming) on every host for " + lossMs + " ms (packets dropped per host: "
            + lossDrops + "), " + polls[0]
            + " polls of all five views (" + silent[0] + " unanswered): suspect sightings (observer->member:"
            + " polls) " + suspectSightings + ", dead or left " + deadAtMs + " (ms after the loss began)");
        final long cleared = System.nanoTime();
        await("all five see all five alive after the loss", GENEROUS_MS, () -> allSee(hosts(1, 5), five));
        say("after the loss: all five alive on all five " + msSince(cleared) + " ms after it ended");
        final List<String> verdicts = verdictsSince(mark);
        say("dead verdicts logged under the loss: " + verdicts.size() + " " + verdicts);
        assertEquals(List.of(), verdicts, "no live node is declared dead under " + LOSS_PERCENT + " % loss");
        assertTrue(deadAtMs.isEmpty(), "live nodes were declared dead (or left) under " + LOSS_PERCENT
            + " % loss: " + deadAtMs);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** @return how many dead verdicts each node has logged so far, to pass to {@link #verdictsSince} later */
    private Map<Integer, Integer> verdictMark() {
        final Map<Integer, Integer> mark = new TreeMap<>();
        for (final LabNode n : nodes) {
            mark.put(n.host(), n.deadVerdicts().size());
        }
        return mark;
    }

    /** @return the dead verdicts logged since the mark, e.g. "[node2] cluster: member node4 dead: ..." lines */
    private List<String> verdictsSince(final Map<Integer, Integer> mark) {
        final List<String> verdicts = new ArrayList<>();
        for (final LabNode n : nodes) {
            final List<String> all = n.deadVerdicts();
            verdicts.addAll(all.subList(Math.min(all.size(), mark.getOrDefault(n.host(), 0)), all.size()));
        }
        return verdicts;
    }

    /** @return the verdicts about this member */
    private static List<String> about(final List<String> verdicts, final String member) {
        return verdicts.stream().filter(v -> v.contains("cluster: member " + member + " dead")).toList();
    }

    private LabNode node(final int host) {
        return nodes.get(host - 1);
    }

    private static List<Integer> hosts(final int from, final int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    private static List<String> ids(final int... hosts) {
        return IntStream.of(hosts).mapToObj(h -> "node" + h).toList();
    }

    /** @return a node's view, null when it does not answer (not started, stopped, no endpoint) */
    private LabNode.View viewOf(final int host) {
        final LabNode n = node(host);
        return n.process() == null ? null : n.view();
    }

    /** @return whether each of these nodes sees exactly these members, all alive */
    private boolean allSee(final List<Integer> observers, final List<String> members) {
        for (final int host : observers) {
            final LabNode.View v = viewOf(host);
            if (v == null || !v.allAlive(members)) {
                return false;
            }
        }
        return true;
    }

    /** A member listed as being in the cluster, joining or not. */
    private static boolean isIn(final String status) {
        return "alive".equals(status) || "joining".equals(status) || "suspect".equals(status);
    }

    /** Notes when each observer first saw the member suspect (or worse) and dead. */
    private void watch(final List<Integer> observers, final String member, final long since,
                       final Map<Integer, Long> suspectMs, final Map<Integer, Long> deadMs) {
        for (final int host : observers) {
            final LabNode.View v = viewOf(host);
            final String s = v == null ? "unknown" : v.status(member);
            if ("suspect".equals(s) || "dead".equals(s)) {
                suspectMs.putIfAbsent(host, msSince(since));
            }
            if ("dead".equals(s) || "left".equals(s) || "absent".equals(s)) {
                deadMs.putIfAbsent(host, msSince(since));
            }
        }
    }

    /** Asks node5:lab-counter its count from node1 until it answers (the ask counts itself). */
    private long awaitCount(final NodeProcess from) throws InterruptedException {
        final long[] count = {-1};
        await("node5:lab-counter answers node1", GENEROUS_MS, () -> {
            try {
                count[0] = count(from);
                return true;
            } catch (final AssertionError | IOException notYet) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return count[0];
    }

    private static long count(final NodeProcess from) throws IOException, InterruptedException {
        final NodeProcess.Reply r = from.post("/api/ask",
            "{\"to\":\"node5:lab-counter\",\"body\":\"?\",\"timeoutMs\":5000}");
        if (r.status() != 200 || r.at("reply", "count") == null) {
            throw new AssertionError("ask node5:lab-counter: " + r.status() + " " + r.body());
        }
        return r.at("reply", "count").getAsLong();
    }

    /** @return how many messages node5's lab-counter processed (GET /api/actors on node5), -1 when unknown */
    private static long processed(final NodeProcess node) {
        try {
            final NodeProcess.Reply r = node.get("/api/actors");
            if (r.status() == 200 && r.json() != null && r.json().isJsonArray()) {
                for (final JsonElement a : r.json().getAsJsonArray()) {
                    final JsonObject actor = a.getAsJsonObject();
                    if ("lab-counter".equals(actor.get("name").getAsString())) {
                        return actor.get("processed").getAsLong();
                    }
                }
            }
            return -1;
        } catch (final IOException e) {
            return -1;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** @return a counter of GET /api/node, 0 when absent */
    private static long counter(final NodeProcess node, final String name) throws IOException, InterruptedException {
        final JsonElement c = node.get("/api/node").at("counters", name);
        return c == null || c.isJsonNull() ? 0 : c.getAsLong();
    }

    /** @return the node's transport peer entry for a node id, as text */
    private static String peer(final NodeProcess node, final String id) throws IOException, InterruptedException {
        final JsonElement peers = node.get("/api/transport").at("peers");
        if (peers != null && peers.isJsonArray()) {
            for (final JsonElement p : peers.getAsJsonArray()) {
                final JsonElement n = p.getAsJsonObject().get("node");
                if (n != null && !n.isJsonNull() && id.equals(n.getAsString())) {
                    return p.toString();
                }
            }
        }
        return "(none)";
    }

    private static long msSince(final long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void say(final String line) {
        System.out.println("LabClusterIT: " + line);
    }

    /** Polls (every 50 ms) until the condition holds; fails after deadlineMs, or when a started node exits. */
    private void await(final String what, final long deadlineMs, final BooleanSupplier condition)
        throws InterruptedException {
        pollEvery(50, condition, deadlineMs, what);
    }

    /** Polls until the condition has held without a break for holdMs (a generous deadline). */
    private void awaitSteady(final String what, final long holdMs, final BooleanSupplier condition)
        throws InterruptedException {
        final long[] since = {-1};
        await(what, GENEROUS_MS, () -> {
            if (!condition.getAsBoolean()) {
                since[0] = -1;
                return false;
            }
            if (since[0] < 0) {
                since[0] = System.nanoTime();
            }
            return msSince(since[0]) >= holdMs;
        });
    }

    private void pollEvery(final long periodMs, final BooleanSupplier done, final long deadlineMs)
        throws InterruptedException {
        pollEvery(periodMs, done, deadlineMs, "the scenario");
    }

    /** Runs done every periodMs (from the start of one run to the next) until it returns true. */
    private void pollEvery(final long periodMs, final BooleanSupplier done, final long deadlineMs,
                           final String what) throws InterruptedException {
        final long start = System.nanoTime();
        long next = start;
        while (!done.getAsBoolean()) {
            for (final LabNode n : nodes) {
                if (n.process() != null && !n.alive()) {
                    throw new AssertionError(n.id() + " exited (" + n.process().process().exitValue()
                        + ") while waiting for: " + what);
                }
            }
            final boolean noGossip = msSince(start) > NO_GOSSIP_MS && nodes.stream()
                .anyMatch(n -> n.process() != null && n.lastMembersReply().startsWith("503"));
            if (msSince(start) > deadlineMs || noGossip) {
                nodes.stream().filter(n -> n.process() != null).forEach(LabNode::view);
                throw new AssertionError((noGossip ? "a node's membership view still answers 503 after "
                    + NO_GOSSIP_MS + " ms" : "not within " + deadlineMs + " ms") + ": " + what + "; views now:\n  "
                    + nodes.stream().filter(n -> n.process() != null)
                        .map(n -> n.id() + ": " + n.lastMembersReply()).collect(Collectors.joining("\n  ")));
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            next += TimeUnit.MILLISECONDS.toNanos(periodMs);
            final long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }
}
