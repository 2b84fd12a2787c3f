package hamlet.gossip.internal;

import com.google.gson.JsonObject;
import com.typesafe.config.ConfigFactory;
import hamlet.api.ActorSpec;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.gossip.internal.PlacementWire.Claim;
import hamlet.gossip.internal.PlacementWire.ClaimState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlacementWireTest {
    @Test
    void shouldCarryEveryMessageAcrossTheWire() throws Malformed {
        final PlacementWire.Heartbeat h = new PlacementWire.Heartbeat(7, 42, 3, 41, List.of("node3"));
        assertEquals(h, PlacementWire.readHeartbeat(PlacementWire.heartbeat(h)));
        final PlacementWire.Propose p = new PlacementWire.Propose(7, "job-router", 5, "node2");
        assertEquals(p, PlacementWire.readPropose(PlacementWire.propose(p)));
        final PlacementWire.Reply r = new PlacementWire.Reply(7, "job-router", 5, false, "node1", 6);
        assertEquals(r, PlacementWire.readReply(PlacementWire.reply(r)));
        final JsonObject config = new JsonObject();
        config.addProperty("workers", 3);
        final PlacementWire.Table t = new PlacementWire.Table(7, 9, true, List.of("echo", "job-router"),
            List.of(new ClusterActorSpec(new ActorSpec("job-router", "job-router", null, config), false),
                new ClusterActorSpec(new ActorSpec("w-1", "echo", "w", null), true)),
            List.of(new Claim("job-router", "node1", 4, 2, ClaimState.MOVING, "node2", 5),
                new Claim("w-1", "node3", 1, 1, ClaimState.ACTIVE, null, 0)));
        assertEquals(t, PlacementWire.readTable(PlacementWire.table(t, Membership.CHUNK_BYTES)));
    }

    @Test
    void shouldDropSpecsThatDoNotFitButKeepEveryClaim() throws Malformed {
        final List<ClusterActorSpec> specs = new ArrayList<>();
        final List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < Placer.MAX_CLUSTER_ACTORS; i++) {
            specs.add(new ClusterActorSpec(ActorSpec.of("echo", "actor-with-a-long-name-" + i), true));
            claims.add(new Claim("actor-with-a-long-name-" + i, "node1", 1, 1, ClaimState.ACTIVE, null, 0));
        }
        final byte[] bytes = PlacementWire.table(new PlacementWire.Table(1, 1, false, List.of("echo"), specs, claims),
            Membership.CHUNK_BYTES);
        final PlacementWire.Table back = PlacementWire.readTable(bytes);
        assertEquals(Placer.MAX_CLUSTER_ACTORS, back.claims().size());
        assertTrue(bytes.length <= hamlet.api.transport.Transport.MAX_CONTROL_BYTES, bytes.length + " bytes");
        assertTrue(back.specs().size() < Placer.MAX_CLUSTER_ACTORS && !back.specs().isEmpty(), "specs kept: " + back.specs().size());
    }

    @Test
    void shouldRefuseMalformedMessagesWithAReason() {
        final byte[] good = PlacementWire.propose(new PlacementWire.Propose(7, "a", 1, "n1"));
        assertThrows(Malformed.class, () -> PlacementWire.readPropose(Arrays.copyOf(good, good.length - 1)));
        final byte[] wrongVersion = good.clone();
        wrongVersion[1] = 9;
        final Malformed e = assertThrows(Malformed.class, () -> PlacementWire.type(wrongVersion));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        final byte[] hugeCount = PlacementWire.heartbeat(new PlacementWire.Heartbeat(1, 1, 1, 0, List.of()));
        hugeCount[hugeCount.length - 2] = (byte) 0xff;
        hugeCount[hugeCount.length - 1] = (byte) 0xff;
        assertThrows(Malformed.class, () -> PlacementWire.readHeartbeat(hugeCount));
    }

    @Test
    void shouldRankTheSameWayEverywhereAndMoveOnlyWhatANewNodeWins() {
        final List<String> three = List.of("node1", "node2", "node3");
        final List<String> four = List.of("node4", "node3", "node2", "node1");
        int moved = 0;
        for (int i = 0; i < 1_000; i++) {
            final String actor = "a" + i;
            assertEquals(Rendezvous.rank(actor, three), Rendezvous.rank(actor, List.of("node3", "node1", "node2")));
            final String before = Rendezvous.rank(actor, three).get(0);
            final String after = Rendezvous.rank(actor, four).get(0);
            if (!before.equals(after)) {
                assertEquals("node4", after, "only the new node may take an actor");
                moved++;
            }
        }
        assertTrue(moved > 150 && moved < 350, "about a quarter should move to the fourth node: " + moved);
    }

    @Test
    void shouldRefuseUnknownKeysAndLeasesThatDoNotHold() {
        final var reference = ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf");
        assertEquals(PlacementSettings.DEFAULTS, PlacementSettings.from(reference.resolve()));
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
            PlacementSettings.from(ConfigFactory.parseString("hamlet.failover.leese = 1s")
                .withFallback(reference).resolve()));
        assertTrue(unknown.getMessage().contains("hamlet.failover.leese"), unknown.getMessage());
        final IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class, () ->
            PlacementSettings.from(ConfigFactory.parseString("hamlet.failover.heartbeat = 300ms")
                .withFallback(reference).resolve()));
        assertTrue(tooShort.getMessage().contains("hamlet.failover.heartbeat"), tooShort.getMessage());
        assertEquals(600, PlacementSettings.from(ConfigFactory.parseString("hamlet.failover.replicate = off")
            .withFallback(reference).resolve()).leaseMs(), "the registry's keys are known here");
    }
}
