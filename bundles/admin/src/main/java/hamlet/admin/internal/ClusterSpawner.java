package hamlet.admin.internal;

import hamlet.api.ActorSystem;
import hamlet.api.cluster.ClusterActorSpec;

/**
 * Spawns a cluster actor through the node's actor runtime. A seam of its own so that the admin API's rules are
 * tested without a runtime that places actors.
 */
@FunctionalInterface
interface ClusterSpawner {
    /**
     * @param spec the cluster actor
     * @throws hamlet.api.SpawnException when the runtime refuses it (a name taken)
     * @throws UnsupportedOperationException when the runtime cannot run cluster actors
     */
    void spawn(ClusterActorSpec spec);

    /**
     * @param system the node's actor runtime
     * @return a spawner that asks it
     */
    static ClusterSpawner of(final ActorSystem system) {
        return system::spawnInCluster;
    }
}
