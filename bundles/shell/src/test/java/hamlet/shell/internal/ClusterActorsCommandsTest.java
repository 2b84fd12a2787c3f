package hamlet.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.Placement;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeCluster;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Cluster actors in the shell: {@code cluster:actors} with a fake Placement, and {@code actor:spawn --placement}. */
class ClusterActorsCommandsTest {
    private static final ClusterActorInfo ROUTER = new ClusterActorInfo("job-router", "job-router", null, false,
        "node2", 3, "active", null, "node3", 2_048, "takeover", 1_767_323_045_678L, 840, "took over from node1");
    private static final ClusterActorInfo LEDGER = new ClusterActorInfo("ledger", "counter", null, false,
        "node1", 1, "moving", "node3", "node2", 10, "first", 1_767_323_000_000L, -1, "handed over to node3 (joined)");
    private static final ClusterActorInfo ORPHAN = new ClusterActorInfo("orphan", "echo", null, false,
        null, 0, "unplaced", null, null, -1, null, 0, -1, "no member may run it: no majority");

    private final FakeCluster cluster = new FakeCluster("node1");
    private final hamlet.testkit.FakePlacement placement = new hamlet.testkit.FakePlacement();
    private final AtomicReference<Placement> placementService = new AtomicReference<>(placement);
    private final ClusterCommands commands = new ClusterCommands(() -> null, () -> null, () -> null, () -> cluster,
        placementService::get);

    private final FakeActorSystem system = new FakeActorSystem();
    private final List<ClusterActorSpec> declared = new ArrayList<>();
    private final ActorCommands actors = new ActorCommands(system, () -> cluster, spec -> {
        declared.add(spec);
        return refTo(spec.name());
    }, 200);

    private static ActorRef refTo(final String name) {
        return new ActorRef() {
            @Override
            public Address address() {
                return Address.parse(name);
            }

            @Override
            public void tell(final Object message) {
            }

            @Override
            public void tell(final Object message, final ActorRef sender) {
            }

            @Override
            public java.util.concurrent.CompletionStage<Object> ask(final Object message,
                                                                    final java.time.Duration timeout) {
                return new java.util.concurrent.CompletableFuture<>();
            }
        };
    }

    @Test
    void shouldListClusterActorsAfterTheDirectoryWithOwnerEpochStateReplicaAndLastChange() {
        placement.actor(ROUTER).actor(LEDGER).actor(ORPHAN);
        assertEquals("the directory is empty: no member hosts a named actor\n"
                + "CLUSTER ACTOR  OWNER  EPOCH  STATE            REPLICA  LAST CHANGE\n"
                + "job-router     node2  3      active           node3    takeover at 2026-01-02T03:04:05.678Z,"
                + " 840 ms\n"
                + "ledger         node1  1      moving to node3  node2    first at 2026-01-02T03:03:20Z\n"
                + "orphan         -      0      unplaced         -        -\n"
                + "3 cluster actors, 1 active\n"
                + "ledger: handed over to node3 (joined)\n"
                + "orphan: no member may run it: no majority\n",
            commands.actors());
    }

    @Test
    void shouldSayWhyThisNodeMayNotOwnClusterActors() {
        placement.blocked("no majority: sees 1 of 3 members of the last stable membership");
        assertTrue(commands.actors().endsWith("no cluster actors\n"
                + "this node may not own cluster actors: no majority: sees 1 of 3 members of the last stable"
                + " membership\n"), commands.actors());
    }

    @Test
    void shouldShowOnlyTheDirectoryWithoutPlacement() {
        placementService.set(null);
        assertEquals("the directory is empty: no member hosts a named actor\n", commands.actors());
    }

    @Test
    void shouldDeclareAClusterActorWithPlacementCluster() {
        assertEquals("declared cluster actor job-router (job-router): placement runs it on one member;"
            + " cluster:actors shows where\n", actors.spawn("job-router", "job-router", "", "cluster"));
        assertEquals(1, declared.size());
        assertEquals("job-router", declared.get(0).name());
        assertTrue(!declared.get(0).spread(), "one cluster actor, not a spread instance");
        assertTrue(system.actor("job-router").isEmpty(), "not spawned on this node");
    }

    @Test
    void shouldRefuseSpreadAndUnknownPlacementsAndUnknownBehaviours() {
        assertTrue(refused(() -> actors.spawn("echo", "e", "", "spread"))
            .contains("--placement spread cannot be spawned: spread instances are declared in config"));
        assertTrue(refused(() -> actors.spawn("echo", "e", "", "everywhere"))
            .contains("--placement must be node (the default: this node) or cluster"));
        assertTrue(refused(() -> actors.spawn("nope", "e", "", "cluster")).contains("unknown behaviour 'nope'"));
        assertTrue(declared.isEmpty());
    }

    @Test
    void shouldSayWhenTheRuntimeCannotSpawnClusterActors() {
        final ActorCommands old = new ActorCommands(system, () -> cluster, spec -> {
            throw new UnsupportedOperationException("this actor system has no cluster actors");
        }, 200);
        assertTrue(refused(() -> old.spawn("echo", "e", "", "cluster"))
            .contains("node node1 cannot spawn cluster actors: this actor system has no cluster actors"));
    }

    @Test
    void shouldSpawnOnThisNodeWithPlacementNode() {
        assertTrue(actors.spawn("echo", "e", "", "node").startsWith("spawned e (echo) at node1:e"));
        assertTrue(declared.isEmpty());
    }

    private static String refused(final Runnable command) {
        return assertThrows(CommandException.class, command::run).getMessage();
    }
}
