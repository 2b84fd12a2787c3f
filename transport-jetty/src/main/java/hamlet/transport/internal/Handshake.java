package hamlet.transport.internal;

import hamlet.transport.internal.ProtocolException.Reason;

import java.util.regex.Pattern;

/**
 * What each side says first on a connection: protocol version (the frame's version byte), cluster name, node id,
 * uid, and the URL it can be dialed at.
 *
 * <p>The uid is random per start of a node: two handshakes with the same node id and uid come from the same process,
 * a different uid means the node restarted (or someone else claims its id). It is compared for equality only, never
 * for order, so no value a peer sends can rank above the real node's.
 *
 * @param cluster the cluster name
 * @param nodeId the sender's node id
 * @param uid the sender's per-start id, never 0
 * @param url where the sender listens, e.g. {@code ws://127.0.0.1:7701/hamlet}; empty when unknown
 */
public record Handshake(String cluster, String nodeId, long uid, String url) {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    private static final int SHOWN_CHARS = 64;

    /**
     * Checks a peer's handshake against this node.
     *
     * @param ownCluster this node's cluster name
     * @param ownNodeId this node's id
     * @throws ProtocolException WRONG_CLUSTER, BAD_NODE_ID or MALFORMED
     */
    public void check(final String ownCluster, final String ownNodeId) throws ProtocolException {
        if (!ownCluster.equals(cluster)) {
            throw new ProtocolException(Reason.WRONG_CLUSTER,
                "peer is in cluster " + shown(cluster) + ", this node is in '" + ownCluster + "'");
        }
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new ProtocolException(Reason.BAD_NODE_ID, "peer node id " + shown(nodeId) + " is not valid");
        }
        if (nodeId.equals(ownNodeId)) {
            throw new ProtocolException(Reason.BAD_NODE_ID, "peer claims this node's own id '" + nodeId + "'");
        }
        if (uid == 0) {
            throw new ProtocolException(Reason.MALFORMED, "uid must not be 0");
        }
    }

    /**
     * A peer's text made safe for one log line: quoted, control characters escaped, cut to a few dozen characters,
     * so that a handshake cannot forge log lines or flood the log.
     *
     * @param text what the peer sent
     * @return the text as it may be shown
     */
    static String shown(final String text) {
        final StringBuilder out = new StringBuilder(Math.min(text.length(), SHOWN_CHARS) + 8).append('\'');
        for (int i = 0; i < text.length() && i < SHOWN_CHARS; i++) {
            final char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\'' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > SHOWN_CHARS) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
