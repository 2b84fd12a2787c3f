package hamlet.shell.internal;

import hamlet.api.NodeIdentity;
import hamlet.api.transport.Transport;
import hamlet.tls.CertificateInfo;
import hamlet.tls.TlsService;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@code cluster:tls} command without Gogo: whether links use TLS, the certificates in use with when they
 * expire, how the file reloads went, and the handshakes the transport refused. What {@code GET /api/node} shows
 * under {@code tls}, for an operator at the console. Threading: a shell session's thread; reads snapshots.
 */
final class TlsCommands {
    /** The bundle that provides TLS, named when it is absent. */
    static final String TLS_BUNDLE = "hamlet.tls";
    /** The transport counters shown here: its refused handshakes, by reason. */
    private static final String REFUSED_TLS = "refused.tls.";

    private final Supplier<TlsService> tls;
    private final Supplier<Transport> transport;
    private final Supplier<NodeIdentity> identity;
    private final Clock clock;

    /**
     * @param tls the tls bundle's service, or a supplier of {@code null} while it is absent
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     * @param clock for the days left before each certificate expires
     */
    TlsCommands(final Supplier<TlsService> tls, final Supplier<Transport> transport,
                final Supplier<NodeIdentity> identity, final Clock clock) {
        this.tls = tls;
        this.transport = transport;
        this.identity = identity;
        this.clock = clock;
    }

    /**
     * @return one line saying whether TLS is on; with it on, a block per certificate (this node's first, then each
     *     trusted CA: subject, names, SHA-256, validity and days left, file) and the reload counts; then the
     *     transport's refused handshakes by reason, when there were any
     */
    String show() {
        final TlsService running = tls.get();
        if (running == null) {
            throw new CommandException("cluster:tls", "the TLS service is not available: the " + TLS_BUNDLE
                + " bundle is not running");
        }
        final NodeIdentity self = identity.get();
        final String node = self == null ? "this node" : "node " + self.id();
        final StringBuilder text = new StringBuilder();
        if (!running.enabled()) {
            text.append("TLS is off on ").append(node).append(" (hamlet.tls.enabled = false): links are plain ws://,"
                + " no certificates in use\n");
        } else {
            text.append("TLS is on on ").append(node).append(" (hamlet.tls.enabled = true): links are wss://, each"
                + " side shows a certificate from a trusted CA naming its node\n");
            final Instant now = clock.instant();
            for (final CertificateInfo certificate : running.certificates()) {
                block(text, certificate, now);
            }
            text.append("file changes taken without a restart: ").append(running.reloads())
                .append(", refused (the last good files kept): ").append(running.refusedReloads()).append('\n');
        }
        refusals(text);
        return text.toString();
    }

    private static void block(final StringBuilder text, final CertificateInfo certificate, final Instant now) {
        final String title = CertificateInfo.NODE.equals(certificate.role()) ? "node certificate" : "trusted CA";
        text.append(String.format("%-18s%s\n", title, certificate.subject()));
        text.append(String.format("  %-16s%s\n", "names",
            certificate.names().isEmpty() ? "-" : String.join(", ", certificate.names())));
        text.append(String.format("  %-16s%s\n", "sha-256", certificate.sha256()));
        text.append(String.format("  %-16s%s to %s, %s\n", "valid", certificate.notBefore(), certificate.notAfter(),
            expiry(certificate.notAfter(), now)));
        text.append(String.format("  %-16s%s\n", "file", certificate.file()));
    }

    /** @return "expires in N days" or "EXPIRED N days ago", whole days */
    static String expiry(final Instant notAfter, final Instant now) {
        if (notAfter.isBefore(now)) {
            final long ago = Duration.between(notAfter, now).toDays();
            return "EXPIRED " + (ago == 0 ? "today" : ago + (ago == 1 ? " day ago" : " days ago"));
        }
        final long days = Duration.between(now, notAfter).toDays();
        return "expires in " + days + (days == 1 ? " day" : " days");
    }

    private void refusals(final StringBuilder text) {
        final Transport links = transport.get();
        if (links == null) {
            text.append("no transport: the hamlet.transport.jetty bundle is not running, so no handshake counts\n");
            return;
        }
        final Map<String, Long> refused = new TreeMap<>();
        links.counters().forEach((name, value) -> {
            if (name.startsWith(REFUSED_TLS) && value > 0) {
                refused.put(name, value);
            }
        });
        if (refused.isEmpty()) {
            text.append("handshakes refused by the transport: none\n");
            return;
        }
        text.append("handshakes refused by the transport:\n");
        final int width = refused.keySet().stream().mapToInt(String::length).max().orElse(0);
        refused.forEach((name, value) -> text.append("  ").append(name).append(" ".repeat(width - name.length() + 2))
            .append(value).append('\n'));
    }
}
