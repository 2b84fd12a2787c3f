package hamlet.api.cluster;

/**
 * Hears cluster events: a whiteboard service; the gossip bundle calls every registered listener.
 *
 * <p>Threading: called from the gossip bundle's one notifier thread, in the order the events happened, never while
 * membership holds a lock; a listener must not block (hand off and return). A listener registered late is not told
 * the past: it reads {@link Cluster#members()} first.
 */
public interface ClusterListener {
    /**
     * @param event what changed
     */
    void onClusterEvent(ClusterEvent event);
}
