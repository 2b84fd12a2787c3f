package hamlet.tools;

import hamlet.tls.ca.CaFiles;
import hamlet.tls.ca.CertificateAuthority;
import hamlet.tls.internal.Providers;
import hamlet.tls.internal.TlsMaterial;
import hamlet.tls.internal.TlsSettings;
import org.HdrHistogram.Histogram;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bench's TLS files and its handshake figure: a throwaway cluster CA with a certificate per bench node, and the
 * time a client on Bouncy Castle's JSSE (as a node dials) takes to connect and complete TLS 1.3 with mutual
 * certificates against a node's transport port: a full handshake (a new client context each time, nothing to
 * resume) and a resumed one (one context, its session ticket reused).
 */
final class TlsHandshakeProbe {
    private static final int HANDSHAKES = 200;
    private static final String PROBE_ID = "bench-probe";

    private TlsHandshakeProbe() {
    }

    /**
     * Writes a CA and a certificate for {@code node1..nodeN} and for the probe into {@code dir}.
     *
     * @return {@code dir}
     */
    static Path writeFiles(final Path dir, final int nodes) throws IOException {
        final Instant now = Instant.now();
        final CertificateAuthority ca = CaFiles.init(dir, "bench", now.minusSeconds(300), now.plus(Duration.ofDays(1)));
        for (int i = 1; i <= nodes; i++) {
            CaFiles.issueNode(ca, dir, "node" + i, List.of("127.0.0.1"), now.minusSeconds(300),
                now.plus(Duration.ofDays(1)), false);
        }
        CaFiles.issueNode(ca, dir, PROBE_ID, List.of("127.0.0.1"), now.minusSeconds(300), now.plus(Duration.ofDays(1)),
            false);
        return dir;
    }

    /** @return full and resumed handshake times in µs (p50, p99, max), against 127.0.0.1:port */
    static Map<String, Object> measure(final Path dir, final int port) throws IOException, GeneralSecurityException {
        Providers.ensure();
        final TlsMaterial material = TlsMaterial.load(new TlsSettings(true, PROBE_ID, CaFiles.nodeCert(dir, PROBE_ID),
            CaFiles.nodeKey(dir, PROBE_ID), dir.resolve(CaFiles.CA_CERT), new char[0], List.of("TLSv1.3"),
            List.of("TLS_AES_128_GCM_SHA256"), Duration.ofSeconds(2), Duration.ZERO), Instant.now());
        final Histogram full = new Histogram(3);
        final Histogram resumed = new Histogram(3);
        for (int i = 0; i < HANDSHAKES; i++) {
            full.recordValue(handshake(context(material), port));
        }
        final SSLContext shared = context(material);
        handshake(shared, port);
        for (int i = 0; i < HANDSHAKES; i++) {
            resumed.recordValue(handshake(shared, port));
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("fullUs", percentiles(full));
        out.put("resumedUs", percentiles(resumed));
        return out;
    }

    private static SSLContext context(final TlsMaterial material) throws GeneralSecurityException {
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", BouncyCastleJsseProvider.PROVIDER_NAME);
        kmf.init(material.keyStore(), TlsMaterial.STORE_PASSWORD.toCharArray());
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX",
            BouncyCastleJsseProvider.PROVIDER_NAME);
        tmf.init(material.trustStore());
        final SSLContext context = SSLContext.getInstance("TLSv1.3", BouncyCastleJsseProvider.PROVIDER_NAME);
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /** @return µs from connect to the end of the TLS handshake */
    private static long handshake(final SSLContext context, final int port) throws IOException {
        final long t0 = System.nanoTime();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, false)) {
                tls.setSoTimeout(5_000);
                tls.startHandshake();
                return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
            }
        }
    }

    private static Map<String, Object> percentiles(final Histogram h) {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", h.getTotalCount());
        out.put("p50", h.getValueAtPercentile(50));
        out.put("p99", h.getValueAtPercentile(99));
        out.put("max", h.getMaxValue());
        return out;
    }
}
