package hamlet.tls.internal;

import hamlet.tls.ca.CaFiles;
import hamlet.tls.ca.CertificateAuthority;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A cluster CA and node files in a folder, and settings that point at them. */
final class TlsFixture {
    static final List<String> SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");

    final Path dir;
    final CertificateAuthority ca;

    TlsFixture(final Path dir) throws IOException {
        this.dir = dir;
        this.ca = CaFiles.init(dir, "test", Instant.now().minusSeconds(300), Instant.now().plus(Duration.ofDays(30)));
    }

    CertificateAuthority.Issued node(final String id) throws IOException {
        return CaFiles.issueNode(ca, dir, id, List.of("localhost", "127.0.0.1"), Instant.now().minusSeconds(300),
            Instant.now().plus(Duration.ofDays(10)), false);
    }

    CertificateAuthority.Issued renew(final String id) throws IOException {
        return CaFiles.issueNode(ca, dir, id, List.of("localhost", "127.0.0.1"), Instant.now().minusSeconds(300),
            Instant.now().plus(Duration.ofDays(10)), true);
    }

    TlsSettings settings(final String id) {
        return new TlsSettings(true, id, CaFiles.nodeCert(dir, id), CaFiles.nodeKey(dir, id), dir.resolve("ca.crt"),
            new char[0], List.of("TLSv1.3"), SUITES, Duration.ofSeconds(2), Duration.ofDays(14));
    }
}
