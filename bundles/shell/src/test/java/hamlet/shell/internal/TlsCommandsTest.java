package hamlet.shell.internal;

import hamlet.api.NodeIdentity;
import hamlet.api.transport.Transport;
import hamlet.testkit.FakeTransport;
import hamlet.tls.CertificateInfo;
import hamlet.tls.TlsService;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TlsCommandsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final CertificateInfo NODE = new CertificateInfo(CertificateInfo.NODE, "CN=node1,O=Hamlet",
        List.of("urn:hamlet:node:node1", "127.0.0.1"), "AB:CD:EF", Instant.parse("2026-02-01T00:00:00Z"),
        Instant.parse("2026-03-31T00:00:00Z"), "/opt/hamlet/conf/tls/node1.crt");
    private static final CertificateInfo CA = new CertificateInfo(CertificateInfo.CA, "CN=village", List.of(),
        "01:02:03", Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2027-03-01T12:00:00Z"),
        "/opt/hamlet/conf/tls/ca.crt");

    private final AtomicReference<TlsService> tls = new AtomicReference<>(new FixedTls(true, List.of(NODE, CA)));
    private final FakeTransport transport = new FakeTransport();
    private final AtomicReference<Transport> transportService = new AtomicReference<>(transport);
    private final AtomicReference<NodeIdentity> identity =
        new AtomicReference<>(new NodeIdentity("node1", "127.0.0.1", 7701, 1L));
    private final TlsCommands commands = new TlsCommands(tls::get, transportService::get, identity::get,
        Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldShowTheCertificatesInUseWithDaysLeftAndTheRefusedHandshakes() {
        transport.counter("refused.tls.untrusted-certificate", 2).counter("refused.tls.not-tls", 1)
            .counter("envelopes.sent", 9);
        assertEquals(""
                + "TLS is on on node node1 (hamlet.tls.enabled = true): links are wss://, each side shows a"
                + " certificate from a trusted CA naming its node\n"
                + "node certificate  CN=node1,O=Hamlet\n"
                + "  names           urn:hamlet:node:node1, 127.0.0.1\n"
                + "  sha-256         AB:CD:EF\n"
                + "  valid           2026-02-01T00:00:00Z to 2026-03-31T00:00:00Z, expires in 29 days\n"
                + "  file            /opt/hamlet/conf/tls/node1.crt\n"
                + "trusted CA        CN=village\n"
                + "  names           -\n"
                + "  sha-256         01:02:03\n"
                + "  valid           2025-01-01T00:00:00Z to 2027-03-01T12:00:00Z, expires in 365 days\n"
                + "  file            /opt/hamlet/conf/tls/ca.crt\n"
                + "file changes taken without a restart: 3, refused (the last good files kept): 1\n"
                + "handshakes refused by the transport:\n"
                + "  refused.tls.not-tls                1\n"
                + "  refused.tls.untrusted-certificate  2\n",
            commands.show());
    }

    @Test
    void shouldSayTlsIsOffWithoutCertificates() {
        tls.set(new FixedTls(false, List.of()));
        identity.set(null);
        assertEquals("TLS is off on this node (hamlet.tls.enabled = false): links are plain ws://, no certificates"
            + " in use\nhandshakes refused by the transport: none\n", commands.show());
    }

    @Test
    void shouldSayWhatIsMissing() {
        transportService.set(null);
        assertEquals(true, commands.show().endsWith("no transport: the hamlet.transport.jetty bundle is not"
            + " running, so no handshake counts\n"));
        tls.set(null);
        assertEquals("cluster:tls: the TLS service is not available: the hamlet.tls bundle is not running",
            assertThrows(CommandException.class, commands::show).getMessage());
    }

    @Test
    void shouldCountWholeDaysAndSayWhenACertificateHasExpired() {
        assertEquals("expires in 0 days", TlsCommands.expiry(NOW.plus(Duration.ofHours(23)), NOW));
        assertEquals("expires in 1 day", TlsCommands.expiry(NOW.plus(Duration.ofHours(25)), NOW));
        assertEquals("EXPIRED today", TlsCommands.expiry(NOW.minus(Duration.ofHours(1)), NOW));
        assertEquals("EXPIRED 1 day ago", TlsCommands.expiry(NOW.minus(Duration.ofHours(25)), NOW));
        assertEquals("EXPIRED 3 days ago", TlsCommands.expiry(NOW.minus(Duration.ofDays(3)), NOW));
    }

    /** A TlsService that shows what it was given; hands out no factory. */
    static final class FixedTls implements TlsService {
        private final boolean enabled;
        private final List<CertificateInfo> certificates;

        FixedTls(final boolean enabled, final List<CertificateInfo> certificates) {
            this.enabled = enabled;
            this.certificates = certificates;
        }

        @Override
        public boolean enabled() {
            return enabled;
        }

        @Override
        public SslContextFactory.Server linkServer() {
            return null;
        }

        @Override
        public SslContextFactory.Client linkClient() {
            return null;
        }

        @Override
        public SslContextFactory.Server adminServer() {
            return null;
        }

        @Override
        public List<CertificateInfo> certificates() {
            return certificates;
        }

        @Override
        public long reloads() {
            return enabled ? 3 : 0;
        }

        @Override
        public long refusedReloads() {
            return enabled ? 1 : 0;
        }
    }
}
