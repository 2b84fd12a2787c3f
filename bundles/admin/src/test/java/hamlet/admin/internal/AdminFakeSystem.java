package hamlet.admin.internal;

import hamlet.api.ActorRef;
import hamlet.api.BehaviorInfo;
import hamlet.api.RejectedBundle;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.testkit.FakeActorSystem;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The testkit's ActorSystem with what the admin API shows beyond it: the behaviours {@code silent}, {@code stuck}
 * and {@code broken} known from the start, non-zero actor stats, dead letters for tells to unknown actors,
 * behaviour details with a failed swap and two refused jars; cluster spawns are recorded.
 */
final class AdminFakeSystem extends FakeActorSystem {
    /** What {@link #spawnInCluster} was given. */
    final List<ClusterActorSpec> clusterSpawns = new CopyOnWriteArrayList<>();

    AdminFakeSystem() {
        super("echo", "worker", "job-router", "silent", "stuck", "broken");
        stats(0, 7, 1);
        deadLettersForTells(true);
    }

    /** Behaviour details: {@code counter} with two versions and a failed last swap, plus a missing one. */
    @Override
    public List<BehaviorInfo> behaviorDetails() {
        return List.of(
            new BehaviorInfo("counter", "2.0.0", "hamlet.example.counter", BehaviorInfo.State.AVAILABLE,
                List.of("2.0.0", "1.0.0"), 3, 0,
                new BehaviorInfo.Swap("1.0.0", "3.0.0", AT, 2, 1, "counter-3: restore failed: boom")),
            new BehaviorInfo("gone", null, null, BehaviorInfo.State.MISSING, List.of(), 1, 1, null));
    }

    /** One jar that is not a bundle, one bundle that does not resolve. */
    @Override
    public List<RejectedBundle> rejectedBundles() {
        return List.of(
            new RejectedBundle("file:/deploy/notes.jar", null, null, null,
                "not a jar: not a zip file (zip END header not found)", AT),
            new RejectedBundle("file:/deploy/counter-4.jar", "counter", "hamlet.example.counter", "4.0.0",
                "does not resolve: nothing provides osgi.wiring.package (osgi.wiring.package=no.such)", AT));
    }

    /** Records the declaration; the ref is that of a local actor of the same name, which is never spawned. */
    @Override
    public ActorRef spawnInCluster(final ClusterActorSpec spec) {
        clusterSpawns.add(spec);
        return ref(spec.name());
    }
}
