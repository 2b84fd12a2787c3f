/**
 * The tls bundle's service: TLS for the node's links and its admin API, with Bouncy Castle's JSSE provider
 * (BCJSSE), configured from section {@code hamlet.tls} and the cluster CA's files that {@code bin/hamlet certs}
 * writes.
 *
 * <p>The contract. A node's certificate names its node id in a URI subject alternative name
 * {@code urn:hamlet:node:<id>} ({@link NodeCertificates}); a peer is who its certificate says, whatever it claims in
 * a handshake. The {@link TlsService} hands out Jetty {@code SslContextFactory}s that it started itself and keeps
 * up to date: when the node's certificate, key or CA bundle files change, every factory is reloaded and new
 * connections use the new files, while existing ones go on. {@link Connectors} builds the server connectors of both
 * the transport and the admin API, and reports every refused TLS handshake to a {@link HandshakeRefusals}.
 */
@Export
@Version("1.0.0")
package hamlet.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
