package hamlet.testkit;

import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.Placement;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Placement for tests that decides nothing: the test says which names are cluster actors, who owns each (node,
 * epoch, moving), who is each one's replica, how long the lease holds and whether handovers are accepted; what the
 * code under test reports (offers, activations, state sizes, handovers asked for) is recorded. Nothing calls a
 * {@link hamlet.api.cluster.PlacementListener}: the test calls it itself, as the gossip bundle would.
 *
 * <p>It starts with no cluster actors, a lease that holds for an hour from its making, and every handover accepted.
 *
 * <p>Thread-safe: the setters and the {@link Placement} methods may be called from any thread.
 */
public class FakePlacement implements Placement {
    private final List<ClusterActorInfo> infos = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** One call of {@link #activated}. */
    public record Activated(String name, long epoch, long stateBytes, String detail) {
    }

    /** One call of {@link #offer}. */
    public record Offer(List<ClusterActorSpec> declared, Set<String> behaviors) {
    }

    /** One call of {@link #acceptHandover}. */
    public record HandoverAsked(String name, long epoch, String from) {
    }

    private final Set<String> clusterActors = ConcurrentHashMap.newKeySet();
    private final Map<String, Owner> owners = new ConcurrentHashMap<>();
    private final Map<String, String> replicas = new ConcurrentHashMap<>();
    private final Map<String, Long> stateSizes = new ConcurrentHashMap<>();
    private final List<Activated> activations = new CopyOnWriteArrayList<>();
    private final List<Offer> offers = new CopyOnWriteArrayList<>();
    private final List<HandoverAsked> handovers = new CopyOnWriteArrayList<>();
    private volatile long leaseValidUntilNanos = System.nanoTime() + Duration.ofHours(1).toNanos();
    private volatile String handoverRefusal;
    private volatile String blockedReason;

    /** Makes {@code name} a cluster actor (with no owner yet). */
    public FakePlacement clusterActor(final String name) {
        clusterActors.add(name);
        return this;
    }

    /** Makes {@code name} a cluster actor owned by {@code node} under {@code epoch}. */
    public FakePlacement owner(final String name, final String node, final long epoch) {
        clusterActors.add(name);
        owners.put(name, new Owner(node, epoch, false));
        return this;
    }

    /** Says {@code name} is moving (or, with a null node, has no owner). */
    public FakePlacement moving(final String name, final String node, final long epoch) {
        clusterActors.add(name);
        if (node == null) {
            owners.remove(name);
        } else {
            owners.put(name, new Owner(node, epoch, true));
        }
        return this;
    }

    /** Says nobody runs {@code name} now. */
    public FakePlacement noOwner(final String name) {
        clusterActors.add(name);
        owners.remove(name);
        return this;
    }

    /** Makes {@code node} the replica of {@code name}; null for none. */
    public FakePlacement replica(final String name, final String node) {
        if (node == null) {
            replicas.remove(name);
        } else {
            replicas.put(name, node);
        }
        return this;
    }

    /** Sets the lease's end, in {@link System#nanoTime()}; in the past means this node holds no lease. */
    public FakePlacement leaseUntil(final long nanoTime) {
        leaseValidUntilNanos = nanoTime;
        return this;
    }

    /** The lease ran out a second ago. */
    public FakePlacement leaseLapsed() {
        return leaseUntil(System.nanoTime() - Duration.ofSeconds(1).toNanos());
    }

    /** The lease holds for an hour from now. */
    public FakePlacement leaseHolds() {
        return leaseUntil(System.nanoTime() + Duration.ofHours(1).toNanos());
    }

    /** Refuses every handover from now on with this reason; null accepts them again. */
    public FakePlacement refuseHandovers(final String reason) {
        handoverRefusal = reason;
        return this;
    }

    /** Sets what {@link #blockedReason()} answers. */
    public FakePlacement blocked(final String reason) {
        blockedReason = reason;
        return this;
    }

    /** @return the activations reported, in order */
    public List<Activated> activations() {
        return List.copyOf(activations);
    }

    /** @return the offers made, in order */
    public List<Offer> offers() {
        return List.copyOf(offers);
    }

    /** @return the handovers asked for, in order */
    public List<HandoverAsked> handoversAsked() {
        return List.copyOf(handovers);
    }

    /** @return the last state size reported for {@code name}, or -1 */
    public long stateSize(final String name) {
        return stateSizes.getOrDefault(name, -1L);
    }

    @Override
    public void offer(final List<ClusterActorSpec> declared, final Set<String> behaviors) {
        offers.add(new Offer(List.copyOf(declared), Set.copyOf(behaviors)));
        declared.forEach(spec -> clusterActors.add(spec.name()));
    }

    @Override
    public boolean isClusterActor(final String name) {
        return clusterActors.contains(name) || infos.stream().anyMatch(i -> i.name().equals(name));
    }

    @Override
    public Optional<Owner> owner(final String name) {
        return Optional.ofNullable(owners.get(name));
    }

    @Override
    public long leaseValidUntilNanos() {
        return leaseValidUntilNanos;
    }

    @Override
    public String blockedReason() {
        return blockedReason;
    }

    @Override
    public List<ClusterActorInfo> actors() {
        return List.copyOf(infos);
    }

    /** Adds a cluster actor to the operator view ({@link #actors()}), kept sorted by name. */
    public FakePlacement actor(final ClusterActorInfo info) {
        infos.add(info);
        infos.sort(java.util.Comparator.comparing(ClusterActorInfo::name));
        return this;
    }

    @Override
    public void activated(final String name, final long epoch, final long stateBytes, final String detail) {
        activations.add(new Activated(name, epoch, stateBytes, detail));
    }

    @Override
    public String acceptHandover(final String name, final long epoch, final String from) {
        handovers.add(new HandoverAsked(name, epoch, from));
        return handoverRefusal;
    }

    @Override
    public String replicaOf(final String name) {
        return replicas.get(name);
    }

    @Override
    public void stateSize(final String name, final long bytes) {
        stateSizes.put(name, bytes);
    }
}
