package hamlet.registry.internal;

import hamlet.api.Address;

import java.util.Objects;

/**
 * The rule once membership runs: {@link LocalResolver}'s, except that a bare name no actor of this node has goes to
 * the node the cluster directory names for it ({@link ClusterView.Index#hostOf}: ALIVE before JOINING before
 * SUSPECT, then the lowest node id). A local actor always comes first, {@code node:name} still means that node, and
 * with no Cluster bound this is exactly {@link LocalResolver}. Groups resolve to {@link Resolution.Group}; the
 * {@link Router} picks the node at each send.
 *
 * <p>Threading: any thread; one volatile read of the index, no lock.
 */
final class DirectoryResolver implements Resolver {
    private final LocalResolver local;
    private final ClusterView cluster;

    DirectoryResolver(final LocalResolver local, final ClusterView cluster) {
        this.local = Objects.requireNonNull(local, "local");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public Resolution resolve(final Address address) {
        final Resolution here = local.resolve(address);
        if (!(here instanceof Resolution.Unknown unknown) || address.node() != null) {
            return here;
        }
        final ClusterView.Index index = cluster.index();
        if (!index.clustered()) {
            return here;
        }
        final String host = index.hostOf(address.name());
        if (host != null) {
            return new Resolution.Remote(host);
        }
        return new Resolution.Unknown(unknown.nodeId(), unknown.why() + " nor on any up member of the cluster");
    }
}
