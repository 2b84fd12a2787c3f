package hamlet.transport.internal;

/**
 * A peer broke the wire protocol. Carries a {@link Reason} that names the rule, is counted per reason, and becomes
 * the close reason of that one connection; the transport goes on serving every other peer.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a connection was refused or closed. Counted per value; names are shown to operators. */
    public enum Reason {
        /** The frame does not start with the magic value: not a Hamlet peer. */
        BAD_MAGIC,
        /** The frame's version byte is one this node does not speak. */
        BAD_VERSION,
        /** The frame's type id is unknown. */
        UNKNOWN_TYPE,
        /** The frame ends before its fields do. */
        TRUNCATED,
        /** A length or count is impossible (negative, past a bound, bytes left over, bad UTF-8). */
        MALFORMED,
        /** The frame is larger than {@code hamlet.transport.max-frame}. */
        FRAME_TOO_LARGE,
        /** An envelope is larger than {@code hamlet.transport.max-envelope}. */
        ENVELOPE_TOO_LARGE,
        /** Something other than a handshake came first. */
        NOT_HANDSHAKE_FIRST,
        /** A second handshake on a connection that already had one. */
        HANDSHAKE_REPEATED,
        /** The peer belongs to another cluster. */
        WRONG_CLUSTER,
        /** The peer claims this node's own id, or an id that is not valid. */
        BAD_NODE_ID,
        /**
         * The peer's node id already has a live link from another process (another uid): a live, heartbeating link is
         * never taken over; a restarted node is let in once the old link is down.
         */
        NODE_ALREADY_LINKED,
        /** This node keeps as many links to unconfigured peers as hamlet.transport.max-unknown-peers allows. */
        TOO_MANY_PEERS,
        /** A text frame: this protocol is binary only. */
        TEXT_FRAME,
        /** The handshake did not arrive in time. */
        HANDSHAKE_TIMEOUT,
        /** Over hamlet.transport.max-connections, or max-connections-per-address for the remote address. */
        TOO_MANY_CONNECTIONS,
        /**
         * With TLS: the handshake names another node than the peer's certificate does (or the certificate names no
         * node): a node holding a valid certificate of its own must not speak for another.
         */
        CERTIFICATE_MISMATCH
    }

    private final Reason reason;

    /**
     * @param reason the rule that was broken
     * @param message what exactly, for the log and the close reason
     */
    public ProtocolException(final Reason reason, final String message) {
        super(message);
        this.reason = reason;
    }

    /** @return the rule that was broken */
    public Reason reason() {
        return reason;
    }
}
