package hamlet.gossip.internal.osgi;

import hamlet.api.cluster.SeedAddress;

/**
 * Node URLs in the one form membership compares and gossips: the transport's, {@code ws://host:port/hamlet}, or
 * {@code wss://host:port/hamlet} when links use TLS. A member's URL, this node's own and the seeds must all be in
 * that form, or a seed would not be recognised as a member (nor this node as its own seed).
 *
 * <p>The rules are the transport's ({@code TransportSettings.canonicalSeed}): with TLS, {@code host:port} and
 * {@code ws://} become {@code wss://}; without it, {@code wss://} is refused rather than turned into clear text.
 * {@link SeedAddress} knows {@code ws://} only, so the scheme is decided here. Stateless.
 */
final class NodeUrls {
    private static final String PLAIN = "ws://";
    private static final String SECURE = "wss://";

    private NodeUrls() {
    }

    /**
     * @param seed {@code host:port}, {@code ws://host:port}, {@code ws://host:port/hamlet}, or the same with
     *     {@code wss://}
     * @param tls whether this node's links use TLS
     * @return the canonical URL
     * @throws IllegalArgumentException when it is none of these, or {@code wss://} without TLS
     */
    static String canonical(final String seed, final boolean tls) {
        final boolean secure = seed != null && seed.regionMatches(true, 0, SECURE, 0, SECURE.length());
        final String plain = SeedAddress.canonical(secure ? PLAIN + seed.substring(SECURE.length()) : seed);
        if (secure && !tls) {
            throw new IllegalArgumentException("'" + seed + "' is a TLS address, but this node does not use TLS"
                + " (hamlet.tls.enabled = false): enable TLS on every node, or write it host:port");
        }
        return tls ? SECURE + plain.substring(PLAIN.length()) : plain;
    }

    /**
     * @param host a host name or IP address
     * @param port a port
     * @param tls whether this node's links use TLS
     * @return the node's canonical URL
     */
    static String of(final String host, final int port, final boolean tls) {
        final String plain = SeedAddress.of(host, port);
        return tls ? SECURE + plain.substring(PLAIN.length()) : plain;
    }
}
