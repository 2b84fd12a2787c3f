package hamlet.shell.internal;

import hamlet.api.ActorSystem;
import hamlet.api.DeadLetter;
import hamlet.api.NodeIdentity;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.Test;

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
    private final ClusterCommands commands =
        new ClusterCommands(transportService::get, systemService::get, identityService::get);

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
}
