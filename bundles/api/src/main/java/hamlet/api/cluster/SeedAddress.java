package hamlet.api.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one form of a node's address that every bundle compares: {@code ws://host:port/hamlet}, so that
 * {@code 127.0.0.1:7701}, {@code ws://127.0.0.1:7701} and {@code ws://127.0.0.1:7701/hamlet} name one node.
 */
public final class SeedAddress {
    /** The path of a node's WebSocket endpoint. */
    public static final String PATH = "/hamlet";
    /** The forms accepted, for error messages. */
    public static final String FORMS = "ws://host:port, host:port or ws://host:port" + PATH;

    private SeedAddress() {
    }

    /**
     * @param seed {@code ws://host:port}, {@code host:port} or {@code ws://host:port/hamlet}
     * @return the canonical URL, host in lower case, an IPv6 address in brackets
     * @throws IllegalArgumentException naming the value and the forms accepted
     */
    public static String canonical(final String seed) {
        final String refused = "'" + seed + "' is not a node address; write " + FORMS;
        if (seed == null || seed.isBlank() || !seed.strip().equals(seed)) {
            throw new IllegalArgumentException(refused);
        }
        // Without a scheme "host:port" would parse as scheme "host"; with one prepended, the URI parser does the
        // host, bracketed IPv6 and port syntax for both forms alike.
        final String url = seed.contains("://") ? seed : "ws://" + seed;
        final URI uri;
        try {
            uri = new URI(url);
        } catch (final URISyntaxException e) {
            throw new IllegalArgumentException(refused, e);
        }
        final String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null
            || uri.getPort() < 1 || uri.getPort() > 65535 || uri.getRawQuery() != null
            || uri.getRawFragment() != null || !(path.isEmpty() || "/".equals(path) || PATH.equals(path))) {
            throw new IllegalArgumentException(refused);
        }
        return "ws://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort() + PATH;
    }

    /**
     * @param host a host name or IP address (IPv6 with or without brackets)
     * @param port a port
     * @return the node's canonical URL
     */
    public static String of(final String host, final int port) {
        final String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "ws://" + h.toLowerCase(Locale.ROOT) + ":" + port + PATH;
    }
}
