package hamlet.gossip.internal.osgi;

import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The {@link Placement} service: reads the snapshot the gossip agent publishes, and hands what the registry reports
 * to the agent's thread. Never blocks.
 */
final class PlacementService implements Placement {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);
    /** How far ahead a lease that needs nobody's echo (a cluster of one) is said to hold: republished every 100 ms. */
    private static final long ALONE_LEASE_NANOS = 60_000_000_000L;

    private final String nodeId;
    private final GossipAgent agent;
    private final LongSupplier clockMs;
    private final long startWallMs;
    private final long startNanos;

    PlacementService(final String nodeId, final GossipAgent agent, final LongSupplier clockMs, final long startWallMs,
                     final long startNanos) {
        this.nodeId = nodeId;
        this.agent = agent;
        this.clockMs = clockMs;
        this.startWallMs = startWallMs;
        this.startNanos = startNanos;
    }

    private PlacementView view() {
        return agent.view().placement();
    }

    @Override
    public void offer(final List<ClusterActorSpec> declared, final Set<String> behaviors) {
        final List<ClusterActorSpec> specs = List.copyOf(declared);
        final Set<String> names = Set.copyOf(behaviors);
        if (!agent.placement(p -> p.offer(specs, names, clockMs.getAsLong()))) {
            LOG.error("[{}] placement: the gossip agent is too busy to take the registry's offer", nodeId);
        }
    }

    @Override
    public boolean isClusterActor(final String name) {
        return view().names().contains(name);
    }

    @Override
    public Optional<Owner> owner(final String name) {
        return Optional.ofNullable(view().owners().get(name));
    }

    @Override
    public long leaseValidUntilNanos() {
        final long untilMs = view().leaseUntilMs();
        if (untilMs == Long.MIN_VALUE) {
            return System.nanoTime() - 1;
        }
        if (untilMs == Long.MAX_VALUE) {
            return System.nanoTime() + ALONE_LEASE_NANOS;
        }
        // The agent's clock is startWall + (nanoTime - startNanos) / 1e6: the same monotonic base, so a process
        // woken from a stall finds this in the past.
        return startNanos + (untilMs - startWallMs) * 1_000_000L;
    }

    @Override
    public String blockedReason() {
        return view().blocked();
    }

    @Override
    public List<ClusterActorInfo> actors() {
        return view().actors();
    }

    @Override
    public void activated(final String name, final long epoch, final long stateBytes, final String detail) {
        agent.placement(p -> p.activated(name, epoch, stateBytes, detail, clockMs.getAsLong()));
    }

    @Override
    public String acceptHandover(final String name, final long epoch, final String from) {
        final PlacementView v = view();
        if (v.leaseUntilMs() == Long.MIN_VALUE) {
            return "this node holds no lease: " + v.blocked();
        }
        final Owner now = v.owners().get(name);
        if (now != null && now.epoch() >= epoch) {
            return "epoch " + epoch + " is not newer than " + now.node() + "'s epoch " + now.epoch();
        }
        // The agent decides for good on its thread; a refusal there is an event (REFUSED) and no activation.
        if (!agent.placement(p -> p.acceptHandover(name, epoch, from, clockMs.getAsLong()))) {
            return "the gossip agent is too busy";
        }
        return null;
    }

    @Override
    public String replicaOf(final String name) {
        return view().replicas().get(name);
    }

    @Override
    public void stateSize(final String name, final long bytes) {
        agent.placement(p -> p.stateSize(name, bytes));
    }
}
