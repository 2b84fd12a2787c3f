package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.ProtocolException.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A raw WebSocket client (java.net.http) breaks each rule against a real transport; each time that one connection
 * is closed with a reason and counted, while a real peer keeps exchanging envelopes throughout.
 */
class HostileInputTest {
    private static TestNode node;
    private static TestNode peer;
    private static final FrameCodec CODEC = new FrameCodec(1024 * 1024, 64 * 1024);
    private static int peerSent;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start("node-a");
        peer = TestNode.start("node-b", node.transport.url());
        TestNode.await("the link", 10_000, () -> node.isUpWith("node-b") && peer.isUpWith("node-a"));
    }

    @AfterAll
    static void stop() {
        peer.close();
        node.close();
    }

    /** What the server said when it closed the raw connection. */
    record Closed(int code, String reason) {
    }

    private static Closed closedAfter(final Consumer<WebSocket> misbehave) throws Exception {
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(URI.create(node.transport.url()), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(final WebSocket socket, final int code, final String reason) {
                    closed.complete(new Closed(code, reason));
                    return null;
                }

                @Override
                public void onError(final WebSocket socket, final Throwable error) {
                    closed.complete(new Closed(-1, String.valueOf(error)));
                }
            }).get(5, TimeUnit.SECONDS);
        misbehave.accept(ws);
        final Closed result = closed.get(10, TimeUnit.SECONDS);
        ws.abort();
        return result;
    }

    private static void sendBinary(final WebSocket ws, final ByteBuffer frame) {
        ws.sendBinary(frame, true).join();
    }

    /** Runs one misbehaviour and checks the close, the counter, and that the real peer is still served. */
    private static void assertRefused(final Reason reason, final Consumer<WebSocket> misbehave) throws Exception {
        final long before = node.transport.rejections().get(reason.name());
        final Closed closed = closedAfter(misbehave);
        if (reason == Reason.FRAME_TOO_LARGE) {
            // Jetty refuses it from the length header, before reading it, with its own reason; we count it.
            assertTrue(closed.code() == 1009 || closed.code() == -1, "close: " + closed);
        } else {
            assertEquals(1008, closed.code(), "close: " + closed);
            assertTrue(closed.reason().startsWith(reason.name()), "close reason: " + closed);
        }
        TestNode.await("the counter", 5_000, () -> node.transport.rejections().get(reason.name()) == before + 1);
        assertPeerStillServed();
    }

    private static void assertPeerStillServed() {
        final int from = peerSent;
        for (int i = 0; i < 100; i++) {
            assertEquals(SendStatus.ACCEPTED,
                peer.transport.send("node-a", new WireEnvelope("node-a:x", null, 0, new byte[] {(byte) i})));
        }
        peerSent += 100;
        TestNode.await("the real peer's envelopes", 10_000, () -> node.delivered.size() == from + 100);
        assertTrue(node.isUpWith("node-b"));
    }

    private static ByteBuffer handshake(final String cluster) {
        return CODEC.encodeHandshake(new Handshake(cluster, "intruder", 1, ""));
    }

    @Test
    void shouldCloseATextFrame() throws Exception {
        assertRefused(Reason.TEXT_FRAME, ws -> ws.sendText("hello", true).join());
    }

    @Test
    void shouldCloseRandomBytes() throws Exception {
        final byte[] junk = new byte[300];
        new Random(1).nextBytes(junk);
        junk[0] = 0;
        assertRefused(Reason.BAD_MAGIC, ws -> sendBinary(ws, ByteBuffer.wrap(junk)));
    }

    @Test
    void shouldRefuseAFrameBeforeTheHandshakeByItsTypeWithoutDecodingIt() throws Exception {
        // A DATA frame whose envelope is broken: decoded first (as before), it was refused as MALFORMED after the
        // node had parsed what a stranger sent; now its type byte alone refuses it.
        final byte[] envelope = CODEC.envelopes().encode(1, new WireEnvelope("node-a:x", null, 0, new byte[30]));
        final ByteBuffer data = CODEC.encodeData(List.of(envelope), envelope.length);
        // The payload's length: before its 30 bytes and the trace id's 8.
        data.putInt(data.limit() - 42, -1);
        assertRefused(Reason.NOT_HANDSHAKE_FIRST, ws -> sendBinary(ws, data));
    }

    @Test
    void shouldCloseDataBeforeAHandshake() throws Exception {
        final byte[] envelope = CODEC.envelopes().encode(1, new WireEnvelope("node-a:x", null, 0, new byte[3]));
        assertRefused(Reason.NOT_HANDSHAKE_FIRST,
            ws -> sendBinary(ws, CODEC.encodeData(List.of(envelope), envelope.length)));
    }

    @Test
    void shouldCloseAHandshakeOfAnotherCluster() throws Exception {
        assertRefused(Reason.WRONG_CLUSTER, ws -> sendBinary(ws, handshake("elsewhere")));
    }

    @Test
    void shouldCloseAHandshakeOfAnotherProtocolVersion() throws Exception {
        final ByteBuffer frame = handshake("test");
        // Version 1, the previous protocol: its incarnation cannot be read as a uid, so it is refused, not decoded.
        frame.put(FrameLayout.VERSION_OFFSET, (byte) 1);
        assertRefused(Reason.BAD_VERSION, ws -> sendBinary(ws, frame));
    }

    @Test
    void shouldCloseAFrameOverTheLimit() throws Exception {
        // Refused from the frame header, while this client may still be writing the rest: the write may fail.
        final ByteBuffer big = ByteBuffer.allocate(1024 * 1024 + 1);
        big.putShort(FrameLayout.MAGIC).put(FrameLayout.CURRENT_VERSION).put(FrameLayout.TYPE_HANDSHAKE).rewind();
        assertRefused(Reason.FRAME_TOO_LARGE, ws -> ws.sendBinary(big, true));
    }

    @Test
    void shouldCloseATruncatedEnvelopeAfterAValidHandshake() throws Exception {
        final byte[] envelope = CODEC.envelopes().encode(1, new WireEnvelope("node-a:x", null, 0, new byte[30]));
        final ByteBuffer data = CODEC.encodeData(List.of(envelope), envelope.length);
        data.limit(data.limit() - 10);
        assertRefused(Reason.TRUNCATED, ws -> {
            sendBinary(ws, handshake("test"));
            sendBinary(ws, data);
        });
    }

    @Test
    void shouldCloseAMalformedEnvelopeAfterAValidHandshake() throws Exception {
        final byte[] envelope = CODEC.envelopes().encode(1, new WireEnvelope("node-a:x", null, 0, new byte[30]));
        final ByteBuffer data = CODEC.encodeData(List.of(envelope), envelope.length);
        // The payload's length: before its 30 bytes and the trace id's 8.
        data.putInt(data.limit() - 42, -1);
        assertRefused(Reason.MALFORMED, ws -> {
            sendBinary(ws, handshake("test"));
            sendBinary(ws, data);
        });
    }

    @Test
    void shouldCloseAConnectionThatNeverSendsAHandshake() throws Exception {
        assertRefused(Reason.HANDSHAKE_TIMEOUT, ws -> { });
    }
}
