package hamlet.admin.internal.dashboard;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sample history of every node this dashboard has heard from, by node id: at most {@code maxNodes} of them (a
 * node beyond the cap replaces the one heard from least recently), each a {@link NodeHistory} of
 * {@code samplesPerNode}. Confined to the dashboard's thread.
 */
final class ClusterHistory {
    private final int maxNodes;
    private final int samplesPerNode;
    private final Map<String, NodeHistory> nodes = new TreeMap<>();
    private long evicted;

    /**
     * @param maxNodes how many nodes are kept
     * @param samplesPerNode how many samples per node
     */
    ClusterHistory(final int maxNodes, final int samplesPerNode) {
        if (maxNodes < 1) {
            throw new IllegalArgumentException("maxNodes must be at least 1, got " + maxNodes);
        }
        this.maxNodes = maxNodes;
        this.samplesPerNode = samplesPerNode;
    }

    /**
     * @param sample a sample of its node
     * @return whether it was kept (not older than that node's last one)
     */
    boolean add(final NodeSample sample) {
        NodeHistory history = nodes.get(sample.node());
        if (history == null) {
            if (nodes.size() >= maxNodes) {
                evictStalest();
            }
            history = new NodeHistory(samplesPerNode);
            nodes.put(sample.node(), history);
        }
        return history.add(sample);
    }

    /**
     * Forgets the nodes that are not in {@code keep}: membership removed them.
     *
     * @param keep the ids still wanted
     */
    void retain(final Collection<String> keep) {
        nodes.keySet().removeIf(node -> !keep.contains(node));
    }

    /** @return the histories by node id, sorted; a live view for the dashboard's thread */
    Map<String, NodeHistory> byNode() {
        return nodes;
    }

    /** @return how many nodes were dropped for the cap */
    long evicted() {
        return evicted;
    }

    private void evictStalest() {
        String stalest = null;
        long oldest = Long.MAX_VALUE;
        for (final Map.Entry<String, NodeHistory> entry : nodes.entrySet()) {
            final NodeSample latest = entry.getValue().latest();
            final long at = latest == null ? Long.MIN_VALUE : latest.atMillis();
            if (at < oldest) {
                oldest = at;
                stalest = entry.getKey();
            }
        }
        nodes.remove(stalest);
        evicted++;
    }
}
