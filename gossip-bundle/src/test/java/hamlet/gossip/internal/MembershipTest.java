package hamlet.gossip.internal;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.MemberStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipTest {
    private static final GossipSettings DEFAULTS = GossipSettings.defaults();

    private static TinyNet threeFromOneSeed() {
        final TinyNet net = new TinyNet(7, 1, DEFAULTS);
        net.add("a", "a");
        net.add("b", "a");
        net.add("c", "a");
        assertTrue(net.runUntil(net::converged, 5_000) >= 0, "three nodes converge from one seed");
        return net;
    }

    @Test
    void shouldConvergeFromOneSeedWithinASecond() {
        final TinyNet net = new TinyNet(7, 1, DEFAULTS);
        net.add("a", "a");
        net.add("b", "a");
        net.add("c", "a");
        final long at = net.runUntil(net::converged, 5_000);
        System.out.println("three nodes converged from one seed at " + at + " ms");
        assertTrue(at >= 0 && at <= 1_000, "converged at " + at);
    }

    @Test
    void shouldDeclareACrashedNodeDeadEverywhereWithinTwoSeconds() {
        final TinyNet net = threeFromOneSeed();
        net.runUntil(net.now + 2_000);
        final long crashAt = net.now;
        net.crashed.add("c");
        net.runUntil(crashAt + 3_000);
        final long byA = net.firstSeen("a", ClusterEvent.Type.DEAD, "c", crashAt) - crashAt;
        final long byB = net.firstSeen("b", ClusterEvent.Type.DEAD, "c", crashAt) - crashAt;
        System.out.println("crashed c declared dead by a after " + byA + " ms, by b after " + byB + " ms");
        assertTrue(byA > 0 && byA <= 2_000 && byB > 0 && byB <= 2_000, "a: " + byA + ", b: " + byB);
        assertEquals(0, net.count(ClusterEvent.Type.DEAD, "a") + net.count(ClusterEvent.Type.DEAD, "b"));
    }

    @Test
    void shouldLetACutOffNodeRefuteAShortSuspicion() {
        final TinyNet net = threeFromOneSeed();
        net.runUntil(net.now + 1_000);
        final long from = net.now;
        net.cut.add("c");
        net.runUntil(from + 500);
        net.cut.remove("c");
        net.runUntil(from + 6_000);
        assertEquals(0, net.count(ClusterEvent.Type.DEAD, "c"), "never declared dead");
        assertEquals(MemberStatus.ALIVE, net.status("a", "c"));
        assertEquals(MemberStatus.ALIVE, net.status("b", "c"));
    }

    @Test
    void shouldMarkALeaverLeftAtOnceAndNeverDead() {
        final TinyNet net = threeFromOneSeed();
        final long at = net.now;
        net.nodes.get("c").leave(at);
        net.runUntil(at + 100);
        assertEquals(MemberStatus.LEFT, net.status("a", "c"));
        assertEquals(MemberStatus.LEFT, net.status("b", "c"));
        net.crashed.add("c");
        net.runUntil(at + 5_000);
        assertEquals(0, net.count(ClusterEvent.Type.DEAD, "c"));
        assertTrue(net.nodes.get("a").inMajority(), "a leaver does not count against the majority");
    }

    @Test
    void shouldTellTheMinorityItIsOneAndHealIntoOneCluster() {
        final TinyNet net = threeFromOneSeed();
        net.runUntil(net.now + DEFAULTS.stableAfterMs() + 100);
        net.cut.add("c");
        net.runUntil(net.now + 4_000);
        assertTrue(net.nodes.get("a").inMajority());
        assertTrue(net.nodes.get("b").inMajority());
        assertFalse(net.nodes.get("c").inMajority(), net.nodes.get("c").majorityDetail());
        net.runUntil(net.now + DEFAULTS.stableAfterMs() + 1_000);
        assertFalse(net.nodes.get("c").inMajority(), "a minority never promotes itself: "
            + net.nodes.get("c").majorityDetail());
        net.cut.remove("c");
        final long healed = net.runUntil(net::converged, net.now + 20_000);
        assertTrue(healed >= 0, "one cluster again");
        net.runUntil(net.now + 100);
        assertTrue(net.nodes.get("c").inMajority(), net.nodes.get("c").majorityDetail());
    }

    @Test
    void shouldShareTheDirectory() {
        final TinyNet net = threeFromOneSeed();
        net.nodes.get("b").localActors(Map.of("worker-1", "worker", "echo", ""));
        net.runUntil(net.now + 1_000);
        final List<DirectoryEntry> seenByA = net.nodes.get("a").directory();
        assertEquals(List.of(new DirectoryEntry("b", "echo", ""), new DirectoryEntry("b", "worker-1", "worker")),
            seenByA);
        net.nodes.get("b").localActors(Map.of("echo", ""));
        net.runUntil(net.now + 1_000);
        assertEquals(List.of(new DirectoryEntry("b", "echo", "")), net.nodes.get("c").directory());
    }

    @Test
    void shouldShareADirectoryOfManyPages() {
        final TinyNet net = threeFromOneSeed();
        final Map<String, String> big = new java.util.TreeMap<>();
        for (int i = 0; i < 3_000; i++) {
            big.put("worker-number-" + i, i % 2 == 0 ? "workers" : null);
        }
        assertEquals(null, net.nodes.get("b").localActors(big));
        assertTrue(net.runUntil(() -> net.nodes.get("a").directory().size() == 3_000, net.now + 3_000) >= 0,
            "a has b's whole directory, sent in pages: " + net.nodes.get("b").counters().get("directory.pages-sent"));
        assertTrue(net.nodes.get("b").counters().get("directory.pages-sent") > 2);
        assertEquals(new DirectoryEntry("b", "worker-number-1", null), net.nodes.get("a").directory().stream()
            .filter(e -> e.name().equals("worker-number-1")).findFirst().orElseThrow(), "no group stays no group");
    }

    @Test
    void shouldDropAMalformedMessageAndCountIt() {
        final TinyNet net = threeFromOneSeed();
        final Membership a = net.nodes.get("a");
        a.onMessage("b", new byte[] {'G', 1, 0, 1, 2}, net.now);
        a.onMessage("b", new byte[] {'X'}, net.now);
        assertEquals(2L, a.counters().get("messages.malformed"));
        assertEquals(MemberStatus.ALIVE, net.status("a", "b"));
    }

    @Test
    void shouldRefuseAnotherProcessUnderAnIdThatIsUpUntilTheOldOneIsDead() {
        final TinyNet net = threeFromOneSeed();
        final Membership a = net.nodes.get("a");
        final long oldUid = a.member("c").orElseThrow().uid();
        final byte[] impostor = aliveFrom("c", 999, 5);
        a.onMessage("c", impostor, net.now);
        assertEquals(oldUid, a.member("c").orElseThrow().uid(), "the live process keeps its id");
        assertEquals(1L, a.counters().get("members.uid-conflicts"));

        net.crashed.add("c");
        net.runUntil(() -> net.status("a", "c") == MemberStatus.DEAD, net.now + 3_000);
        a.onMessage("c", impostor, net.now);
        assertEquals(999, a.member("c").orElseThrow().uid(), "once the old one is dead the new process is let in");
        assertEquals(MemberStatus.JOINING, a.member("c").orElseThrow().status(), "joining for stable-after");
    }

    @Test
    void shouldBoundTheDirectoryAndSayWhatWasRefused() {
        final TinyNet net = threeFromOneSeed();
        final Membership a = net.nodes.get("a");
        a.reconfigure(limits(DEFAULTS, 2));
        final String refused = a.localActors(Map.of("x", "", "y", "", "z", ""));
        assertTrue(refused != null && refused.contains("directory-max-actors (2)"), refused);
        assertEquals(List.of(), a.directory(), "the last good directory stays");

        net.nodes.get("b").localActors(Map.of("x", "", "y", "", "z", ""));
        net.runUntil(net.now + 1_500);
        assertTrue(a.directory().isEmpty(), "b's directory over a's bound is refused: " + a.directory());
        assertTrue(a.drainNotes().stream().anyMatch(n -> n.startsWith("refused the directory of b")));
        assertEquals(3, net.nodes.get("c").directory().size(), "c, within its bound, took it");
    }

    @Test
    void shouldDoubtADeadVerdictAboutAMemberItHeardFromJustNow() {
        final TinyNet net = threeFromOneSeed();
        final Membership a = net.nodes.get("a");
        final long uid = a.member("b").orElseThrow().uid();
        final long incarnation = a.member("b").orElseThrow().incarnation();
        final WireWriter out = Message.header(Message.Type.GOSSIP, new Message.Self(
            net.nodes.get("c").member("c").orElseThrow().uid(), TinyNet.url("c"), 0, 0, 0,
            hamlet.api.cluster.MemberLoad.NONE));
        out.u16(1);
        Update.dead("b", uid, incarnation, "c").write(out);
        a.onMessage("c", out.toBytes(), net.now);
        assertEquals(MemberStatus.SUSPECT, net.status("a", "b"), "suspected, so that it refutes, not dead");
        net.runUntil(net.now + 2_000);
        assertEquals(MemberStatus.ALIVE, net.status("a", "b"));
        assertEquals(0, net.count(ClusterEvent.Type.DEAD, "b"));
    }

    @Test
    void shouldComeBackAfterALeaveWhenAskedToJoinAgain() {
        final TinyNet net = threeFromOneSeed();
        net.nodes.get("c").leave(net.now);
        net.runUntil(net.now + 500);
        assertEquals(MemberStatus.LEFT, net.status("a", "c"));
        net.nodes.get("c").join(List.of(TinyNet.url("a")), net.now);
        net.runUntil(net.now + DEFAULTS.stableAfterMs() + 1_000);
        assertEquals(MemberStatus.ALIVE, net.status("a", "c"));
        assertTrue(net.nodes.get("c").inMajority(), net.nodes.get("c").majorityDetail());
    }

    private static byte[] aliveFrom(final String id, final long uid, final long incarnation) {
        final WireWriter out = Message.header(Message.Type.GOSSIP, new Message.Self(uid, TinyNet.url(id),
            incarnation, 0, 0, hamlet.api.cluster.MemberLoad.NONE));
        out.u16(1);
        Update.alive(id, uid, incarnation, TinyNet.url(id), 0).write(out);
        return out.toBytes();
    }

    private static GossipSettings limits(final GossipSettings s, final int maxActors) {
        return new GossipSettings(s.probeIntervalMs(), s.probeTimeoutMs(), s.indirectChecks(), s.suspicionMult(),
            s.suspicionMaxTimeoutMult(), s.retransmitMult(), s.gossipIntervalMs(), s.gossipNodes(),
            s.pushPullIntervalMs(), s.joinRetryIntervalMs(), s.awarenessMaxMultiplier(), s.maxGossipBytes(),
            s.stableAfterMs(), s.removeAfterMs(), s.overloadThreshold(), s.loadIntervalMs(), maxActors,
            s.directoryMaxBytes());
    }

    @Test
    void shouldJudgeTheMajorityByItsOwnProbesNotBySuspicionsHeardFromOthers() {
        final TinyNet net = new TinyNet(11, 1, DEFAULTS);
        for (final String id : List.of("a", "b", "c", "d")) {
            net.add(id, "a");
        }
        assertTrue(net.runUntil(net::converged, 5_000) >= 0);
        net.runUntil(net.now + DEFAULTS.stableAfterMs() + 500);
        final Membership a = net.nodes.get("a");
        assertEquals(java.util.Set.of("a", "b", "c", "d"), a.stableMembership());

        final WireWriter out = Message.header(Message.Type.GOSSIP, new Message.Self(
            net.nodes.get("b").member("b").orElseThrow().uid(), TinyNet.url("b"), 0, 0, 0,
            hamlet.api.cluster.MemberLoad.NONE));
        out.u16(2);
        for (final String id : List.of("c", "d")) {
            Update.suspect(id, a.member(id).orElseThrow().uid(), a.member(id).orElseThrow().incarnation(), "b")
                .write(out);
        }
        a.onMessage("b", out.toBytes(), net.now);
        a.tick(net.now);
        assertEquals(MemberStatus.SUSPECT, net.status("a", "c"));
        assertTrue(a.inMajority(), "two suspicions heard from b do not cut a off: " + a.majorityDetail());

        net.cut.add("c");
        net.cut.add("d");
        final long cutAt = net.now;
        final long minority = net.runUntil(() -> !a.inMajority(), cutAt + 3_000);
        assertTrue(minority >= 0, "its own probes of c and d fail: 2 of 4 is no majority; " + a.majorityDetail());
        System.out.println("a knew itself in the minority " + (minority - cutAt) + " ms after c and d were cut off");
    }

    @Test
    void shouldGiveAMemberNeverHeardFromAMomentBeforeSuspectingItThenSuspectIt() {
        final TinyNet net = new TinyNet(5, 1, DEFAULTS);
        net.add("a", "a");
        net.add("b", "a");
        assertTrue(net.runUntil(net::converged, 5_000) >= 0);
        final Membership a = net.nodes.get("a");
        // Gossip tells a of "ghost", which never answers (no such node on the network): like a joiner whose first
        // connection is still being made.
        final WireWriter out = Message.header(Message.Type.GOSSIP, new Message.Self(
            net.nodes.get("b").member("b").orElseThrow().uid(), TinyNet.url("b"), 0, 0, 0,
            hamlet.api.cluster.MemberLoad.NONE));
        out.u16(1);
        Update.alive("ghost", 77, 1, TinyNet.url("ghost"), 0).write(out);
        final long learnt = net.now;
        a.onMessage("b", out.toBytes(), learnt);
        net.runUntil(learnt + 5 * DEFAULTS.probeIntervalMs() - 1);
        assertEquals(-1, net.firstSeen("a", ClusterEvent.Type.SUSPECT, "ghost", learnt), "not suspected by a itself"
            + " within the grace, for failed probes: " + a.counters());
        assertTrue(a.counters().getOrDefault("probes.grace", 0L) > 0, "its failed probes were forgiven");
        assertTrue(net.runUntil(() -> net.status("a", "ghost") == MemberStatus.DEAD, learnt + 10_000) >= 0,
            "after the grace a member that never answers is suspected and declared dead");
    }
}
