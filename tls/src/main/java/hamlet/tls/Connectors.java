package hamlet.tls;

import hamlet.tls.internal.HandshakeFailures;
import hamlet.tls.internal.TlsOnPlainPort;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds the server connectors of the transport and of the admin API, so that both listen the same way: HTTP/1.1
 * in plain or in TLS, every refused handshake reported, and a bounded wait for a peer that opens a connection and
 * says nothing. Stateless.
 */
public final class Connectors {
    private Connectors() {
    }

    /**
     * A connector not yet opened or started; the caller sets host and port, opens it and adds it to the server.
     *
     * <p>With TLS, a connection becomes HTTP only once its handshake succeeded; a handshake that fails (no or an
     * untrusted certificate, not TLS at all) is reported and the connection closed. Without TLS, a peer that starts
     * a TLS handshake is reported and closed at once instead of being answered with an HTTP error it cannot read.
     * SNI is neither required nor checked: nodes dial each other by IP address.
     *
     * @param server the server it belongs to
     * @param tls a factory from {@link TlsService}, or {@code null} for plain HTTP; added unmanaged, so that
     *     stopping the connector leaves it running for the next one
     * @param idleTimeoutMs how long a connection may stay silent before Jetty closes it; until the application
     *     takes over a connection (a WebSocket upgrade sets its own), this bounds a stalled TLS handshake
     * @param refusals told of each refusal
     * @return the connector
     */
    public static ServerConnector server(final Server server, final SslContextFactory.Server tls,
                                         final long idleTimeoutMs, final HandshakeRefusals refusals) {
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        final ServerConnector connector;
        if (tls != null) {
            final SecureRequestCustomizer secure = new SecureRequestCustomizer(false, false, -1, false);
            http.addCustomizer(secure);
            final SslConnectionFactory ssl = new SslConnectionFactory(tls, "http/1.1");
            ssl.unmanage(tls);
            connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
            connector.addBean(handshakeListener(refusals));
        } else {
            connector = new ServerConnector(server,
                new DetectorConnectionFactory(new TlsOnPlainPort(refusals)), new HttpConnectionFactory(http));
        }
        connector.setIdleTimeout(idleTimeoutMs);
        return connector;
    }

    /**
     * @param refusals told of each failed handshake, with its reason
     * @return a listener to add as a bean to a server connector, or on the dialing side to the Jetty
     *     {@code HttpClient} (whose beans its SSL connections read; a {@code ClientConnector}'s are not)
     */
    public static SslHandshakeListener handshakeListener(final HandshakeRefusals refusals) {
        return new SslHandshakeListener() {
            @Override
            public void handshakeFailed(final Event event, final Throwable failure) {
                report(refusals, event.getEndPoint() != null
                    ? String.valueOf(event.getEndPoint().getRemoteSocketAddress()) : "?", failure);
            }
        };
    }

    /**
     * Sorts a failure the handshake listener never sees into the same reasons: in TLS 1.3 a client has finished its
     * handshake before the server judges its certificate, so the server's refusal arrives as an alert on the
     * client's first read.
     *
     * @param refusals told of it with its reason
     * @param remote the peer's address, or the URL dialed
     * @param failure what the TLS stack threw
     */
    public static void report(final HandshakeRefusals refusals, final String remote, final Throwable failure) {
        HandshakeFailures.report(refusals, remote, failure);
    }
}
