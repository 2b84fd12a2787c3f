package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import hamlet.tls.HandshakeRefusals;
import hamlet.tls.ca.CaFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node's TLS port speaks standard TLS 1.3 to stacks other than its own (Bouncy Castle): the JDK's SunJSSE, and
 * OpenSSL's s_client where it is installed. What an operator would try with {@code openssl s_client} works as the
 * docs say: with a node certificate the handshake is TLS 1.3, without one the node refuses it.
 */
class TlsInteropTest {
    @TempDir
    static Path dir;
    private static TlsFixture pki;
    private static TestNode node;

    @BeforeAll
    static void start() throws Exception {
        pki = new TlsFixture(dir, "test");
        pki.issue("node3");
        node = new TestNode(TransportSettings.localTest("node1", 0, List.of(), true), pki.node("node1"));
    }

    @AfterAll
    static void stop() {
        node.close();
        pki.close();
    }

    private static long refused(final String reason) {
        return node.transport.counters().getOrDefault(JettyTransport.REFUSED_TLS + reason, 0L);
    }

    @Test
    void shouldCompleteATls13HandshakeWithTheJdksOwnTls() throws Exception {
        final long refusedBefore = node.transport.rejectedTotal();
        try (SSLSocket client = pki.sunClient("node3", node.transport.port())) {
            client.startHandshake();
            assertEquals("TLSv1.3", client.getSession().getProtocol());
            assertTrue(TlsFixture.SUITES.contains(client.getSession().getCipherSuite()),
                client.getSession().getCipherSuite());
            assertEquals(pki.fingerprintOf("node1"), TlsFixture.fingerprint(client.getSession()
                .getPeerCertificates()[0]), "the node shows its own certificate");
            // The node accepted the client's certificate: HTTP gets an answer (an upgrade is required: 4xx).
            client.getOutputStream().write("GET /hamlet HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            final String status = new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(status.startsWith("HTTP/1.1 4"), status);
        }
        assertEquals(refusedBefore, node.transport.rejectedTotal());
        assertEquals(0L, refused(HandshakeRefusals.NO_CERTIFICATE) + refused(HandshakeRefusals.UNTRUSTED));
    }

    /** @return openssl's path, or {@code null} when it is not on the PATH */
    private static Path openssl() {
        for (final String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            final Path p = Path.of(d, "openssl");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Runs s_client, writes {@code input} to it, waits until {@code done} says its output is complete, then closes its
     * input; returns the output.
     */
    private static String sClient(final List<String> args, final String input,
                                  final java.util.function.Predicate<String> done) throws Exception {
        final List<String> command = new ArrayList<>(List.of(openssl().toString(), "s_client", "-connect",
            "127.0.0.1:" + node.transport.port(), "-tls1_3", "-CAfile", dir.resolve(CaFiles.CA_CERT).toString()));
        command.addAll(args);
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final StringBuffer out = new StringBuffer();
        final Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                final byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) != -1; ) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (final IOException ignored) {
                // The process ended.
            }
        });
        reader.start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        try {
            TestNode.await(() -> "s_client to finish; it said: " + out, 15_000,
                () -> done.test(out.toString()) || !p.isAlive());
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            reader.join(5_000);
        }
        return out.toString();
    }

    /** @return the lines of s_client's output that say what the test checks (it also prints whole certificates) */
    private static List<String> lines(final String output, final String... words) {
        return output.lines().filter(l -> java.util.Arrays.stream(words).anyMatch(l::contains)).toList();
    }

    @Test
    void shouldHandshakeTls13WithOpensslAndRefuseItWithoutACertificate() throws Exception {
        final Path openssl = openssl();
        assumeTrue(openssl != null, "openssl is not on the PATH: the s_client interop check is skipped");
        System.out.println("using " + openssl);

        // An HTTP request through it: an answer means the node took s_client's certificate.
        final String with = sClient(List.of("-cert", CaFiles.nodeCert(dir, "node3").toString(), "-key",
            CaFiles.nodeKey(dir, "node3").toString(), "-verify_return_error", "-ign_eof"),
            "GET /hamlet HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", s -> s.contains("HTTP/1.1 4"));
        System.out.println("s_client with a node certificate: " + lines(with, "TLSv1.3", "Verify return code",
            "HTTP/1.1"));
        assertTrue(with.contains("TLSv1.3"), with);
        assertTrue(with.contains("Verify return code: 0 (ok)"), "s_client trusts the node: " + with);
        assertTrue(with.contains("HTTP/1.1 4"), "the node answers s_client (a WebSocket upgrade is needed): " + with);

        final long before = refused(HandshakeRefusals.NO_CERTIFICATE);
        final String without = sClient(List.of(), "", s -> refused(HandshakeRefusals.NO_CERTIFICATE) > before
            && s.contains("certificate required"));
        System.out.println("s_client without a certificate: " + lines(without, "TLSv1.3", "alert"));
        assertEquals(before + 1, refused(HandshakeRefusals.NO_CERTIFICATE));
        assertTrue(without.contains("certificate required"), "the node's alert: " + without);
    }
}
