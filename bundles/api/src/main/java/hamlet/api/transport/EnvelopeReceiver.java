package hamlet.api.transport;

import java.util.List;

/**
 * Takes what the transport brings in, and what it gives up on. An OSGi service of the registry, used by the
 * transport.
 *
 * <p>Threading: called from the transport's delivery threads, possibly concurrently for different peers but in order
 * for one peer, and never under a transport lock; implementations must not block (enqueue and return), and must not
 * run user code on the calling thread (ask continuations and dead-letter notices go to the dispatcher).
 */
public interface EnvelopeReceiver {
    /**
     * One envelope arrived from another node, already de-duplicated and in order for that node.
     *
     * <p>The answer decides the acknowledgement: the transport acknowledges an envelope to its sender only when this
     * returned {@code true}. {@code false} means no runtime can take it now (the registry is stopping or being
     * replaced); the transport then stops delivering that batch, does not acknowledge it, and the sender resends it.
     *
     * @param fromNode the sending node's id, as its handshake said
     * @param envelope the envelope
     * @return {@code true} when the registry took it (delivered, or made a dead letter of it); {@code false} when it
     *     was not handed to any runtime
     */
    boolean onEnvelope(String fromNode, WireEnvelope envelope);

    /**
     * The transport gave up on an envelope it had accepted (the peer stayed away too long, its buffer overflowed,
     * or sending kept failing).
     *
     * @param toNode the node it was for
     * @param envelope the envelope
     * @param reason why, in a sentence for operators
     */
    void onUndeliverable(String toNode, WireEnvelope envelope, String reason);

    /**
     * Envelopes that {@link Transport#reclaim} took back from a node's outbox, in the order they were accepted. They
     * were not delivered by the transport and will not be; those written on a connection that ended before an
     * acknowledgement may have reached the node (see {@link Transport#reclaim}). Called once per reclaim that took
     * anything, from the transport's threads, never under a transport lock; must not block.
     *
     * <p>The default hands each to {@link #onUndeliverable} with {@code reason}, so that a receiver written before
     * 2.2.0 makes dead letters of them rather than losing them.
     *
     * @param toNode the node they were for
     * @param envelopes the envelopes, oldest first; not empty
     * @param reason the reason given to {@code reclaim}
     * @since 2.2.0
     */
    default void onReclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
        for (final WireEnvelope envelope : envelopes) {
            onUndeliverable(toNode, envelope, reason);
        }
    }
}
