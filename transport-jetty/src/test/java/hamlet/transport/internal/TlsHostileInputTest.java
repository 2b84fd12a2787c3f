package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.tls.HandshakeRefusals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What a stranger can do to a TLS port without a certificate: send junk, start a handshake and stall, or open
 * connections by the hundred and say nothing. Each connection is closed (a stalled one within the handshake timeout),
 * and the node's real peer is served throughout.
 */
class TlsHostileInputTest {
    /** The test settings' handshake timeout. */
    private static final long HANDSHAKE_TIMEOUT_MS = 2_000;
    /** The bound on accepted connections of the attacked node, small so that a test reaches it. */
    private static final int MAX_ACCEPTED = 24;

    @TempDir
    static Path dir;
    private static TlsFixture pki;
    private static TestNode node;
    private static TestNode peer;
    private static int peerSent;

    @BeforeAll
    static void start() throws Exception {
        pki = new TlsFixture(dir, "test");
        final TransportSettings t = TransportSettings.localTest("node1", 0, List.of(), true);
        assertEquals(HANDSHAKE_TIMEOUT_MS, TimeUnit.NANOSECONDS.toMillis(t.handshakeTimeoutNs()));
        node = new TestNode(new TransportSettings(t.nodeId(), t.host(), t.port(), t.cluster(), t.seeds(),
            t.maxFrameBytes(), t.maxEnvelopeBytes(), t.outboxLimit(), t.bufferMaxAgeNs(), t.retryMax(),
            t.heartbeatIntervalNs(), t.silenceTimeoutNs(), t.handshakeTimeoutNs(), t.backoffMinNs(), t.backoffMaxNs(),
            t.dedupWindow(), t.outboxMaxBytes(), t.nodeOutboxMaxBytes(), t.maxConnections(),
            t.maxConnectionsPerAddress(), t.compression(), t.maxUnknownPeers(), MAX_ACCEPTED, true),
            pki.node("node1"));
        peer = new TestNode(TransportSettings.localTest("node2", 0, List.of(node.transport.url()), true),
            pki.node("node2"));
        TestNode.await("the link", 10_000, () -> node.isUpWith("node2") && peer.isUpWith("node1"));
    }

    @AfterAll
    static void stop() {
        peer.close();
        node.close();
        pki.close();
    }

    private static long refused(final String reason) {
        return node.transport.counters().getOrDefault(JettyTransport.REFUSED_TLS + reason, 0L);
    }

    private static void assertPeerStillServed() {
        final int from = peerSent;
        for (int i = 0; i < 100; i++) {
            assertEquals(SendStatus.ACCEPTED,
                peer.transport.send("node1", new WireEnvelope("node1:x", null, 0, new byte[] {(byte) i})));
        }
        peerSent += 100;
        TestNode.await("the real peer's envelopes", 10_000, () -> node.delivered.size() == from + 100);
        assertTrue(node.isUpWith("node2"));
    }

    /** @return how long the node took to close this socket, reading (and dropping) whatever it sent */
    private static long closedWithinMs(final Socket socket, final long timeoutMs) throws IOException {
        socket.setSoTimeout((int) timeoutMs);
        final long startNs = System.nanoTime();
        final InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // An alert, perhaps; then the end.
            }
        } catch (final SocketTimeoutException e) {
            throw new AssertionError("the node kept the connection open for " + timeoutMs + " ms");
        } catch (final IOException reset) {
            // Closed by the node with a reset: closed all the same.
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    /** A real TLS 1.3 ClientHello of the JDK's own stack. */
    private static byte[] clientHello() throws Exception {
        final SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", node.transport.port());
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.3"});
        final ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    @Test
    void shouldCloseRandomBytesAndCountThemAsNotTls() throws Exception {
        final long before = refused(HandshakeRefusals.NOT_TLS);
        final byte[] junk = new byte[300];
        new Random(7).nextBytes(junk);
        junk[0] = 'G';
        try (Socket socket = new Socket("127.0.0.1", node.transport.port())) {
            socket.getOutputStream().write(junk);
            System.out.printf("junk closed after %d ms%n", closedWithinMs(socket, 5_000));
        }
        TestNode.await("the count", 5_000, () -> refused(HandshakeRefusals.NOT_TLS) == before + 1);
        assertPeerStillServed();
    }

    @Test
    void shouldCloseARecordThatLooksLikeTlsButIsNot() throws Exception {
        final long before = node.transport.counters().entrySet().stream()
            .filter(e -> e.getKey().startsWith(JettyTransport.REFUSED_TLS)).mapToLong(e -> e.getValue()).sum();
        final byte[] junk = new byte[200];
        new Random(8).nextBytes(junk);
        junk[0] = 0x16;
        junk[1] = 0x03;
        junk[2] = 0x03;
        junk[3] = 0x00;
        junk[4] = (byte) 195;
        try (Socket socket = new Socket("127.0.0.1", node.transport.port())) {
            socket.getOutputStream().write(junk);
            closedWithinMs(socket, 5_000);
        }
        TestNode.await("the count", 5_000, () -> node.transport.counters().entrySet().stream()
            .filter(e -> e.getKey().startsWith(JettyTransport.REFUSED_TLS)).mapToLong(e -> e.getValue()).sum()
            == before + 1);
        assertPeerStillServed();
    }

    @Test
    void shouldCloseAConnectionThatSaysNothingWithinTheHandshakeTimeoutAndCountIt() throws Exception {
        final long before = refused(HandshakeRefusals.FAILED);
        try (Socket socket = new Socket("127.0.0.1", node.transport.port())) {
            final long ms = closedWithinMs(socket, HANDSHAKE_TIMEOUT_MS + 3_000);
            System.out.printf("a silent connection was closed after %d ms%n", ms);
            assertTrue(ms >= HANDSHAKE_TIMEOUT_MS - 500, "closed at " + ms + " ms: not for saying nothing");
        }
        TestNode.await("the count", 5_000, () -> refused(HandshakeRefusals.FAILED) == before + 1);
        // A peer that connects and leaves at once (a port scan) is no refusal.
        new Socket("127.0.0.1", node.transport.port()).close();
        assertPeerStillServed();
        assertEquals(before + 1, refused(HandshakeRefusals.FAILED));
    }

    @Test
    void shouldCloseAHandshakeThatStallsHalfWayWithinTheHandshakeTimeout() throws Exception {
        final long before = refused(HandshakeRefusals.FAILED);
        final byte[] hello = clientHello();
        try (Socket socket = new Socket("127.0.0.1", node.transport.port())) {
            socket.getOutputStream().write(hello, 0, hello.length / 2);
            socket.getOutputStream().flush();
            final long ms = closedWithinMs(socket, HANDSHAKE_TIMEOUT_MS + 3_000);
            System.out.printf("half a ClientHello was closed after %d ms%n", ms);
        }
        try (Socket socket = new Socket("127.0.0.1", node.transport.port())) {
            // A whole ClientHello, then nothing more: the node's answer is read and never replied to.
            socket.getOutputStream().write(hello);
            socket.getOutputStream().flush();
            final long ms = closedWithinMs(socket, HANDSHAKE_TIMEOUT_MS + 3_000);
            System.out.printf("a ClientHello left unfinished was closed after %d ms%n", ms);
        }
        TestNode.await("both counted", 5_000, () -> refused(HandshakeRefusals.FAILED) == before + 2);
        assertPeerStillServed();
    }

    @Test
    void shouldBoundAFloodOfSilentConnectionsAndCloseThemAllWhileTheLinkGoesOn() throws Exception {
        final long pausedBefore = node.transport.counters().getOrDefault(JettyTransport.ACCEPT_PAUSED, 0L);
        final List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_ACCEPTED * 2; i++) {
                // Connects even past the bound: the kernel completes TCP handshakes into the listen backlog.
                flood.add(new Socket("127.0.0.1", node.transport.port()));
            }
            TestNode.await("the listener to stop accepting", 5_000, () -> node.transport.counters()
                .getOrDefault(JettyTransport.ACCEPT_PAUSED, 0L) > pausedBefore);
            assertPeerStillServed();
            final long startNs = System.nanoTime();
            for (final Socket s : flood) {
                closedWithinMs(s, HANDSHAKE_TIMEOUT_MS * 4 + 5_000);
            }
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            System.out.printf("%d silent connections, at most %d at once, all closed by the node after %d ms%n",
                flood.size(), MAX_ACCEPTED, ms);
            // Each is closed a handshake timeout after it was accepted, and they are accepted a listener-full at a
            // time (the link holds one place): three rounds here.
            final int rounds = (flood.size() + MAX_ACCEPTED - 2) / (MAX_ACCEPTED - 1);
            assertTrue(ms < rounds * HANDSHAKE_TIMEOUT_MS + 3_000, ms + " ms for " + rounds + " rounds");
        } finally {
            for (final Socket s : flood) {
                s.close();
            }
        }
        // Accepting again: a new node links.
        try (TestNode late = new TestNode(TransportSettings.localTest("node3", 0, List.of(node.transport.url()), true),
            pki.node("node3"))) {
            TestNode.await("a new link after the flood", 10_000, () -> node.isUpWith("node3"));
        }
        assertPeerStillServed();
    }

    /** The test settings keep the handshake timeout at what the assertions above assume. */
    @Test
    void shouldUseTheHandshakeTimeoutTheseTestsAssume() {
        assertEquals(Duration.ofMillis(HANDSHAKE_TIMEOUT_MS).toNanos(), node.transport.settings().handshakeTimeoutNs());
    }
}
