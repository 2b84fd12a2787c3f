package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.ProtocolException.Reason;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * What a peer that is not who it says it is, or that is not a peer at all, can do to a real transport: take over a
 * live link, lock a node out, make the node keep state for invented node ids, negotiate compression, open connections
 * without bound, or keep a refused socket open. Each case failed on the transport before the link-safety issue.
 */
class LinkSafetyTest {
    /** Public, as Jetty calls listeners through method handles. */
    public static final class QuietListener extends Session.Listener.AbstractAutoDemanding {
    }

    private static final FrameCodec CODEC = new FrameCodec(1024 * 1024, 64 * 1024);

    private static WireEnvelope numbered(final String to, final long n) {
        return new WireEnvelope(to, "sender", 1, ByteBuffer.allocate(8).putLong(n).array());
    }

    /** A raw client that says it is {@code nodeId} and then does nothing (no acks, no heartbeats). */
    private static WebSocket impostor(final TestNode target, final String nodeId, final long uid,
                                      final CompletableFuture<Integer> closedWith) throws Exception {
        final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(URI.create(target.transport.url()), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(final WebSocket socket, final int code, final String reason) {
                    closedWith.complete(code);
                    return null;
                }

                @Override
                public void onError(final WebSocket socket, final Throwable error) {
                    closedWith.complete(-1);
                }
            }).get(5, TimeUnit.SECONDS);
        ws.sendBinary(CODEC.encodeHandshake(new Handshake("test", nodeId, uid, "")), true).join();
        return ws;
    }

    @Test
    void shouldRefuseAnImpostorOfALinkedNodeAndLetTheRealOneBackWhenAnImpostorLeaves() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            final long realUid = b.transport.uid();

            // While node-b is linked: refused, whatever uid it claims; the real link goes on.
            final CompletableFuture<Integer> refused = new CompletableFuture<>();
            impostor(a, "node-b", Long.MAX_VALUE, refused);
            assertEquals(1008, refused.get(10, TimeUnit.SECONDS));
            assertEquals(1L, a.transport.rejections().get(Reason.NODE_ALREADY_LINKED.name()));
            assertEquals(realUid, a.transport.peers().get(0).uid());

            // While node-b is away, an impostor gets the link; the envelopes for node-b wait unacknowledged.
            a.transport.pauseListener();
            b.transport.pauseListener();
            TestNode.await("the link to go down", 10_000, () -> !a.isUpWith("node-b"));
            a.transport.resumeListener();
            final CompletableFuture<Integer> impostorClosed = new CompletableFuture<>();
            final WebSocket ws = impostor(a, "node-b", Long.MAX_VALUE, impostorClosed);
            TestNode.await("the impostor's link", 10_000, () -> a.isUpWith("node-b"));
            for (int i = 0; i < 100; i++) {
                assertEquals(SendStatus.ACCEPTED, a.transport.send("node-b", numbered("node-b:x", i)));
            }
            ws.abort();

            // The impostor is gone: the real node-b is let in again and gets every envelope, once, in order.
            final long leftNs = System.nanoTime();
            b.transport.resumeListener();
            TestNode.await("the real node-b back", 20_000, () -> a.isUpWith("node-b") && b.delivered.size() == 100);
            System.out.printf("real node-b linked again %d ms after the impostor left%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftNs));
            assertEquals(realUid, a.transport.peers().get(0).uid());
            long expected = 0;
            for (final TestNode.Delivery d : b.delivered) {
                assertEquals(expected++, ByteBuffer.wrap(d.envelope().payload()).getLong());
            }
        }
    }

    @Test
    void shouldKeepMemoryForInventedNodeIdsBoundedAndGoOnServing() throws Exception {
        final int bound = 16;
        final TransportSettings settings = TransportSettings.localTest("node-a", 0, List.of(),
            TransportSettings.DEFAULT_OUTBOX_MAX_BYTES, TransportSettings.DEFAULT_NODE_OUTBOX_MAX_BYTES, 4096, 4096,
            false, bound);
        try (TestNode a = new TestNode(settings); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b"));
            final HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 2000; i++) {
                final WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create(a.transport.url()), new WebSocket.Listener() { })
                    .get(5, TimeUnit.SECONDS);
                // Each advertises a URL on loopback that nothing listens on: dialing it must stay bounded too.
                ws.sendBinary(CODEC.encodeHandshake(new Handshake("test", "ghost-" + i, i + 1,
                    "ws://127.0.0.1:" + (1 + i % 50) + "/hamlet")), true).join();
                ws.abort();
            }
            TestNode.await(() -> "peers " + a.transport.peers().size(), 20_000,
                () -> a.transport.peers().size() <= bound + 1);
            assertTrue(a.transport.counters().get("dial.targets") <= bound,
                "unverified URLs kept: " + a.transport.counters());
            assertTrue(a.transport.counters().getOrDefault("log.connection-lines-omitted", 0L) > 1000,
                "the flood's 6,000 log lines were not all written: " + a.transport.counters());
            assertTrue(a.isUpWith("node-b"));
            for (int i = 0; i < 100; i++) {
                assertEquals(SendStatus.ACCEPTED, b.transport.send("node-a", numbered("node-a:x", i)));
            }
            TestNode.await("the real peer served", 10_000, () -> a.delivered.size() == 100);
        }
    }

    @Test
    void shouldNotNegotiateCompressionUnlessConfigured() throws Exception {
        try (TestNode plain = TestNode.start("node-a")) {
            assertEquals(List.of(), negotiated(plain),
                "permessage-deflate would let a peer inflate a small frame a thousandfold before any check");
        }
        final TransportSettings compressing = TransportSettings.localTest("node-a", 0, List.of(),
            TransportSettings.DEFAULT_OUTBOX_MAX_BYTES, TransportSettings.DEFAULT_NODE_OUTBOX_MAX_BYTES, 256, 8,
            true, 64);
        try (TestNode deflating = new TestNode(compressing)) {
            assertEquals(List.of("permessage-deflate"), negotiated(deflating), "what the setting turns on");
        }
    }

    /** @return the names of the extensions the node agreed to when a client offered permessage-deflate */
    private static List<String> negotiated(final TestNode node) throws Exception {
        final WebSocketClient client = new WebSocketClient();
        client.start();
        try {
            final ClientUpgradeRequest request = new ClientUpgradeRequest();
            request.addExtensions("permessage-deflate");
            final Session session = client.connect(new QuietListener(), URI.create(node.transport.url()), request)
                .get(5, TimeUnit.SECONDS);
            final List<String> names = new ArrayList<>();
            session.getUpgradeResponse().getExtensions().forEach(e -> names.add(e.getName()));
            session.close();
            return names;
        } finally {
            client.stop();
        }
    }

    @Test
    void shouldRefuseConnectionsOverThePerAddressLimit() throws Exception {
        final TransportSettings settings = TransportSettings.localTest("node-a", 0, List.of(),
            TransportSettings.DEFAULT_OUTBOX_MAX_BYTES, TransportSettings.DEFAULT_NODE_OUTBOX_MAX_BYTES, 256, 3,
            false, 64);
        try (TestNode a = new TestNode(settings)) {
            final List<CompletableFuture<Integer>> closes = new ArrayList<>();
            final List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                final CompletableFuture<Integer> closed = new CompletableFuture<>();
                closes.add(closed);
                sockets.add(HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(a.transport.url()), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(final WebSocket s, final int code, final String reason) {
                            closed.complete(code);
                            return null;
                        }

                        @Override
                        public void onError(final WebSocket s, final Throwable error) {
                            closed.complete(-1);
                        }
                    }).get(5, TimeUnit.SECONDS));
            }
            TestNode.await("two refused", 10_000, () -> a.transport.rejections()
                .get(Reason.TOO_MANY_CONNECTIONS.name()) == 2);
            final Set<Integer> refused = new HashSet<>();
            for (int i = 3; i < 5; i++) {
                refused.add(closes.get(i).get(10, TimeUnit.SECONDS));
            }
            assertTrue(refused.contains(1008) || refused.contains(-1), refused.toString());
            sockets.forEach(WebSocket::abort);
        }
    }

    @Test
    void shouldDropARefusedSocketWithoutWaitingForThePeersClose() throws Exception {
        try (TestNode a = TestNode.start("node-a"); Socket raw = new Socket("127.0.0.1", a.transport.port())) {
            raw.setSoTimeout(10_000);
            final OutputStream out = raw.getOutputStream();
            out.write(("GET /hamlet HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            // A masked binary frame that is not a Hamlet frame; then this client never answers the close.
            final byte[] junk = "not hamlet".getBytes(StandardCharsets.US_ASCII);
            final byte[] frame = new byte[2 + 4 + junk.length];
            frame[0] = (byte) 0x82;
            frame[1] = (byte) (0x80 | junk.length);
            System.arraycopy(junk, 0, frame, 6, junk.length);
            out.write(frame);
            out.flush();
            final InputStream in = raw.getInputStream();
            final long startNs = System.nanoTime();
            try {
                while (in.read() != -1) {
                    // Reads the upgrade response and the close frame; the server must then end the connection.
                }
            } catch (final SocketTimeoutException e) {
                throw new AssertionError("the refused socket was still open 10 s after its close frame");
            }
            System.out.printf("refused socket closed by the node after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            TestNode.await("the count", 5_000, () -> a.transport.rejections().get(Reason.BAD_MAGIC.name()) == 1);
        }
    }

    @Test
    void shouldCountEachFragmentOfASlowFrameAsLife() throws Exception {
        // Before: a read counted only once a whole frame was in, so a frame that took longer than the silence
        // timeout to arrive (a slow link) made a live peer look dead, and its resend did the same again.
        try (TestNode a = TestNode.start("node-a")) {
            final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(a.transport.url()), new WebSocket.Listener() { })
                .get(5, TimeUnit.SECONDS);
            ws.sendBinary(CODEC.encodeHandshake(new Handshake("test", "node-slow", 77, "")), true).join();
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-slow"));

            final byte[] envelope = CODEC.envelopes().encode(1,
                new WireEnvelope("node-a:x", null, 0, new byte[40_000]));
            final ByteBuffer frame = CODEC.encodeData(List.of(envelope), envelope.length);
            final int pieces = 8;
            final int size = (frame.remaining() + pieces - 1) / pieces;
            final java.util.concurrent.ScheduledExecutorService pace =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                // Eight fragments 400 ms apart: 2.8 s for one frame, longer than the 2 s silence timeout.
                for (int i = 0; i < pieces; i++) {
                    final ByteBuffer piece = frame.slice(i * size, Math.min(size, frame.remaining() - i * size));
                    final boolean last = i == pieces - 1;
                    pace.schedule(() -> ws.sendBinary(piece, last).join(), i == 0 ? 0 : 400,
                        TimeUnit.MILLISECONDS).get();
                }
            } finally {
                pace.shutdownNow();
            }
            TestNode.await("the slow frame", 10_000, () -> a.delivered.size() == 1);
            assertEquals(1, a.transport.peers().stream().filter(p -> "node-slow".equals(p.node())).count());
            assertTrue(a.isUpWith("node-slow"),
                "a peer whose frame is still arriving is alive: " + a.transport.peers());
            ws.abort();
        }
    }
}
