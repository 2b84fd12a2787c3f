package hamlet.registry.internal;

import com.typesafe.config.ConfigFactory;
import hamlet.api.ActorSpec;
import hamlet.api.DeadLetter;
import hamlet.api.cluster.Activation;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.transport.WireEnvelope;
import hamlet.testkit.FakePlacement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One activation of a cluster actor on its node: the lease check, second copies, the copies a replica takes or
 * refuses, the restore's fallbacks, the state bound, the hold while nobody owns the actor, and the declarations
 * offered to placement.
 */
class ClusterActorsTest {
    private final ClusterNet net = new ClusterNet();

    @AfterEach
    void close() {
        net.close();
    }

    static Activation activation(final String name, final long epoch, final Activation.Cause cause) {
        return new Activation(new ClusterActorSpec(ActorSpec.of("recorder", name), false), epoch, cause, null);
    }

    /** Activates {@code name} on {@code node} and waits for its report to placement. */
    private void activate(final String node, final String name, final long epoch, final Activation.Cause cause) {
        final FakePlacement placement = net.placement(node);
        final int before = placement.activations().size();
        net.nodes.get(node).clusterActors().activate(activation(name, epoch, cause));
        awaitTrue(name + " activated on " + node, () -> placement.activations().size() > before);
    }

    private static String document(final String state) {
        return "{\"state\":" + state + ",\"seen\":{}}";
    }

    private static WireEnvelope copy(final String to, final String name, final long epoch, final long number,
                                     final String document) {
        return new WireEnvelope(to + ":" + name, null, PlacementWire.CODEC_ID,
            new PlacementWire(PlacementWire.Type.REPLICA, name, epoch, number, document).encode());
    }

    private static WireEnvelope stamped(final String to, final String body, final long seq) {
        final byte[] inner = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new WireEnvelope(to, null, Stamp.CODEC_ID,
            new Stamp("n9", 42L, seq, false).wrap(CodecRegistry.STRING, inner));
    }

    private static long counter(final LocalActorSystem system, final String name) {
        return system.clusterActors().countersSnapshot().get(name);
    }

    @Test
    void shouldDeliverNothingWhileTheLeaseHasRunOutThenEverythingInOrder() {
        final LocalActorSystem n1 = net.node("n1");
        net.behavior("recorder", Recorder.behavior());
        net.owner("lease-rec", "n1", 1);
        activate("n1", "lease-rec", 1, Activation.Cause.FIRST);
        net.placement("n1").leaseLapsed();
        for (int i = 1; i <= 3; i++) {
            n1.ref("lease-rec").tell("n:" + i);
        }
        awaitTrue("the lease check held a message", () -> counter(n1, ClusterCounters.LEASE_HELD) >= 1);
        assertEquals(List.of(), Recorder.seen("lease-rec"), "delivered while the lease had run out");
        net.placement("n1").leaseHolds();
        awaitTrue("delivered once the lease holds", () -> Recorder.seen("lease-rec").size() == 3);
        assertEquals(List.of(1, 2, 3), Recorder.seen("lease-rec"));
    }

    @Test
    void shouldDropASecondCopyOfAMessage() {
        final LocalActorSystem n1 = net.node("n1");
        net.behavior("recorder", Recorder.behavior());
        net.owner("dup-rec", "n1", 1);
        activate("n1", "dup-rec", 1, Activation.Cause.FIRST);
        n1.inbox().onEnvelope("n9", stamped("n1:dup-rec", "n:1", 1));
        n1.inbox().onEnvelope("n9", stamped("n1:dup-rec", "n:1", 1));
        n1.inbox().onEnvelope("n9", stamped("n1:dup-rec", "n:3", 3));
        n1.inbox().onEnvelope("n9", stamped("n1:dup-rec", "n:2", 2));
        n1.inbox().onEnvelope("n9", stamped("n1:dup-rec", "n:3", 3));
        awaitTrue("three delivered", () -> Recorder.seen("dup-rec").size() == 3);
        awaitTrue("two dropped", () -> counter(n1, ClusterCounters.DUPLICATES) == 2);
        assertEquals(List.of(1, 3, 2), Recorder.seen("dup-rec"));
    }

    @Test
    void shouldRefuseACopyOfAnOlderEpochOrFromANodeThatIsNotTheOwner() {
        final LocalActorSystem n2 = net.node("n2");
        net.behavior("recorder", Recorder.behavior());
        net.owner("copy-rec", "n1", 3);
        n2.inbox().onEnvelope("n1", copy("n2", "copy-rec", 3, 1, document("{\"numbers\":[1,2,3]}")));
        n2.inbox().onEnvelope("n7", copy("n2", "copy-rec", 3, 2, document("{\"numbers\":[7]}")));
        net.owner("copy-rec", "n1", 2);
        n2.inbox().onEnvelope("n1", copy("n2", "copy-rec", 2, 9, document("{\"numbers\":[2]}")));
        assertEquals(1, counter(n2, ClusterCounters.COPIES_KEPT));
        assertEquals(2, counter(n2, ClusterCounters.COPIES_REFUSED));
        net.owner("copy-rec", "n2", 4);
        activate("n2", "copy-rec", 4, Activation.Cause.TAKEOVER);
        assertEquals(List.of(1, 2, 3), Recorder.seen("copy-rec"));
        assertTrue(net.placement("n2").activations().get(0).detail().contains("newest"),
            net.placement("n2").activations().toString());
    }

    @Test
    void shouldFallBackToThePreviousCopyThenToEmptyWhenRestoreThrows() {
        final LocalActorSystem n2 = net.node("n2");
        net.behavior("recorder", Recorder.behavior());
        net.owner("fall-rec", "n1", 1);
        n2.inbox().onEnvelope("n1", copy("n2", "fall-rec", 1, 1, document("{\"numbers\":[1]}")));
        n2.inbox().onEnvelope("n1", copy("n2", "fall-rec", 1, 2, document("{\"poison\":true}")));
        net.owner("fall-rec", "n2", 2);
        activate("n2", "fall-rec", 2, Activation.Cause.TAKEOVER);
        assertEquals(List.of(1), Recorder.seen("fall-rec"));
        final String detail = net.placement("n2").activations().get(0).detail();
        assertTrue(detail.contains("older copy") && detail.contains("failed"), detail);

        net.owner("empty-rec", "n1", 1);
        n2.inbox().onEnvelope("n1", copy("n2", "empty-rec", 1, 1, document("{\"poison\":1}")));
        n2.inbox().onEnvelope("n1", copy("n2", "empty-rec", 1, 2, document("{\"poison\":2}")));
        net.owner("empty-rec", "n2", 2);
        activate("n2", "empty-rec", 2, Activation.Cause.TAKEOVER);
        final String empty = net.placement("n2").activations().get(1).detail();
        assertTrue(empty.startsWith("started empty"), empty);
        assertEquals(3, counter(n2, ClusterCounters.RESTORE_FAILED));
        n2.ref("empty-rec").tell("n:5");
        awaitTrue("the empty activation runs", () -> Recorder.seen("empty-rec").equals(List.of(5)));
    }

    @Test
    void shouldRefuseAStateOverMaxStateWhileTheActorKeepsRunning() {
        final LocalActorSystem n1 = net.node("n1", "max-state = 70");
        final LocalActorSystem n2 = net.node("n2");
        net.behavior("recorder", Recorder.behavior());
        net.owner("big-rec", "n1", 1);
        net.replica("big-rec", "n2");
        activate("n1", "big-rec", 1, Activation.Cause.FIRST);
        for (int i = 1; i <= 10; i++) {
            assertEquals("ok:" + i, TestNode.ask(n1.ref("big-rec"), "n:" + i));
        }
        assertTrue(counter(n1, ClusterCounters.STATE_TOO_LARGE) > 0);
        assertTrue(net.placement("n1").stateSize("big-rec") > 70);
        assertTrue(counter(n2, ClusterCounters.COPIES_KEPT) > 0, "the first, small states were copied");
        assertEquals(Recorder.upTo(10), TestNode.ask(n1.ref("big-rec"), "get"));
    }

    @Test
    void shouldHoldMessagesWhileNobodyOwnsTheActorThenReleaseThemInOrder() {
        final LocalActorSystem n1 = net.node("n1");
        final LocalActorSystem n2 = net.node("n2", "hold-max = 3");
        net.behavior("recorder", Recorder.behavior());
        net.placements.values().forEach(p -> p.noOwner("held-rec"));
        for (int i = 1; i <= 4; i++) {
            n2.ref("held-rec").tell("n:" + i);
        }
        assertEquals(3, counter(n2, ClusterCounters.HELD));
        final DeadLetter over = n2.deadLetters().get(n2.deadLetters().size() - 1);
        assertEquals(DeadLetter.Reason.MAILBOX_FULL, over.reason());
        assertTrue(over.detail().contains("hamlet.failover.hold-max"), over.detail());
        net.owner("held-rec", "n1", 1);
        activate("n1", "held-rec", 1, Activation.Cause.FIRST);
        awaitTrue("released in order", () -> Recorder.seen("held-rec").size() == 3);
        assertEquals(List.of(1, 2, 3), Recorder.seen("held-rec"));
        n2.ref("held-rec").tell("n:5");
        awaitTrue("then new ones", () -> Recorder.seen("held-rec").size() == 4);
        assertEquals(List.of(1, 2, 3, 5), Recorder.seen("held-rec"));
        assertTrue(n1.actor("held-rec").isPresent());
    }

    @Test
    void shouldOfferDeclaredClusterActorsInsteadOfSpawningThem() {
        final LocalActorSystem n1 = net.node("n1");
        net.behavior("recorder", Recorder.behavior());
        new ActorReconciler(n1).apply(ActorsSettings.from(ConfigFactory.parseString(
            "hamlet.actors { router { behavior = recorder, placement = cluster }, "
                + "w { behavior = recorder, placement = spread, instances = 2 }, "
                + "local { behavior = recorder } }")));
        assertEquals(List.of("local"), n1.actors().stream().map(hamlet.api.ActorInfo::name).toList());
        final FakePlacement.Offer offer = net.placement("n1").offers().get(net.placement("n1").offers().size() - 1);
        assertEquals(List.of("router", "w-1", "w-2"), offer.declared().stream().map(ClusterActorSpec::name).toList());
        assertEquals("w", offer.declared().get(1).spec().group());
        assertTrue(offer.declared().get(1).spread());
        assertTrue(offer.behaviors().contains("recorder"));

        n1.spawnInCluster(new ClusterActorSpec(ActorSpec.of("recorder", "later"), false));
        final FakePlacement.Offer again = net.placement("n1").offers().get(net.placement("n1").offers().size() - 1);
        assertEquals(List.of("later", "router", "w-1", "w-2"),
            again.declared().stream().map(ClusterActorSpec::name).toList());
    }
}
