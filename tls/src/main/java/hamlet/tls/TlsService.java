package hamlet.tls;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.util.List;

/**
 * TLS for this node, as section {@code hamlet.tls} configures it. An OSGi service of the tls bundle, always
 * registered: with {@code hamlet.tls.enabled = false} it says so and hands out no factory.
 *
 * <p>The factories are started by this service and shared: a caller must not stop them, and {@link Connectors}
 * adds them to Jetty unmanaged, so that stopping a connector leaves them running. They are reloaded in place when
 * the files change. Thread-safe.
 */
public interface TlsService {
    /**
     * @return whether links use TLS ({@code hamlet.tls.enabled}); read when the node starts: an edit of it takes
     *     effect at the next start
     */
    boolean enabled();

    /**
     * @return for accepting node links: this node's certificate, a client certificate from a trusted CA required,
     *     the configured protocols and suites, no renegotiation; {@code null} when not {@link #enabled()}
     */
    SslContextFactory.Server linkServer();

    /**
     * @return for dialing node links: this node's certificate as client certificate, the peer's chain checked
     *     against the trusted CAs. Host names are not checked: the peer's node id is, by the transport, against
     *     {@link NodeCertificates#nodeIdOf}. {@code null} when not {@link #enabled()}
     */
    SslContextFactory.Client linkClient();

    /**
     * @return for the admin API's HTTPS: this node's certificate, no client certificate asked for (the API takes a
     *     bearer token); {@code null} when not {@link #enabled()}
     */
    SslContextFactory.Server adminServer();

    /** @return the certificates in use: this node's first, then each trusted CA; empty when not enabled */
    List<CertificateInfo> certificates();

    /** @return how many times changed files were taken without a restart */
    long reloads();

    /** @return how many times changed files were refused (the last good ones kept in use) */
    long refusedReloads();
}
