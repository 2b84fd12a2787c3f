package hamlet.gossip.internal.osgi;

import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.Placement;
import hamlet.gossip.internal.Placer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What placement knows, as a snapshot the agent publishes for readers on other threads (routing reads it for every
 * message to a cluster actor, so lookups are a map get).
 *
 * @param owners where each actor that has an owner runs now (moving ones included, flagged)
 * @param names every cluster actor known
 * @param replicas where each actor's state is copied
 * @param actors the operator view
 * @param leaseUntilMs until when the lease holds on the agent's clock; {@link Long#MIN_VALUE} when it does not
 * @param blocked why this node may not run cluster actors, or {@code null}
 * @param counters placement's counters
 */
record PlacementView(Map<String, Placement.Owner> owners, Set<String> names, Map<String, String> replicas,
                     List<ClusterActorInfo> actors, long leaseUntilMs, String blocked, Map<String, Long> counters) {
    static final PlacementView NONE = new PlacementView(Map.of(), Set.of(), Map.of(), List.of(), Long.MIN_VALUE,
        "placement is not running", Map.of());

    static PlacementView of(final Placer placer) {
        final List<ClusterActorInfo> actors = placer.actors();
        final Map<String, Placement.Owner> owners = new HashMap<>();
        final Map<String, String> replicas = new HashMap<>();
        for (final ClusterActorInfo a : actors) {
            if (a.owner() != null && ("active".equals(a.state()) || "moving".equals(a.state()))) {
                owners.put(a.name(), new Placement.Owner(a.owner(), a.epoch(), "moving".equals(a.state())));
            }
            if (a.replica() != null) {
                replicas.put(a.name(), a.replica());
            }
        }
        return new PlacementView(Map.copyOf(owners), Set.copyOf(placer.names()), Map.copyOf(replicas),
            List.copyOf(actors), placer.leaseUntilMs(), placer.blockedReason(), placer.counters());
    }
}
