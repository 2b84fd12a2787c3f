package hamlet.registry.internal;

import hamlet.api.Address;

import java.util.Objects;
import java.util.function.Function;

/**
 * Today's rule, until the cluster directory exists: a bare name is an actor of this node, {@code thisNode:name}
 * too, {@code otherNode:name} is another node's, {@code *:group} a group (local members only, see {@link Groups}).
 *
 * <p>Threading: any thread; the name table it reads is concurrent.
 */
final class LocalResolver implements Resolver {
    private final String nodeId;
    /** This node's actors by name: null when none has the name. */
    private final Function<String, ActorCell> cells;

    /**
     * @param nodeId this node's id
     * @param cells this node's actors by name, null for none; any thread
     */
    LocalResolver(final String nodeId, final Function<String, ActorCell> cells) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.cells = Objects.requireNonNull(cells, "cells");
    }

    @Override
    public Resolution resolve(final Address address) {
        if (address.isGroup()) {
            return new Resolution.Group(address.name());
        }
        final String node = address.node();
        if (node != null && !node.equals(nodeId)) {
            return new Resolution.Remote(node);
        }
        final ActorCell cell = cells.apply(address.name());
        if (cell == null) {
            return new Resolution.Unknown(nodeId, "no actor named " + address.name() + " on " + nodeId);
        }
        return new Resolution.Local(cell);
    }
}
