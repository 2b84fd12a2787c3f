package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.tls.HandshakeRefusals;
import hamlet.tls.TlsService;
import hamlet.tls.ca.CaFiles;
import hamlet.tls.internal.DisabledTls;
import hamlet.tls.internal.TlsRuntime;
import hamlet.transport.internal.ProtocolException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Real TLS between transports on loopback, with certificates made by the cluster CA's tools in a temp folder: links
 * form and deliver, and each way of not being a trusted node is refused and counted on the refusing node while it
 * goes on serving its peers.
 */
class TlsTransportTest {
    private static final FrameCodec CODEC = new FrameCodec(1024 * 1024, 64 * 1024);

    @TempDir
    Path dir;
    private TlsFixture pki;
    private final List<TestNode> nodes = new ArrayList<>();
    private int served;

    @BeforeEach
    void ca() throws Exception {
        pki = new TlsFixture(dir, "test");
    }

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
        pki.close();
    }

    private TestNode start(final String id, final TlsService tls, final String... seeds) throws Exception {
        final TestNode node = new TestNode(TransportSettings.localTest(id, 0, List.of(seeds), tls.enabled()), tls);
        nodes.add(node);
        return node;
    }

    private static WireEnvelope numbered(final String to, final long n) {
        return new WireEnvelope(to, "sender", 1, ByteBuffer.allocate(8).putLong(n).array());
    }

    private static long counter(final TestNode node, final String name) {
        return node.transport.counters().getOrDefault(name, 0L);
    }

    private static long refused(final TestNode node, final String reason) {
        return counter(node, JettyTransport.REFUSED_TLS + reason);
    }

    /** Two linked TLS nodes: node1, which the tests attack, and node2, its real peer. */
    private TestNode[] linkedPair() throws Exception {
        final TestNode a = start("node1", pki.node("node1"));
        final TestNode b = start("node2", pki.node("node2"), a.transport.url());
        TestNode.await("the link", 10_000, () -> a.isUpWith("node2") && b.isUpWith("node1"));
        return new TestNode[] {a, b};
    }

    /** node2 sends node1 a hundred envelopes more: all arrive, the link is up. */
    private void assertStillServed(final TestNode[] pair) {
        final int from = served;
        for (int i = 0; i < 100; i++) {
            assertEquals(SendStatus.ACCEPTED, pair[1].transport.send("node1", numbered("node1:x", from + i)));
        }
        served += 100;
        TestNode.await(() -> "node2's envelopes: " + pair[0].delivered.size(), 10_000,
            () -> pair[0].delivered.size() == from + 100);
        assertTrue(pair[0].isUpWith("node2"));
    }

    @Test
    void shouldLinkThreeNodesOverTlsAndDeliver() throws Exception {
        final TestNode a = start("node1", pki.node("node1"));
        final TestNode b = start("node2", pki.node("node2"), a.transport.url());
        final TestNode c = start("node3", pki.node("node3"), a.transport.url(), b.transport.url());
        assertTrue(a.transport.url().startsWith("wss://127.0.0.1:"), a.transport.url());
        TestNode.await("the links", 10_000, () -> a.isUpWith("node2") && a.isUpWith("node3") && b.isUpWith("node3")
            && b.isUpWith("node1") && c.isUpWith("node1") && c.isUpWith("node2"));
        for (int i = 0; i < 100; i++) {
            assertEquals(SendStatus.ACCEPTED, a.transport.send("node2", numbered("node2:x", i)));
            assertEquals(SendStatus.ACCEPTED, c.transport.send("node1", numbered("node1:x", i)));
        }
        TestNode.await("delivery", 10_000, () -> b.delivered.size() == 100 && a.delivered.size() == 100);
        assertEquals(0L, a.transport.rejectedTotal(), a.transport.counters().toString());
        assertTrue(a.transport.peers().stream().allMatch(p -> p.url().startsWith("wss://")),
            a.transport.peers().toString());
    }

    @Test
    void shouldRefuseAClientWithoutACertificate() throws Exception {
        final TestNode[] pair = linkedPair();
        try (SSLSocket client = pki.sunClient(null, pair[0].transport.port())) {
            // TLS 1.3: the client's side of the handshake may end before the server has looked at its (empty)
            // certificate; the refusal is the alert that the next read gets.
            final IOException refused = assertThrows(IOException.class, () -> {
                client.startHandshake();
                client.getOutputStream().write("GET /hamlet HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                client.getOutputStream().flush();
                if (client.getInputStream().read() == -1) {
                    throw new IOException("closed by the node");
                }
            });
            System.out.println("the client without a certificate saw: " + refused);
        }
        TestNode.await("the count", 5_000, () -> refused(pair[0], HandshakeRefusals.NO_CERTIFICATE) == 1);
        assertStillServed(pair);
    }

    @Test
    void shouldRefuseANodeWhoseCertificateIsFromAnotherCa() throws Exception {
        final TestNode[] pair = linkedPair();
        final TlsFixture other = new TlsFixture(dir.resolve("other"), "other");
        try (other) {
            other.issue("node9");
            // node9 trusts both CAs, so that the refusal is node1's: node1 trusts only its own.
            final Path both = dir.resolve("both-cas.crt");
            Files.writeString(both, Files.readString(dir.resolve(CaFiles.CA_CERT))
                + Files.readString(other.dir.resolve(CaFiles.CA_CERT)));

            // A client that presents it whatever the node asks for: the node finds no path to a CA it trusts.
            try (SSLSocket client = (SSLSocket) TlsFixture.sunContext(both, CaFiles.nodeCert(other.dir, "node9"),
                CaFiles.nodeKey(other.dir, "node9"), true).getSocketFactory()
                .createSocket("127.0.0.1", pair[0].transport.port())) {
                client.setSoTimeout(10_000);
                assertThrows(IOException.class, () -> {
                    client.startHandshake();
                    client.getOutputStream().write("GET /hamlet HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                    client.getOutputStream().flush();
                    if (client.getInputStream().read() == -1) {
                        throw new IOException("closed by the node");
                    }
                });
            }
            TestNode.await("the refusal", 10_000, () -> refused(pair[0], HandshakeRefusals.UNTRUSTED) == 1);

            // A node: its TLS stack offers no certificate the node did not ask for (TLS 1.3 names the CAs it
            // takes), so the node sees none, and refuses that.
            final long before = refused(pair[0], HandshakeRefusals.NO_CERTIFICATE);
            final TestNode stranger = start("node9", other.runtime("node9", both, Instant.now()),
                pair[0].transport.url());
            TestNode.await("the node refused", 10_000,
                () -> refused(pair[0], HandshakeRefusals.NO_CERTIFICATE) > before);
            // The dialing side counts its failed handshakes too.
            TestNode.await(() -> "node9's count: " + stranger.transport.counters(), 10_000,
                () -> counter(stranger, JettyTransport.DIAL_TLS_FAILED + HandshakeRefusals.NO_CERTIFICATE) > 0);
            assertFalse(stranger.isUpWith("node1"));
            assertFalse(pair[0].isUpWith("node9"));
            assertStillServed(pair);
        }
    }

    @Test
    void shouldRefuseAnExpiredCertificate() throws Exception {
        final TestNode[] pair = linkedPair();
        final Instant now = Instant.now();
        pki.issue("node-old", now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)), false);
        // A node's own files are checked when it starts: this one started while its certificate was valid.
        start("node-old", pki.runtime("node-old", dir.resolve(CaFiles.CA_CERT), now.minus(Duration.ofDays(2))),
            pair[0].transport.url());
        TestNode.await("the refusal", 10_000, () -> refused(pair[0], HandshakeRefusals.EXPIRED) >= 1);
        assertFalse(pair[0].isUpWith("node-old"));
        assertStillServed(pair);
    }

    @Test
    void shouldRefuseACertificateThatIsNotValidYet() throws Exception {
        final TestNode[] pair = linkedPair();
        final Instant now = Instant.now();
        pki.issue("node-new", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(3)), false);
        start("node-new", pki.runtime("node-new", dir.resolve(CaFiles.CA_CERT), now.plus(Duration.ofDays(2))),
            pair[0].transport.url());
        TestNode.await("the refusal", 10_000, () -> refused(pair[0], HandshakeRefusals.EXPIRED) >= 1);
        assertFalse(pair[0].isUpWith("node-new"));
        assertStillServed(pair);
    }

    @Test
    void shouldRefuseANodeWhoseHandshakeNamesAnotherNodeThanItsCertificate() throws Exception {
        final TestNode[] pair = linkedPair();
        // node3's valid certificate, and a handshake that says node2.
        final TestNode impostor = start("node2", pki.node("node3"), pair[0].transport.url());
        TestNode.await("the refusal", 10_000,
            () -> pair[0].transport.rejections().get(Reason.CERTIFICATE_MISMATCH.name()) >= 1);
        assertFalse(impostor.isUpWith("node1"));
        assertEquals(pair[1].transport.uid(), pair[0].transport.peers().get(0).uid(), "the real node2 keeps its link");
        assertStillServed(pair);
    }

    @Test
    void shouldRefuseADialedNodeWhoseHandshakeNamesAnotherNodeThanItsCertificate() throws Exception {
        final TestNode[] pair = linkedPair();
        final TestNode impostor = start("node4", pki.node("node3"));
        pair[0].transport.dialNow("node4", impostor.transport.url());
        TestNode.await("the refusal", 10_000,
            () -> pair[0].transport.rejections().get(Reason.CERTIFICATE_MISMATCH.name()) >= 1);
        assertFalse(pair[0].isUpWith("node4"));
        assertStillServed(pair);
    }

    @Test
    void shouldRefuseAPlainNodeDialingATlsNode() throws Exception {
        final TestNode[] pair = linkedPair();
        final TestNode plain = start("node5", DisabledTls.INSTANCE, "127.0.0.1:" + pair[0].transport.port());
        assertEquals("ws://127.0.0.1:" + pair[0].transport.port() + "/hamlet", plain.transport.settings().seeds().get(0));
        TestNode.await("the refusal", 10_000, () -> refused(pair[0], HandshakeRefusals.NOT_TLS) >= 1);
        assertFalse(plain.isUpWith("node1"));
        assertStillServed(pair);
    }

    @Test
    void shouldRefuseATlsNodeDialingAPlainNodeOnThePlainSide() throws Exception {
        final TestNode plain = start("node1", DisabledTls.INSTANCE);
        final TestNode plainPeer = start("node2", DisabledTls.INSTANCE, plain.transport.url());
        TestNode.await("the plain link", 10_000, () -> plain.isUpWith("node2"));
        assertEquals(0L, refused(plain, HandshakeRefusals.TLS_TO_PLAIN), "counted from zero");
        final TestNode secure = start("node3", pki.node("node3"), "127.0.0.1:" + plain.transport.port());
        assertEquals("wss://127.0.0.1:" + plain.transport.port() + "/hamlet", secure.transport.settings().seeds().get(0),
            "a host:port seed is dialed in TLS");
        TestNode.await("the refusal", 10_000, () -> refused(plain, HandshakeRefusals.TLS_TO_PLAIN) >= 1);
        TestNode.await("the failed dial counted", 10_000, () -> secure.transport.counters().entrySet().stream()
            .anyMatch(e -> e.getKey().startsWith(JettyTransport.DIAL_TLS_FAILED) && e.getValue() > 0));
        assertFalse(secure.isUpWith("node1"));
        for (int i = 0; i < 100; i++) {
            assertEquals(SendStatus.ACCEPTED, plainPeer.transport.send("node1", numbered("node1:x", i)));
        }
        TestNode.await("the plain peer served", 10_000, () -> plain.delivered.size() == 100);
    }

    /**
     * The impostor of LinkSafetyTest, with TLS on: a client claiming to be a linked node. Without a certificate it
     * fails in the TLS handshake; with another node's valid certificate its handshake is refused. Neither gets the
     * link even while the real node is away (which the plain transport cannot prevent), and the real node, back,
     * gets every envelope once, in order.
     */
    @Test
    void shouldRefuseAnImpostorOfALinkedNodeEvenWhileTheRealOneIsAway() throws Exception {
        final TestNode[] pair = linkedPair();
        final TestNode a = pair[0];
        final TestNode b = pair[1];
        final long realUid = b.transport.uid();
        pki.issue("node3");
        final URI url = URI.create(a.transport.url());

        final ExecutionException noCertificate = assertThrows(ExecutionException.class, () -> HttpClient.newBuilder()
            .sslContext(pki.sunContext(null)).build().newWebSocketBuilder().buildAsync(url, new WebSocket.Listener() {
            }).get(10, TimeUnit.SECONDS));
        System.out.println("the impostor without a certificate saw: " + noCertificate.getCause());
        // java.net.http tries more than once: each try is refused and counted.
        TestNode.await("the TLS refusal", 5_000, () -> refused(a, HandshakeRefusals.NO_CERTIFICATE) >= 1);

        a.transport.pauseListener();
        b.transport.pauseListener();
        TestNode.await("the link to go down", 10_000, () -> !a.isUpWith("node2"));
        a.transport.resumeListener();
        for (int i = 0; i < 100; i++) {
            assertEquals(SendStatus.ACCEPTED, a.transport.send("node2", numbered("node2:x", i)));
        }
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final WebSocket ws = HttpClient.newBuilder().sslContext(pki.sunContext("node3")).build().newWebSocketBuilder()
            .buildAsync(url, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(final WebSocket socket, final int code, final String reason) {
                    closed.complete(code);
                    return null;
                }

                @Override
                public void onError(final WebSocket socket, final Throwable error) {
                    closed.complete(-1);
                }
            }).get(10, TimeUnit.SECONDS);
        ws.sendBinary(CODEC.encodeHandshake(new Handshake("test", "node2", Long.MAX_VALUE, "")), true).join();
        assertEquals(1008, closed.get(10, TimeUnit.SECONDS));
        assertEquals(1L, a.transport.rejections().get(Reason.CERTIFICATE_MISMATCH.name()));
        assertFalse(a.isUpWith("node2"), "no impostor holds node2's link while node2 is away");
        ws.abort();

        b.transport.resumeListener();
        TestNode.await("the real node2 back", 20_000, () -> a.isUpWith("node2") && b.delivered.size() == 100);
        assertEquals(realUid, a.transport.peers().get(0).uid());
        long expected = 0;
        for (final TestNode.Delivery d : b.delivered) {
            assertEquals(expected++, ByteBuffer.wrap(d.envelope().payload()).getLong());
        }
    }

    @Test
    void shouldLeaveTheSharedTlsFactoriesRunningWhenATransportStops() throws Exception {
        final TlsRuntime tls1 = pki.node("node1");
        final TestNode a = start("node1", tls1);
        final TestNode b = start("node2", pki.node("node2"), a.transport.url());
        TestNode.await("the link", 10_000, () -> a.isUpWith("node2"));
        a.close();
        nodes.remove(a);
        assertTrue(tls1.linkServer().isRunning() && tls1.linkClient().isRunning(),
            "the admin API and the next transport use them too");
        final TestNode again = new TestNode(TransportSettings.localTest("node1", 0, List.of(b.transport.url()), true),
            tls1);
        nodes.add(again);
        TestNode.await("the link of the restarted transport", 10_000, () -> again.isUpWith("node2"));
    }

    @Test
    void shouldCountTheTlsRefusalsFromZeroForTheOperator() throws Exception {
        final TestNode secure = start("node1", pki.node("node1"));
        for (final String reason : List.of(HandshakeRefusals.NO_CERTIFICATE, HandshakeRefusals.UNTRUSTED,
            HandshakeRefusals.EXPIRED, HandshakeRefusals.NOT_TLS, HandshakeRefusals.FAILED)) {
            assertEquals(0L, secure.transport.counters().get(JettyTransport.REFUSED_TLS + reason), reason);
        }
        assertEquals(0L, secure.transport.counters().get("rejected." + Reason.CERTIFICATE_MISMATCH.name()));
        final TestNode plain = start("node2", DisabledTls.INSTANCE);
        assertEquals(0L, plain.transport.counters().get(JettyTransport.REFUSED_TLS + HandshakeRefusals.TLS_TO_PLAIN));
        assertTrue(plain.transport.url().startsWith("ws://"), plain.transport.url());
    }
}
