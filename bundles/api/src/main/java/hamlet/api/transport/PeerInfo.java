package hamlet.api.transport;

/**
 * A snapshot of one peer, for operators.
 *
 * @param node the peer's node id ({@code null} until its handshake said, for a seed not yet reached)
 * @param url where this node reaches it, e.g. {@code ws://127.0.0.1:7702/hamlet}
 * @param state where the link is
 * @param uid the peer's per-start id from its last handshake (random, compared only for equality), 0 before any
 * @param outbox envelopes waiting or unacknowledged
 * @param sent envelopes sent since start
 * @param received envelopes received since start
 */
public record PeerInfo(String node, String url, State state, long uid, int outbox, long sent,
                       long received) {
    /** Where a link is. */
    public enum State {
        /** Trying to connect or handshake; envelopes wait in the outbox. */
        CONNECTING,
        /** Handshake done, envelopes flow. */
        UP,
        /** Not reachable now; reconnecting with backoff; envelopes wait in the outbox up to its bounds. */
        DOWN
    }
}
