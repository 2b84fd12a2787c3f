package hamlet.api.transport;

/**
 * Takes what the transport brings in, and what it gives up on. An OSGi service of the registry, used by the
 * transport.
 *
 * <p>Threading: called from the transport's I/O threads, possibly concurrently for different peers but in order for
 * one peer; implementations must not block (enqueue and return).
 */
public interface EnvelopeReceiver {
    /**
     * One envelope arrived from another node, already de-duplicated and in order for that node.
     *
     * @param fromNode the sending node's id, as its handshake said
     * @param envelope the envelope
     */
    void onEnvelope(String fromNode, WireEnvelope envelope);

    /**
     * The transport gave up on an envelope it had accepted (the peer stayed away too long, its buffer overflowed,
     * or sending kept failing).
     *
     * @param toNode the node it was for
     * @param envelope the envelope
     * @param reason why, in a sentence for operators
     */
    void onUndeliverable(String toNode, WireEnvelope envelope, String reason);
}
