package hamlet.transport.internal;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnectionLimit;

/**
 * Bounds the connections one listener holds at once, {@code hamlet.transport.max-accepted-connections}: at the
 * bound it stops accepting (new connections wait in the kernel's backlog) until one closes. The transport's own
 * {@code max-connections} check runs only once a connection is a WebSocket; this one covers what comes before, so a
 * flood of connections that never finish their TLS handshake (each closed after handshake-timeout) cannot take every
 * file descriptor of the node. Links already up are not touched. Jetty's own class, told of each change of state.
 *
 * <p>Threading: Jetty calls {@link #limit} and {@link #unlimit} on its selector threads under its lock; the callback
 * must be quick.
 */
final class AcceptLimit extends NetworkConnectionLimit {
    /** Told when accepting stops ({@code true}) and starts again, with the connections open then. */
    @FunctionalInterface
    interface Listener {
        void paused(boolean paused, int open);
    }

    private final Listener listener;

    AcceptLimit(final int max, final Connector connector, final Listener listener) {
        super(max, connector);
        this.listener = listener;
    }

    @Override
    protected void limit() {
        super.limit();
        listener.paused(true, getNetworkConnectionCount() + getPendingNetworkConnectionCount());
    }

    @Override
    protected void unlimit() {
        super.unlimit();
        listener.paused(false, getNetworkConnectionCount() + getPendingNetworkConnectionCount());
    }
}
