package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.tls.ca.CaFiles;
import hamlet.tls.internal.TlsRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates change under running nodes: a node's own renewed, and the cluster's CA rolled over. New connections
 * use the new files at once; links up go on, and lose or repeat nothing.
 */
class TlsRotationTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(final T c) {
        closing.add(c);
        return c;
    }

    private TestNode start(final String id, final TlsRuntime tls, final String... seeds) throws Exception {
        return closing(new TestNode(TransportSettings.localTest(id, 0, List.of(seeds), true), tls));
    }

    private static WireEnvelope numbered(final String to, final long n) {
        return new WireEnvelope(to, "sender", 1, ByteBuffer.allocate(8).putLong(n).array());
    }

    private static void send(final TestNode from, final String to, final int first, final int count) {
        for (int i = first; i < first + count; i++) {
            assertEquals(SendStatus.ACCEPTED, from.transport.send(to, numbered(to + ":x", i)));
        }
    }

    /** Every envelope once, in order. */
    private static void assertDeliveredInOrder(final TestNode to, final int count) {
        TestNode.await(() -> "delivery: " + to.delivered.size() + " of " + count, 10_000,
            () -> to.delivered.size() == count);
        long expected = 0;
        for (final TestNode.Delivery d : to.delivered) {
            assertEquals(expected++, ByteBuffer.wrap(d.envelope().payload()).getLong());
        }
    }

    /** @return the fingerprint of the certificate a node shows a new connection of the JDK's own TLS */
    private static String presented(final TlsFixture pki, final TestNode node) throws Exception {
        try (SSLSocket client = pki.sunClient("node3", node.transport.port())) {
            client.startHandshake();
            return TlsFixture.fingerprint(client.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    void shouldPresentARenewedCertificateToNewConnectionsWhileTheLinkUpLosesNothing() throws Exception {
        final TlsFixture pki = closing(new TlsFixture(dir, "test"));
        pki.issue("node3");
        final TlsRuntime tls1 = pki.node("node1");
        final TestNode a = start("node1", tls1);
        final TestNode b = start("node2", pki.node("node2"), a.transport.url());
        TestNode.await("the link", 10_000, () -> a.isUpWith("node2") && b.isUpWith("node1"));
        final String before = pki.fingerprintOf("node1");
        assertEquals(before, presented(pki, a));
        final long dials = b.transport.counters().get("dials");
        final long uid = a.transport.peers().get(0).uid();

        send(b, "node1", 0, 500);
        send(a, "node2", 0, 500);
        final Instant now = Instant.now();
        pki.issue("node1", now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(2)), true);
        assertTrue(tls1.check(Instant.now()), "the new pair is taken");
        send(b, "node1", 500, 500);
        send(a, "node2", 500, 500);

        final String after = pki.fingerprintOf("node1");
        assertNotEquals(before, after);
        assertEquals(after, presented(pki, a), "a new connection sees the new certificate");
        assertEquals(1, tls1.reloads());
        assertDeliveredInOrder(a, 1000);
        assertDeliveredInOrder(b, 1000);
        assertEquals(dials, b.transport.counters().get("dials"), "the link was never redialed");
        assertEquals(uid, a.transport.peers().get(0).uid());
        assertEquals(0L, a.transport.rejectedTotal());
    }

    @Test
    void shouldLinkNodesOfTheOldAndTheNewCaDuringARolloverAndRefuseTheOldOnceDropped() throws Exception {
        final TlsFixture old = closing(new TlsFixture(dir.resolve("old"), "old"));
        final TlsFixture renewed = closing(new TlsFixture(dir.resolve("new"), "new"));
        // During the rollover every node trusts both CAs; node1 still has a certificate of the old one, node2 one
        // of the new.
        final Path bundle = dir.resolve("bundle.crt");
        Files.writeString(bundle, Files.readString(old.dir.resolve(CaFiles.CA_CERT))
            + Files.readString(renewed.dir.resolve(CaFiles.CA_CERT)));
        old.issue("node1");
        renewed.issue("node2");
        final TlsRuntime tls1 = old.runtime("node1", bundle, Instant.now());
        final TlsRuntime tls2 = renewed.runtime("node2", bundle, Instant.now());
        final TestNode a = start("node1", tls1);
        final TestNode b = start("node2", tls2, a.transport.url());
        TestNode.await("the link across the two CAs", 10_000, () -> a.isUpWith("node2") && b.isUpWith("node1"));
        send(b, "node1", 0, 100);

        // node1 gets a certificate of the new CA, then every node drops the old one.
        final Instant now = Instant.now();
        CaFiles.issueNode(renewed.ca, old.dir, "node1", List.of("127.0.0.1"), now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(1)), true);
        assertTrue(tls1.check(Instant.now()));
        Files.writeString(bundle, Files.readString(renewed.dir.resolve(CaFiles.CA_CERT)));
        assertTrue(tls1.check(Instant.now()));
        assertTrue(tls2.check(Instant.now()));
        send(b, "node1", 100, 100);
        assertDeliveredInOrder(a, 200);

        // New connections: a node of the new CA links with both; one still holding the old CA's certificate is
        // refused by both.
        final TestNode c = start("node3", renewed.node("node3"), a.transport.url(), b.transport.url());
        TestNode.await("the new node's links", 10_000, () -> c.isUpWith("node1") && c.isUpWith("node2"));
        old.issue("node4");
        final TestNode stale = start("node4", old.runtime("node4", old.dir.resolve(CaFiles.CA_CERT), Instant.now()),
            a.transport.url());
        TestNode.await("the old CA's node refused", 10_000, () -> refusedInTls(a) > 0);
        assertFalse(stale.isUpWith("node1"));
        assertTrue(a.isUpWith("node2") && a.isUpWith("node3"));
    }

    private static long refusedInTls(final TestNode node) {
        return node.transport.counters().entrySet().stream()
            .filter(e -> e.getKey().startsWith(JettyTransport.REFUSED_TLS)).mapToLong(e -> e.getValue()).sum();
    }
}
