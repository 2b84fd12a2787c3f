package hamlet.gossip.sim;

import hamlet.api.cluster.ClusterEvent;

/**
 * One {@link ClusterEvent} as a node reported it.
 *
 * @param timeMs the virtual time it was drained at (right after the call that made it)
 * @param observer the node that reported it
 * @param event what it said
 */
public record Observed(long timeMs, String observer, ClusterEvent event) {
    /** @return whether it is of this type and about this member */
    public boolean is(final ClusterEvent.Type type, final String subject) {
        return event.type() == type && event.node().equals(subject);
    }

    @Override
    public String toString() {
        return timeMs + "ms " + observer + " " + event.type() + " " + event.node()
            + (event.actor() == null ? "" : " " + event.actor())
            + (event.detail() == null || event.detail().isEmpty() ? "" : " (" + event.detail() + ")");
    }
}
