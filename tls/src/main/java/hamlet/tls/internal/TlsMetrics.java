package hamlet.tls.internal;

import hamlet.api.metrics.MetricWriter;
import hamlet.tls.CertificateInfo;
import hamlet.tls.TlsService;

import java.util.Map;
import java.util.TreeMap;

/**
 * The tls bundle's metrics: certificate reloads done and refused (the last good files kept), and per role (this
 * node's certificate, the trusted CAs) the seconds left until the soonest expiry, to alert on before links fail.
 *
 * <p>Threading: any thread; reads only.
 */
final class TlsMetrics {
    private TlsMetrics() {
    }

    /**
     * @param tls the TLS service
     * @param out where to write
     */
    static void collect(final TlsService tls, final MetricWriter out) {
        out.gauge("hamlet_tls_enabled", "1 when the node's links and admin HTTPS use TLS", tls.enabled() ? 1 : 0);
        out.counter("hamlet_tls_reloads", "Certificate and key files reloaded after they changed", tls.reloads());
        out.counter("hamlet_tls_reloads_refused", "Changed certificate files refused; the last good ones kept",
            tls.refusedReloads());
        final Map<String, Long> soonest = new TreeMap<>();
        for (final CertificateInfo certificate : tls.certificates()) {
            soonest.merge(certificate.role(), certificate.notAfter().toEpochMilli(), Math::min);
        }
        final long nowMs = System.currentTimeMillis();
        soonest.forEach((role, notAfterMs) -> out.gauge("hamlet_tls_certificate_expiry_seconds",
            "Seconds until the soonest expiry of a certificate in use, by role (negative: expired)",
            (notAfterMs - nowMs) / 1000.0, "role", role));
    }
}
