package hamlet.registry.internal;

import hamlet.api.DeadLetter;
import hamlet.api.Message;
import hamlet.api.ActorSpec;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.testkit.FakeCluster;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.random.RandomGenerator;

import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry with a membership: bare names resolve cluster-wide by the documented rule, groups reach other nodes by
 * the power of two choices on load, a group envelope from another node stays on this node, and membership events
 * reach the transport. The membership is a {@link FakeCluster}; index rebuilds run on the thread of the event (a
 * direct executor), so each send after an event sees it.
 */
class ClusterDirectoryTest {
    /** Shows this node as an idle ALIVE member, as gossip would. */
    private final FakeCluster cluster = new FakeCluster("node1").member("node1", MemberStatus.ALIVE, 0);
    private final FakeTransport transport = new FakeTransport();
    private final List<LocalActorSystem> systems = new ArrayList<>();
    private final Queue<String> handled = new ConcurrentLinkedQueue<>();
    private ClusterView view;

    @AfterEach
    void close() {
        systems.forEach(LocalActorSystem::close);
    }

    /** node1, with the fake cluster and transport bound, and a behaviour that records what each actor handled. */
    private LocalActorSystem node1(final RandomGenerator random) {
        final Remoting remoting = new Remoting(new CodecRegistry(), Runnable::run, () -> random);
        remoting.bind(transport);
        remoting.cluster().bind(cluster);
        view = remoting.cluster();
        final LocalActorSystem system = new LocalActorSystem(TestNode.settings("hamlet.node.id = node1"), remoting);
        system.registerBehavior("recorder", spec -> (Message msg, hamlet.api.ActorContext ctx) ->
            handled.add(spec.name() + ":" + msg.body()));
        systems.add(system);
        return system;
    }

    private LocalActorSystem node1() {
        return node1(new Random(1));
    }

    /** Tells node1 of a change, as the gossip notifier would. */
    private void event(final LocalActorSystem system, final ClusterEvent.Type type, final String node) {
        view.onClusterEvent(new ClusterEvent(type, node, null, "test"));
    }

    private List<String> sentTo() {
        return transport.sent().stream().map(s -> s.node() + " " + s.envelope().to()).toList();
    }

    // ---- bare names

    @Test
    void shouldSendABareNameToTheNodeTheDirectoryNames() {
        cluster.member("node2", MemberStatus.ALIVE, 0).host("node2", "worker_01", null);
        final LocalActorSystem node = node1();

        node.ref("worker_01").tell("job");

        assertEquals(List.of("node2 node2:worker_01"), sentTo(), "sent as node:name, to that node");
        assertEquals(0, node.deadLetterCount());
    }

    @Test
    void shouldPreferALocalActorToAnyHostInTheDirectory() {
        cluster.member("node0", MemberStatus.ALIVE, 0).host("node0", "worker_01", null);
        final LocalActorSystem node = node1();
        node.spawn("recorder", "worker_01");

        node.ref("worker_01").tell("job");

        awaitTrue("handled here", () -> handled.contains("worker_01:job"));
        assertEquals(List.of(), sentTo());
    }

    @Test
    void shouldKeepNodeColonNameMeaningThatNode() {
        cluster.member("node2", MemberStatus.ALIVE, 0).member("node3", MemberStatus.ALIVE, 0)
            .host("node2", "worker_01", null);
        final LocalActorSystem node = node1();

        node.ref("node3:worker_01").tell("job");

        assertEquals(List.of("node3 node3:worker_01"), sentTo(), "the directory does not redirect an explicit node");
    }

    /** One row: the statuses of the nodes listing the name, and the host the rule picks. */
    private record Conflict(Map<String, MemberStatus> hosts, String expected) {
    }

    @Test
    void shouldPickTheHostOfANameByStatusThenLowestNodeIdDeterministically() {
        final List<Conflict> table = List.of(
            new Conflict(Map.of("node3", MemberStatus.ALIVE, "node2", MemberStatus.ALIVE), "node2"),
            // String order, not numeric: node10 sorts before node2.
            new Conflict(Map.of("node10", MemberStatus.ALIVE, "node2", MemberStatus.ALIVE), "node10"),
            new Conflict(Map.of("node0", MemberStatus.SUSPECT, "node9", MemberStatus.ALIVE), "node9"),
            new Conflict(Map.of("node0", MemberStatus.SUSPECT, "node9", MemberStatus.JOINING), "node9"),
            new Conflict(Map.of("node0", MemberStatus.DEAD, "node9", MemberStatus.SUSPECT), "node9"),
            new Conflict(Map.of("node0", MemberStatus.LEFT, "node5", MemberStatus.DEAD), null),
            new Conflict(Map.of("node1", MemberStatus.ALIVE), null));
        for (final Conflict row : table) {
            final List<Member> members = new ArrayList<>();
            final List<DirectoryEntry> directory = new ArrayList<>();
            row.hosts().forEach((id, status) -> {
                members.add(member(id, status, 0));
                directory.add(new DirectoryEntry(id, "worker", null));
            });
            // Every node builds its index from the same view in whatever order: the same host comes out.
            for (int shuffle = 0; shuffle < 4; shuffle++) {
                java.util.Collections.shuffle(directory, new Random(shuffle));
                final ClusterView.Index index = ClusterView.Index.of("node1", members, directory, 0.8);
                assertEquals(row.expected(), index.hostOf("worker"), row.toString());
            }
        }
    }

    @Test
    void shouldFollowTheDirectoryWhenTheHostTurnsSuspect() {
        cluster.member("node2", MemberStatus.ALIVE, 0).member("node3", MemberStatus.ALIVE, 0)
            .host("node2", "worker_01", null).host("node3", "worker_01", null);
        final LocalActorSystem node = node1();
        node.ref("worker_01").tell("one");

        cluster.member("node2", MemberStatus.SUSPECT, 0);
        event(node, ClusterEvent.Type.SUSPECT, "node2");
        node.ref("worker_01").tell("two");

        assertEquals(List.of("node2 node2:worker_01", "node3 node3:worker_01"), sentTo());
    }

    @Test
    void shouldDeadLetterABareNameNoUpNodeHostsAsUnknownActor() {
        cluster.member("node2", MemberStatus.DEAD, 0).host("node2", "worker_01", null);
        final LocalActorSystem node = node1();

        node.ref("worker_01").tell("job");
        node.ref("ghost").tell("job");

        assertEquals(List.of(), sentTo());
        assertEquals(2, node.deadLetterBox().count(DeadLetter.Reason.UNKNOWN_ACTOR));
        final DeadLetter letter = node.deadLetters().get(0);
        assertTrue(letter.detail().contains("no actor named") && letter.detail().contains("any up member"),
            letter.detail());
    }

    @Test
    void shouldBehaveAsBeforeTheClusterWhenNoneIsBound() {
        cluster.member("node2", MemberStatus.ALIVE, 0).host("node2", "worker_01", "workers");
        final LocalActorSystem node = node1();
        view.unbind(cluster);

        node.ref("worker_01").tell("job");
        node.ref("*:workers").tell("job");

        assertEquals(List.of(), sentTo());
        assertEquals(List.of("no actor named worker_01 on node1", "no actor of group workers on node1"),
            node.deadLetters().stream().map(DeadLetter::detail).toList(), "today's details");
    }

    // ---- groups

    @Test
    void shouldPickTheLessLoadedOfTwoRandomCandidates() {
        final ClusterView.Index index = ClusterView.Index.of("node1",
            List.of(member("node1", MemberStatus.ALIVE, 0.3), member("node2", MemberStatus.ALIVE, 0.5),
                member("node3", MemberStatus.ALIVE, 0.1)),
            List.of(new DirectoryEntry("node2", "w2", "workers"), new DirectoryEntry("node3", "w3", "workers")), 0.8);
        // Candidates in order: node2, node3 (ids), then this node. Draws pick the first, then one of the others.
        assertEquals("node3", index.pickGroupNode("workers", true, scripted(0, 0)), "node2 vs node3");
        assertEquals("node1", index.pickGroupNode("workers", true, scripted(0, 1)), "node2 vs node1");
        assertEquals("node3", index.pickGroupNode("workers", true, scripted(2, 1)), "node1 vs node3");
        assertEquals("node3", index.pickGroupNode("workers", false, scripted(0, 0)), "node2 vs node3, none here");
        assertNull(index.pickGroupNode("idlers", false, scripted()), "nobody hosts it");
        assertEquals("node1", index.pickGroupNode("idlers", true, scripted()), "only here: no draw");
    }

    @Test
    void shouldSpreadGroupSendsByLoadAndSkipOverloadedNodesWhileOthersHaveRoom() {
        cluster.threshold(0.8)
            .member("node2", MemberStatus.ALIVE, 0.9).host("node2", "w2", "workers")
            .member("node3", MemberStatus.ALIVE, 0.2).host("node3", "w3", "workers")
            .member("node4", MemberStatus.ALIVE, 0.6).host("node4", "w4", "workers");
        final LocalActorSystem node = node1(new Random(42));

        for (int i = 0; i < 300; i++) {
            node.ref("*:workers").tell("job");
        }

        final Map<String, Integer> byNode = countByNode();
        assertEquals(null, byNode.get("node2"), "over the threshold while node3 and node4 have room: " + byNode);
        assertEquals(300, byNode.getOrDefault("node3", 0) + byNode.getOrDefault("node4", 0), byNode.toString());
        // Two candidates left: each draw compares both, so the less loaded takes every one.
        assertEquals(300, byNode.get("node3"), byNode.toString());
        assertTrue(sentTo().stream().allMatch(s -> s.endsWith(" *:workers")), "sent as *:group: " + sentTo());
    }

    @Test
    void shouldStillSendToTheLessLoadedWhenEveryNodeIsOverloaded() {
        cluster.threshold(0.5)
            .member("node2", MemberStatus.ALIVE, 0.9).host("node2", "w2", "workers")
            .member("node3", MemberStatus.ALIVE, 0.7).host("node3", "w3", "workers");
        final LocalActorSystem node = node1(new Random(7));

        for (int i = 0; i < 50; i++) {
            node.ref("*:workers").tell("job");
        }

        assertEquals(Map.of("node3", 50), countByNode());
    }

    @Test
    void shouldGiveNoGroupSendsToJoiningOrSuspectNodes() {
        cluster.member("node2", MemberStatus.JOINING, 0).host("node2", "w2", "workers")
            .member("node3", MemberStatus.SUSPECT, 0).host("node3", "w3", "workers")
            .member("node4", MemberStatus.ALIVE, 0.7).host("node4", "w4", "workers");
        final LocalActorSystem node = node1(new Random(3));

        for (int i = 0; i < 100; i++) {
            node.ref("*:workers").tell("job");
        }
        assertEquals(Map.of("node4", 100), countByNode(), "the only ALIVE host, however loaded");

        cluster.member("node4", MemberStatus.SUSPECT, 0.7);
        event(node, ClusterEvent.Type.SUSPECT, "node4");
        node.ref("*:workers").tell("job");

        assertEquals(100, transport.sent().size(), "no ALIVE host left: nothing more sent");
        final DeadLetter letter = node.deadLetters().get(0);
        assertEquals(DeadLetter.Reason.UNKNOWN_GROUP, letter.reason());
        assertEquals("no actor of group workers on node1 nor on any alive member of the cluster", letter.detail());
    }

    @Test
    void shouldShareGroupSendsBetweenThisNodeAndOthers() {
        cluster.member("node2", MemberStatus.ALIVE, 0).host("node2", "w2", "workers").host("node1", "w1", "workers");
        final LocalActorSystem node = node1(new Random(5));
        node.spawn(new ActorSpec("w1", "recorder", "workers", null));

        for (int i = 0; i < 200; i++) {
            node.ref("*:workers").tell("job");
        }

        // Equal scores: the first drawn wins, so each gets about half.
        final int remote = transport.sent().size();
        awaitTrue("the local share handled", () -> handled.size() == 200 - remote);
        assertTrue(remote > 50 && remote < 150, "sent away " + remote + " of 200");
    }

    @Test
    void shouldDeliverAGroupEnvelopeFromAnotherNodeToThisNodesMembersOnly() {
        // node2 is idle and node1 busy: a send from node1 would go to node2, an arrival must not.
        cluster.member("node1", MemberStatus.ALIVE, 0.7)
            .member("node2", MemberStatus.ALIVE, 0).host("node2", "w2", "workers").host("node1", "w1", "workers");
        final LocalActorSystem node = node1();
        node.spawn(new ActorSpec("w1", "recorder", "workers", null));

        assertTrue(node.inbox().onEnvelope("node2", envelope("*:workers", "from node2")));
        awaitTrue("handled here", () -> handled.contains("w1:from node2"));

        node.stop("w1");
        awaitTrue("w1 gone", () -> node.actor("w1").isEmpty());
        assertTrue(node.inbox().onEnvelope("node2", envelope("*:workers", "again")));

        awaitTrue("the notice to the sender", () -> !transport.sent().isEmpty());
        assertEquals(List.of("node2 node2:r"), sentTo(),
            "only the dead-letter notice to the sender went back; the envelope was not sent on to node2");
        final DeadLetter letter = node.deadLetters().get(0);
        assertEquals(DeadLetter.Reason.UNKNOWN_GROUP, letter.reason());
        assertEquals("no actor of group workers on node1", letter.detail());
    }

    // ---- membership events and the transport

    @Test
    void shouldForgetARemovedNodeInTheTransportWithTheReason() {
        cluster.member("node3", MemberStatus.DEAD, 0).member("node4", MemberStatus.LEFT, 0);
        final LocalActorSystem node = node1();

        // node3 was dead before this view began (it knows from the directory's index), node4 leaves now.
        event(node, ClusterEvent.Type.LEFT, "node4");
        cluster.remove("node3").remove("node4");
        view.onClusterEvent(new ClusterEvent(ClusterEvent.Type.REMOVED, "node3", null, null));
        view.onClusterEvent(new ClusterEvent(ClusterEvent.Type.REMOVED, "node4", null, "left at 12:00"));

        assertEquals(List.of(
            new FakeTransport.Forgotten("node3", "node node3 is gone: declared dead and removed by membership after "
                + "hamlet.gossip.remove-after"),
            new FakeTransport.Forgotten("node4", "node node4 is gone: left the cluster and removed by membership "
                + "after hamlet.gossip.remove-after (left at 12:00)")), transport.forgotten());
    }

    @Test
    void shouldDialANodeMembershipSaysIsBackWithItsUrl() {
        final LocalActorSystem node = node1();
        cluster.member("node2", MemberStatus.JOINING, 0);

        event(node, ClusterEvent.Type.JOINED, "node2");
        cluster.member("node2", MemberStatus.ALIVE, 0);
        event(node, ClusterEvent.Type.ALIVE, "node2");
        event(node, ClusterEvent.Type.ALIVE, "node1");
        event(node, ClusterEvent.Type.SUSPECT, "node2");

        final String url = cluster.member("node2").orElseThrow().url();
        assertEquals(List.of(new FakeTransport.DialNow("node2", url), new FakeTransport.DialNow("node2", url)),
            transport.dialed(), "joined and alive, not this node itself, not suspect");
    }

    @Test
    void shouldFoldEventsDuringARebuildIntoOneMoreRebuild() {
        final Queue<Runnable> pool = new ArrayDeque<>();
        final ClusterView view = new ClusterView(() -> transport, pool::add, () -> new Random(1));
        view.bind(cluster);
        assertEquals(1, pool.size(), "bound: one rebuild asked for");
        for (int i = 0; i < 5; i++) {
            cluster.member("node" + (i + 2), MemberStatus.ALIVE, 0).host("node" + (i + 2), "a" + i, null);
            view.onClusterEvent(new ClusterEvent(ClusterEvent.Type.ACTOR_ADDED, "node" + (i + 2), "a" + i, null));
        }
        assertEquals(1, pool.size(), "asked again while one is pending: folded into it");
        assertNull(view.index().hostOf("a4"), "not rebuilt yet");

        pool.poll().run();

        assertEquals("node6", view.index().hostOf("a4"), "the rebuild read the latest directory");
        assertTrue(pool.isEmpty());
        view.onClusterEvent(new ClusterEvent(ClusterEvent.Type.MAJORITY, "node1", null, null));
        assertTrue(pool.isEmpty(), "majority changes no host: no rebuild");
        view.unbind(cluster);
        assertEquals(false, view.index().clustered(), "unbound: back to this node alone at once");
    }

    // ---- helpers

    private Map<String, Integer> countByNode() {
        final Map<String, Integer> byNode = new HashMap<>();
        transport.sent().forEach(s -> byNode.merge(s.node(), 1, Integer::sum));
        return byNode;
    }

    private static WireEnvelope envelope(final String to, final String body) {
        return new WireEnvelope(to, "node2:r", CodecRegistry.STRING, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Member member(final String id, final MemberStatus status, final double score) {
        return new Member(id, "ws://" + id + ":7700/hamlet", 1, status, 1, 0, new MemberLoad(0, score, 0), 0);
    }

    /** Randomness that answers {@code nextInt(bound)} with the given draws, in order. */
    private static RandomGenerator scripted(final int... draws) {
        return new RandomGenerator() {
            private int next;

            @Override
            public long nextLong() {
                throw new AssertionError("only nextInt(bound) is drawn");
            }

            @Override
            public int nextInt(final int bound) {
                final int draw = draws[next++];
                assertTrue(draw < bound, "draw " + draw + " of " + bound);
                return draw;
            }
        };
    }
}
