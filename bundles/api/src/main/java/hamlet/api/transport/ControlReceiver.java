package hamlet.api.transport;

/**
 * Takes the control-lane messages of one channel: small, unreliable, unordered messages between nodes (membership's
 * probes and gossip), written ahead of data on the same links. An OSGi service; the transport delivers to the one
 * whose {@link #channel()} the message names. Nothing is acknowledged or resent: a message may be lost, duplicated or
 * reordered, and the protocol on top must live with that.
 *
 * <p>Threading: called from the transport's delivery threads, never under a transport lock, possibly concurrently;
 * implementations must not block (hand the message to their own agent and return).
 */
public interface ControlReceiver {
    /** @return the channel this receiver takes, 1..{@value Transport#MAX_CONTROL_CHANNEL} */
    int channel();

    /**
     * A control message arrived.
     *
     * @param fromNode the sending node's id, as its handshake said
     * @param payload the message, at most {@link Transport#MAX_CONTROL_BYTES} bytes; owned by the receiver
     */
    void onControl(String fromNode, byte[] payload);
}
