package hamlet.transport.internal;

import hamlet.transport.internal.ProtocolException.Reason;

import java.util.regex.Pattern;

/**
 * What each side says first on a connection: protocol version (the frame's version byte), cluster name, node id,
 * incarnation, and the URL it can be dialed at.
 *
 * @param cluster the cluster name
 * @param nodeId the sender's node id
 * @param incarnation the sender's incarnation (its start time in ms: larger after every restart)
 * @param url where the sender listens, e.g. {@code ws://127.0.0.1:7701/hamlet}; empty when unknown
 */
public record Handshake(String cluster, String nodeId, long incarnation, String url) {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    /**
     * Checks a peer's handshake against this node.
     *
     * @param ownCluster this node's cluster name
     * @param ownNodeId this node's id
     * @param knownIncarnation the peer's incarnation seen before, 0 if none
     * @throws ProtocolException WRONG_CLUSTER, BAD_NODE_ID or STALE_INCARNATION
     */
    public void check(final String ownCluster, final String ownNodeId, final long knownIncarnation)
        throws ProtocolException {
        if (!ownCluster.equals(cluster)) {
            throw new ProtocolException(Reason.WRONG_CLUSTER,
                "peer is in cluster '" + cluster + "', this node is in '" + ownCluster + "'");
        }
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new ProtocolException(Reason.BAD_NODE_ID, "peer node id '" + nodeId + "' is not valid");
        }
        if (nodeId.equals(ownNodeId)) {
            throw new ProtocolException(Reason.BAD_NODE_ID, "peer claims this node's own id '" + nodeId + "'");
        }
        if (incarnation <= 0) {
            throw new ProtocolException(Reason.MALFORMED, "incarnation must be > 0, got " + incarnation);
        }
        if (incarnation < knownIncarnation) {
            throw new ProtocolException(Reason.STALE_INCARNATION, "peer " + nodeId + " incarnation " + incarnation
                + " is older than " + knownIncarnation + " seen before");
        }
    }
}
