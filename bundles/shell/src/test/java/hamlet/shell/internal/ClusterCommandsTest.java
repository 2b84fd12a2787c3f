package hamlet.shell.internal;

import hamlet.api.ActorSystem;
import hamlet.api.DeadLetter;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeCluster;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterCommandsTest {
    private final FakeTransport transport = new FakeTransport();
    private final FakeActorSystem system = new FakeActorSystem();
    private final AtomicReference<Transport> transportService = new AtomicReference<>(transport);
    private final AtomicReference<ActorSystem> systemService = new AtomicReference<>(system);
    private final AtomicReference<NodeIdentity> identityService = new AtomicReference<>();
    private final FakeCluster cluster = new FakeCluster("node1");
    private final AtomicReference<Cluster> clusterService = new AtomicReference<>(cluster);
    private final ClusterCommands commands =
        new ClusterCommands(transportService::get, systemService::get, identityService::get, clusterService::get);

    private static String refused(final Runnable command) {
        return assertThrows(CommandException.class, command::run).getMessage();
    }

    // ------------------------------------------------------------------ peers

    @Test
    void shouldListPeersAsTableWithUidInHexAndCount() {
        transport.peer(new PeerInfo("node3", "ws://127.0.0.1:7703/hamlet", PeerInfo.State.DOWN, 0x1fL, 120, 7, 0))
            .peer(new PeerInfo("node2", "ws://127.0.0.1:7702/hamlet", PeerInfo.State.UP, 0xfedcba9876543210L, 0,
                40, 41))
            .peer(new PeerInfo(null, "ws://10.0.0.9:7701/hamlet", PeerInfo.State.CONNECTING, 0, 2, 0, 0));
        assertEquals(""
                + "NODE   URL                         STATE       UID               OUTBOX  SENT  RECEIVED\n"
                + "-      ws://10.0.0.9:7701/hamlet   CONNECTING  -                 2       0     0\n"
                + "node2  ws://127.0.0.1:7702/hamlet  UP          fedcba9876543210  0       40    41\n"
                + "node3  ws://127.0.0.1:7703/hamlet  DOWN        000000000000001f  120     7     0\n"
                + "3 peers of node node1, 1 up\n",
            commands.peers());
    }

    @Test
    void shouldSayNoPeersWhenTransportKnowsNone() {
        assertEquals("no peers of node node1\n", commands.peers());
        systemService.set(null);
        assertEquals("no peers\n", commands.peers(), "without the registry the node id is not known");
    }

    @Test
    void shouldNameThisNodeAndItsUidFromTheNodeIdentityWhenItIsThere() {
        identityService.set(new NodeIdentity("node1", "127.0.0.1", 7701, 0x00c0ffee12345678L));
        assertEquals("no peers of node node1 (uid 00c0ffee12345678)\n", commands.peers());
        systemService.set(null);
        assertEquals("no peers of node node1 (uid 00c0ffee12345678)\n", commands.peers(),
            "the identity alone is enough");
        transport.peer(new PeerInfo("node2", "ws://127.0.0.1:7702/hamlet", PeerInfo.State.UP, 0x2L, 0, 1, 1));
        assertTrue(commands.peers().endsWith("\n1 peer of node node1 (uid 00c0ffee12345678), 1 up\n"),
            commands.peers());
    }

    @Test
    void shouldSayTransportIsAbsentWhenListingPeersWithoutIt() {
        transportService.set(null);
        assertEquals("cluster:peers: the transport is not available: the hamlet.transport.jetty bundle is not"
            + " running, so this node has no peers", refused(commands::peers));
    }

    // ------------------------------------------------------------------ counters

    @Test
    void shouldPrintTransportCountersThenRegistryCountersOnePerLine() {
        transport.counter("rejected.WRONG_CLUSTER", 2).counter("envelopes.resent", 15).counter("acks.refused", 0);
        system.counter("remote.received", 1234);
        system.addDeadLetter(new DeadLetter("node1:gone", null, "x", DeadLetter.Reason.UNKNOWN_ACTOR, "gone",
            FakeActorSystem.AT));
        final String shown = commands.counters();
        assertTrue(shown.startsWith(""
                + "transport.acks.refused               0\n"
                + "transport.envelopes.resent           15\n"
                + "transport.rejected.WRONG_CLUSTER     2\n"
                + "registry.dead-letters."), shown);
        assertTrue(shown.contains("\nregistry.dead-letters.UNKNOWN_ACTOR  1\n"), shown);
        assertTrue(shown.contains("\nregistry.dead-letters.total          1\n"), shown);
        assertTrue(shown.endsWith("\nregistry.remote.received             1234\n"), shown);
        assertEquals(3 + system.counters().size(), shown.lines().count(), "one line per counter, nothing else");
    }

    @Test
    void shouldSayWhichSideIsAbsentOrStopped() {
        transport.counter("peers", 0);
        systemService.set(new FakeActorSystem() {
            @Override
            public Map<String, Long> counters() {
                return Map.of();
            }
        });
        assertEquals("transport.peers  0\nno registry counters: the actor runtime is stopped\n",
            commands.counters());
        systemService.set(null);
        assertEquals("transport.peers  0\nno registry counters: the hamlet.registry bundle is not running\n",
            commands.counters());
        transportService.set(null);
        systemService.set(new FakeActorSystem().counter("remote.received", 3));
        assertTrue(commands.counters().endsWith("registry.remote.received             3\n"
            + "no transport counters: the hamlet.transport.jetty bundle is not running\n"), commands.counters());
    }

    @Test
    void shouldRefuseCountersWhenNeitherServiceIsThere() {
        transportService.set(null);
        systemService.set(null);
        assertEquals("cluster:counters: neither the transport nor the actor runtime is available: the"
            + " hamlet.transport.jetty and hamlet.registry bundles are not running", refused(commands::counters));
    }

    // ------------------------------------------------------------------ members

    @Test
    void shouldListMembersAsTableThenCountsByStatusThenTheMajority() {
        cluster.member(new Member("node2", "ws://127.0.0.1:7702/hamlet", 0x2L, MemberStatus.SUSPECT, 4,
                FakeCluster.SINCE_MILLIS, new MemberLoad(2_500, 0.5, 0.75), 3))
            .member(new Member("node1", "ws://127.0.0.1:7701/hamlet", 0x1L, MemberStatus.ALIVE, 1,
                FakeCluster.SINCE_MILLIS, new MemberLoad(0, 0.125, 0.1), 12))
            .member(FakeCluster.member("node3", MemberStatus.ALIVE))
            .majority(true, "sees 3 of 3 members of the last stable membership");
        assertEquals(""
                + "ID                 STATUS   INCARNATION  SINCE                     LOAD             ACTORS  URL\n"
                + "node1 (this node)  alive    1            2026-01-02T03:04:05.678Z  0.13             12      "
                + "ws://127.0.0.1:7701/hamlet\n"
                + "node2              suspect  4            2026-01-02T03:04:05.678Z  1.00 overloaded  3       "
                + "ws://127.0.0.1:7702/hamlet\n"
                + "node3              alive    1            2026-01-02T03:04:05.678Z  0.00             0       "
                + "ws://127.0.0.1:7703/hamlet\n"
                + "3 members: 2 alive, 1 suspect\n"
                + "node node1 is in the majority: sees 3 of 3 members of the last stable membership\n",
            commands.members());
    }

    @Test
    void shouldSayMinorityAndWhatItMeans() {
        cluster.member(FakeCluster.member("node1", MemberStatus.ALIVE))
            .member(FakeCluster.member("node2", MemberStatus.DEAD))
            .member(FakeCluster.member("node3", MemberStatus.DEAD))
            .majority(false, "sees 1 of 3 members of the last stable membership");
        final String shown = commands.members();
        assertTrue(shown.contains("\n3 members: 1 alive, 2 dead\n"), shown);
        assertTrue(shown.endsWith("\nnode node1 is in the minority: sees 1 of 3 members of the last stable"
            + " membership; it takes ownership of nothing cluster-wide until it sees a majority again\n"), shown);
    }

    @Test
    void shouldSayNoMembersWhenNoneIsKnown() {
        assertEquals("no members known to node node1\n"
                + "node node1 is in the majority: sees 1 of 1 members of the last stable membership\n",
            commands.members());
    }

    // ------------------------------------------------------------------ actors

    @Test
    void shouldListTheDirectoryFlaggingNamesHostedOnSeveralNodes() {
        cluster.actor("node2", "echo", null).actor("node1", "echo", null).actor("node3", "echo", null)
            .actor("node2", "w1", "worker").actor("node1", "router", null);
        assertEquals(""
                + "NAME    NODE   GROUP   CONFLICT\n"
                + "echo    node1  -       also on node2, node3\n"
                + "echo    node2  -       also on node1, node3\n"
                + "echo    node3  -       also on node1, node2\n"
                + "router  node1  -       -\n"
                + "w1      node2  worker  -\n"
                + "5 named actors on 3 nodes; 1 name on several nodes (a conflict; GET /api/cluster/actors says"
                + " where each resolves): echo\n",
            commands.actors());
    }

    @Test
    void shouldSayNoConflictsOrAnEmptyDirectory() {
        assertEquals("the directory is empty: no member hosts a named actor\n", commands.actors());
        cluster.actor("node1", "echo", null);
        assertTrue(commands.actors().endsWith("\n1 named actor on 1 node, no conflicts\n"), commands.actors());
    }

    // ------------------------------------------------------------------ join and leave

    @Test
    void shouldJoinThroughASeedAndSaySo() {
        assertEquals("node node1 asked 127.0.0.1:7702 to let it in; see cluster:members\n",
            commands.join("127.0.0.1:7702"));
        assertEquals(List.of("127.0.0.1:7702"), cluster.joins());
    }

    @Test
    void shouldRefuseASeedThatIsNoAddressNamingIt() {
        assertEquals("cluster:join: seed 'nowhere' is not an address (give host:port, ws://host:port or"
            + " ws://host:port/hamlet): not host:port: 'nowhere'", refused(() -> commands.join("nowhere")));
        assertTrue(cluster.joins().isEmpty());
    }

    @Test
    void shouldLeaveAndSaySo() {
        assertEquals("node node1 is leaving the cluster: the members mark it left as they hear it; see"
            + " cluster:members\n", commands.leave());
        assertEquals(1, cluster.leaves());
    }

    @Test
    void shouldSayTheGossipBundleIsNotRunningForEveryClusterViewCommand() {
        clusterService.set(null);
        final String absent = ": the cluster view is not available: the hamlet.gossip bundle (gossip membership)"
            + " is not running";
        assertEquals("cluster:members" + absent, refused(commands::members));
        assertEquals("cluster:actors" + absent, refused(commands::actors));
        assertEquals("cluster:join" + absent, refused(() -> commands.join("127.0.0.1:7702")));
        assertEquals("cluster:leave" + absent, refused(commands::leave));
        assertEquals(0, cluster.leaves());
    }
}
