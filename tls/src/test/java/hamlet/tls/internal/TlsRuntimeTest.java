package hamlet.tls.internal;

import hamlet.tls.Connectors;
import hamlet.tls.HandshakeRefusals;
import hamlet.tls.NodeCertificates;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's factories behind a real Jetty connector, reached by clients on the JDK's own TLS provider (SunJSSE):
 * mutual TLS 1.3 between the two providers, the refusals counted by reason, and rotation in place.
 */
class TlsRuntimeTest {
    @TempDir
    Path dir;

    private final Map refusals = new Map();
    private Server server;
    private TlsRuntime runtime;

    /** Counts refusals by reason. */
    static final class Map implements HandshakeRefusals {
        final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

        @Override
        public void refused(final String reason, final String remote, final String detail) {
            counts.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
        }

        long get(final String reason) {
            final AtomicLong n = counts.get(reason);
            return n == null ? 0 : n.get();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (runtime != null) {
            runtime.stop();
        }
    }

    private int serve(final SslContextFactory.Server tls) throws Exception {
        server = new Server();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(final org.eclipse.jetty.server.Request request, final Response response,
                                  final org.eclipse.jetty.util.Callback callback) {
                response.setStatus(200);
                response.write(true, java.nio.ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        final ServerConnector connector = Connectors.server(server, tls, 5_000, refusals);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.start();
        return connector.getLocalPort();
    }

    /** A client on the JDK's provider: with node {@code id}'s files as its certificate, or none when null. */
    private SSLContext jdkClient(final TlsFixture f, final String id) throws Exception {
        final SSLContext context = SSLContext.getInstance("TLSv1.3", "SunJSSE");
        KeyManagerFactory kmf = null;
        if (id != null) {
            // Dates unchecked: a test may hand the node an expired client certificate on purpose.
            final TlsMaterial m = TlsMaterial.load(f.settings(id), null);
            kmf = KeyManagerFactory.getInstance("SunX509", "SunJSSE");
            kmf.init(m.keyStore(), TlsMaterial.STORE_PASSWORD.toCharArray());
        }
        final TlsMaterial trust = TlsMaterial.load(f.settings(id != null ? id : "node1"), null);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", "SunJSSE");
        tmf.init(trust.trustStore());
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /** @return the server's certificate, after a request answered 200 */
    private X509Certificate get(final SSLContext client, final int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            final OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private void awaitCount(final String reason, final long atLeast) throws InterruptedException {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (refusals.get(reason) < atLeast && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
        assertTrue(refusals.get(reason) >= atLeast, reason + " counted: " + refusals.counts);
    }

    @Test
    void aJdkClientWithANodeCertificateTalksTls13ToABcjsseNode() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        f.node("node2");
        runtime = TlsRuntime.start(f.settings("node1"), Instant.now());
        final int port = serve(runtime.linkServer());
        final X509Certificate seen = get(jdkClient(f, "node2"), port);
        assertEquals("node1", NodeCertificates.nodeIdOf(seen));
    }

    @Test
    void aClientWithoutACertificateIsRefusedAndCounted() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        runtime = TlsRuntime.start(f.settings("node1"), Instant.now());
        final int port = serve(runtime.linkServer());
        assertThrows(IOException.class, () -> get(jdkClient(f, null), port));
        awaitCount(HandshakeRefusals.NO_CERTIFICATE, 1);
    }

    @Test
    void plainBytesToATlsPortAreRefusedAsNotTls() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        runtime = TlsRuntime.start(f.settings("node1"), Instant.now());
        final int port = serve(runtime.linkServer());
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /hamlet HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // drain until the node closes it
            }
        }
        awaitCount(HandshakeRefusals.NOT_TLS, 1);
    }

    @Test
    void tlsToAPlainPortIsRefusedAsTlsToPlain() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        final int port = serve(null);
        assertThrows(IOException.class, () -> get(jdkClient(f, "node1"), port));
        awaitCount(HandshakeRefusals.TLS_TO_PLAIN, 1);
    }

    @Test
    void renewedFilesAreUsedForNewConnectionsAndABrokenSetIsRefused() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        f.node("node2");
        runtime = TlsRuntime.start(f.settings("node1"), Instant.now());
        final int port = serve(runtime.linkServer());
        final SSLContext client = jdkClient(f, "node2");
        final String before = TlsMaterial.fingerprint(get(client, port));
        assertFalse(runtime.check(Instant.now()), "nothing changed yet");

        final String renewed = TlsMaterial.fingerprint(f.renew("node1").certificate());
        assertTrue(runtime.check(Instant.now()));
        assertEquals(1, runtime.reloads());
        assertEquals(renewed, TlsMaterial.fingerprint(get(client, port)));
        assertEquals(renewed, runtime.certificates().get(0).sha256());
        assertNotEquals(before, renewed);

        // Half a rotation: node2's key beside node1's certificate. Refused once, the good set stays.
        Files.copy(hamlet.tls.ca.CaFiles.nodeKey(dir, "node2"), hamlet.tls.ca.CaFiles.nodeKey(dir, "node1"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertFalse(runtime.check(Instant.now()));
        assertFalse(runtime.check(Instant.now()));
        assertEquals(1, runtime.refusedReloads(), "one refusal per distinct broken set");
        assertEquals(renewed, TlsMaterial.fingerprint(get(client, port)));
    }

    @Test
    void aCaRolloverTrustsBothThenOnlyTheNew() throws Exception {
        final TlsFixture old = new TlsFixture(dir.resolve("old"));
        old.node("node1");
        final TlsFixture next = new TlsFixture(dir.resolve("next"));
        next.node("node2");
        // A client with a certificate of the old CA, made while that CA is still the one its folder trusts.
        old.node("node3");
        final SSLContext fromOld = jdkClientTrusting(old, "node3", next);
        // node1 trusts both CAs: node2's certificate from the new CA is accepted.
        Files.writeString(old.dir.resolve("ca.crt"), Pem.encode(old.ca.certificate(), next.ca.certificate()));
        runtime = TlsRuntime.start(old.settings("node1"), Instant.now());
        assertEquals(3, runtime.certificates().size());
        final int port = serve(runtime.linkServer());
        final SSLContext fromNext = jdkClientTrusting(next, "node2", old);
        get(fromNext, port);
        // Old CA dropped and node1 re-issued by the new one: old-CA clients are refused from now on.
        Files.writeString(old.dir.resolve("ca.crt"), Pem.encode(next.ca.certificate()));
        hamlet.tls.ca.CaFiles.issueNode(next.ca, old.dir, "node1", List.of("127.0.0.1"), Instant.now().minusSeconds(60),
            Instant.now().plusSeconds(86_400), true);
        assertTrue(runtime.check(Instant.now()));
        assertEquals(2, runtime.certificates().size());
        get(jdkClientTrusting(next, "node2", next), port);
        assertThrows(IOException.class, () -> get(fromOld, port));
        awaitCount(HandshakeRefusals.UNTRUSTED, 1);
    }

    private SSLContext jdkClientTrusting(final TlsFixture own, final String id, final TlsFixture trusted)
        throws Exception {
        final SSLContext context = SSLContext.getInstance("TLSv1.3", "SunJSSE");
        final TlsMaterial m = TlsMaterial.load(own.settings(id), Instant.now());
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509", "SunJSSE");
        kmf.init(m.keyStore(), TlsMaterial.STORE_PASSWORD.toCharArray());
        final java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted.ca.certificate());
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", "SunJSSE");
        tmf.init(trust);
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void aCertificateCloseToItsExpiryIsWarnedOfOnceADay() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        // The node's certificate has 10 days left and warn-before is 14 days.
        runtime = TlsRuntime.start(f.settings("node1"), Instant.now());
        final Instant now = Instant.now();
        runtime.check(now);
        assertEquals(1, runtime.expiryWarnings());
        runtime.check(now.plusSeconds(3_600));
        assertEquals(1, runtime.expiryWarnings(), "not again within the day");
        runtime.check(now.plusSeconds(25 * 3_600));
        assertEquals(2, runtime.expiryWarnings(), "again the next day");
    }

    @Test
    void aCertificateFarFromItsExpiryIsNotWarnedOf() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        final TlsSettings s = f.settings("node1");
        runtime = TlsRuntime.start(new TlsSettings(true, "node1", s.cert(), s.key(), s.ca(), new char[0],
            s.protocols(), s.cipherSuites(), s.checkInterval(), java.time.Duration.ofDays(7)), Instant.now());
        runtime.check(Instant.now());
        assertEquals(0, runtime.expiryWarnings());
    }

    @Test
    void anExpiredClientCertificateIsRefusedAsExpiredNotAsUntrusted() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        hamlet.tls.ca.CaFiles.issueNode(f.ca, dir, "old", List.of(), Instant.now().minusSeconds(3 * 86_400),
            Instant.now().minusSeconds(86_400), false);
        runtime = TlsRuntime.start(f.settings("node1"), Instant.now());
        final int port = serve(runtime.linkServer());
        assertThrows(IOException.class, () -> get(jdkClient(f, "old"), port));
        awaitCount(HandshakeRefusals.EXPIRED, 1);
        assertEquals(0, refusals.get(HandshakeRefusals.UNTRUSTED), refusals.counts.toString());
    }
}
