package hamlet.transport.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections open now, counted in total and by remote address, against {@code max-connections} and
 * {@code max-connections-per-address}: a peer that opens sockets without end must not take every descriptor of the
 * node. Connections this node dialed count in the total but are never refused (it bounds its own dials).
 *
 * <p>Threading: any thread (Jetty's, as connections open and close).
 */
final class Connections {
    private final Set<WebSocketEndpoint> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    /**
     * Counts a connection that opened.
     *
     * @param endpoint the connection
     * @param settings the limits
     * @return {@code null} when it may go on, else why not (it is counted all the same: {@link #closed} releases it)
     */
    String opened(final WebSocketEndpoint endpoint, final TransportSettings settings) {
        final AtomicInteger fromHost = byAddress.computeIfAbsent(endpoint.remoteHost(), h -> new AtomicInteger());
        final int all = total.incrementAndGet();
        final int here = fromHost.incrementAndGet();
        open.add(endpoint);
        if (endpoint.isDialed()) {
            return null;
        }
        if (all > settings.maxConnections()) {
            return "more than " + settings.maxConnections() + " connections (hamlet.transport.max-connections)";
        }
        if (here > settings.maxConnectionsPerAddress()) {
            return "more than " + settings.maxConnectionsPerAddress() + " connections from " + endpoint.remoteHost()
                + " (hamlet.transport.max-connections-per-address)";
        }
        return null;
    }

    /** @param endpoint a connection that closed; released once, whatever calls this how often */
    void closed(final WebSocketEndpoint endpoint) {
        if (!open.remove(endpoint)) {
            return;
        }
        total.decrementAndGet();
        final AtomicInteger fromHost = byAddress.get(endpoint.remoteHost());
        if (fromHost != null && fromHost.decrementAndGet() <= 0) {
            byAddress.remove(endpoint.remoteHost(), fromHost);
        }
    }

    /** @return how many are open */
    int count() {
        return total.get();
    }

    /** @return the connections open now (a copy) */
    Set<WebSocketEndpoint> all() {
        return Set.copyOf(open);
    }
}
