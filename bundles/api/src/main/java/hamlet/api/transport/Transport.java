package hamlet.api.transport;

import java.util.List;

/**
 * Carries envelopes to other nodes. An OSGi service of the transport bundle, used by the registry.
 *
 * <p>Threading: every method may be called from any thread, concurrently, and never blocks (a dispatcher thread
 * calls {@link #send} on behalf of an actor).
 */
public interface Transport {
    /** What became of one {@link #send}. */
    enum SendStatus {
        /** Queued for the node; it will be delivered, or handed back through {@code onUndeliverable}. */
        ACCEPTED,
        /** No such node is known to the transport: the caller dead-letters the envelope at once. */
        UNKNOWN_NODE,
        /** The node's outbox is at its bound: the caller dead-letters the envelope at once. */
        OUTBOX_FULL,
        /** The encoded envelope is larger than the transport's limit: the caller dead-letters it at once. */
        TOO_LARGE
    }

    /**
     * Queues an envelope for a node.
     *
     * @param node the receiving node's id
     * @param envelope the envelope
     * @return whether it was taken; anything but {@link SendStatus#ACCEPTED} leaves the envelope with the caller
     */
    SendStatus send(String node, WireEnvelope envelope);

    /** @return what the transport knows of each peer, sorted by node id */
    List<PeerInfo> peers();
}
