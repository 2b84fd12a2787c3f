package hamlet.transport.internal;

import hamlet.tls.HandshakeRefusals;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.thread.Scheduler;

import javax.net.ssl.SSLEngine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes, and reports, each accepted TLS connection whose handshake has not ended within the handshake timeout: a
 * peer that opened a connection and said nothing, or stalled half way through its ClientHello.
 *
 * <p>Jetty's idle timeout (the connector's, also the handshake timeout) closes such a connection too, but tells no
 * handshake listener, and was seen to wait twice the timeout for connections accepted while the listener was at
 * max-accepted-connections, so this holds its own deadline. A connection whose handshake succeeded or failed (that
 * one is reported by {@link hamlet.tls.Connectors}) is left alone; one the peer closes before the deadline (a port
 * scan) is not a refusal and is not reported.
 *
 * <p>Added to a TLS connector as an event listener (connections opening and closing) and a bean (handshakes ending).
 * Threading: Jetty's threads and its scheduler, any number at once; each connection's outcome is decided once.
 */
final class StalledHandshakes implements Connection.Listener, SslHandshakeListener {
    /** One accepted connection whose handshake is being waited for. */
    private static final class Watch {
        private final String remote;
        private final long openedNs;
        /** Set once, by whichever comes first: the handshake's end, the deadline, or the close. */
        private final AtomicBoolean decided = new AtomicBoolean();
        private volatile Scheduler.Task deadline;

        private Watch(final String remote, final long openedNs) {
            this.remote = remote;
            this.openedNs = openedNs;
        }

        private void cancel() {
            final Scheduler.Task task = deadline;
            if (task != null) {
                task.cancel();
            }
        }
    }

    private final Connector connector;
    private final HandshakeRefusals refusals;
    private final Map<SSLEngine, Watch> watches = new ConcurrentHashMap<>();
    private volatile long timeoutMs;

    /**
     * @param connector whose scheduler times the deadlines
     * @param timeoutMs the handshake timeout
     * @param refusals told of each stalled handshake closed, as {@link HandshakeRefusals#FAILED}
     */
    StalledHandshakes(final Connector connector, final long timeoutMs, final HandshakeRefusals refusals) {
        this.connector = connector;
        this.timeoutMs = timeoutMs;
        this.refusals = refusals;
    }

    /** @param ms the handshake timeout after a live edit, for connections accepted from now on */
    void timeoutMs(final long ms) {
        this.timeoutMs = ms;
    }

    @Override
    public void onOpened(final Connection connection) {
        if (!(connection instanceof SslConnection)) {
            return;
        }
        final SslConnection ssl = (SslConnection) connection;
        final Watch watch = new Watch(String.valueOf(ssl.getEndPoint().getRemoteSocketAddress()), System.nanoTime());
        watches.put(ssl.getSSLEngine(), watch);
        // Opened before a byte of it is read, so no handshake can have ended before this deadline is set.
        watch.deadline = connector.getScheduler().schedule(() -> expire(ssl, watch), timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void expire(final SslConnection ssl, final Watch watch) {
        if (watch.decided.compareAndSet(false, true)) {
            report(watch);
            ssl.getEndPoint().close();
        }
    }

    @Override
    public void handshakeSucceeded(final Event event) {
        ended(event.getSSLEngine());
    }

    @Override
    public void handshakeFailed(final Event event, final Throwable failure) {
        ended(event.getSSLEngine());
    }

    private void ended(final SSLEngine engine) {
        final Watch watch = watches.get(engine);
        if (watch != null && watch.decided.compareAndSet(false, true)) {
            watch.cancel();
        }
    }

    @Override
    public void onClosed(final Connection connection) {
        if (!(connection instanceof SslConnection)) {
            return;
        }
        final Watch watch = watches.remove(((SslConnection) connection).getSSLEngine());
        if (watch == null) {
            return;
        }
        watch.cancel();
        // Closed undecided at the deadline's time: Jetty's idle timeout beat the deadline to it.
        final long ageMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - watch.openedNs);
        if (ageMs >= timeoutMs - timeoutMs / 10 && watch.decided.compareAndSet(false, true)) {
            report(watch);
        }
    }

    private void report(final Watch watch) {
        try {
            refusals.refused(HandshakeRefusals.FAILED, watch.remote, "no TLS handshake within " + timeoutMs
                + " ms (hamlet.transport.handshake-timeout)");
        } catch (final RuntimeException ignored) {
            // Counting must not change how the connection is closed.
        }
    }
}
