package hamlet.shell.internal;

import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.Placement;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Placement for the shell tests: the cluster actors, the lease and the blocked reason are set by the test. */
final class ShellFakePlacement implements Placement {
    private final List<ClusterActorInfo> actors = new CopyOnWriteArrayList<>();
    private volatile long leaseValidUntilNanos;
    private volatile String blocked;

    ShellFakePlacement actor(final ClusterActorInfo info) {
        actors.add(info);
        actors.sort(Comparator.comparing(ClusterActorInfo::name));
        return this;
    }

    ShellFakePlacement lease(final long validUntilNanos) {
        this.leaseValidUntilNanos = validUntilNanos;
        return this;
    }

    ShellFakePlacement blocked(final String reason) {
        this.blocked = reason;
        return this;
    }

    @Override
    public void offer(final List<ClusterActorSpec> declared, final Set<String> behaviors) {
    }

    @Override
    public boolean isClusterActor(final String name) {
        return actors.stream().anyMatch(a -> a.name().equals(name));
    }

    @Override
    public Optional<Owner> owner(final String name) {
        return actors.stream().filter(a -> a.name().equals(name) && a.owner() != null).findFirst()
            .map(a -> new Owner(a.owner(), a.epoch(), "moving".equals(a.state())));
    }

    @Override
    public long leaseValidUntilNanos() {
        return leaseValidUntilNanos;
    }

    @Override
    public String blockedReason() {
        return blocked;
    }

    @Override
    public List<ClusterActorInfo> actors() {
        return List.copyOf(actors);
    }

    @Override
    public void activated(final String name, final long epoch, final long stateBytes, final String detail) {
    }

    @Override
    public String acceptHandover(final String name, final long epoch, final String from) {
        return "not in this fake";
    }
}
