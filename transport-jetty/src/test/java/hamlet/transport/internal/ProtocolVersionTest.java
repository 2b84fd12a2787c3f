package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.FrameCodec.DataFrame;
import hamlet.transport.internal.FrameCodec.HandshakeFrame;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Protocol version 3 (a trace id in each envelope) beside version 2: the codec decodes both, a frame for a version-2
 * peer leaves the trace ids out, and a version-3 node links with a node that speaks only version 2 (as the previous
 * release does) whichever side dials, both using version 2.
 */
class ProtocolVersionTest {
    private static final int LIMIT = 1 << 20;
    private final FrameCodec codec = new FrameCodec(LIMIT, LIMIT);
    private final FrameCodec oldCodec = new FrameCodec(LIMIT, LIMIT, FrameLayout.PREVIOUS_VERSION);

    private ByteBuffer dataFrame(final WireEnvelope... envelopes) {
        final List<byte[]> encoded = new java.util.ArrayList<>();
        int total = 0;
        long seq = 1;
        for (final WireEnvelope envelope : envelopes) {
            final byte[] bytes = codec.envelopes().encode(seq++, envelope);
            encoded.add(bytes);
            total += bytes.length;
        }
        return codec.encodeData(encoded, total);
    }

    @Test
    void shouldCarryTheTraceIdInAVersion3Envelope() throws Exception {
        final ByteBuffer frame = dataFrame(new WireEnvelope("n2:a", "n1:b", 3, new byte[] {1, 2}, 0x0123456789abcdefL),
            new WireEnvelope("n2:a", null, 1, new byte[0], -7L));
        assertEquals(FrameLayout.CURRENT_VERSION, frame.get(FrameLayout.VERSION_OFFSET));
        final DataFrame data = (DataFrame) codec.decode(frame);
        assertEquals(0x0123456789abcdefL, data.envelopes().get(0).envelope().traceId());
        assertArrayEquals(new byte[] {1, 2}, data.envelopes().get(0).envelope().payload());
        assertEquals("n1:b", data.envelopes().get(0).envelope().from());
        assertEquals(-7L, data.envelopes().get(1).envelope().traceId());
        assertNull(data.envelopes().get(1).envelope().from());
        assertEquals(2, data.envelopes().get(1).seq());
    }

    @Test
    void shouldDowngradeADataFrameSoThatAVersion2NodeReadsItWithoutTraceIds() throws Exception {
        final ByteBuffer frame = dataFrame(new WireEnvelope("n2:a", "n1:b", 3, new byte[] {9}, 42L),
            new WireEnvelope("n2:é", null, 1, new byte[300], 43L));
        final ByteBuffer old = FrameCodec.downgrade(frame);
        assertEquals(FrameLayout.PREVIOUS_VERSION, old.get(FrameLayout.VERSION_OFFSET));
        assertEquals(frame.remaining() - 16, old.remaining());
        // A node that decodes version 2 only (the previous release) reads it; so does this one, with no trace ids.
        for (final FrameCodec reader : List.of(oldCodec, codec)) {
            final DataFrame data = (DataFrame) reader.decode(old.duplicate());
            assertEquals(2, data.envelopes().size());
            assertEquals(0L, data.envelopes().get(0).envelope().traceId());
            assertEquals("n2:é", data.envelopes().get(1).envelope().to());
            assertEquals(300, data.envelopes().get(1).envelope().payload().length);
        }
    }

    @Test
    void shouldDowngradeOtherFramesByTheirVersionByteAlone() throws Exception {
        final ByteBuffer handshake = FrameCodec.downgrade(codec.encodeHandshake(
            new Handshake("c", "n1", 5L, "ws://h:1/hamlet")));
        assertEquals(FrameLayout.PREVIOUS_VERSION, handshake.get(FrameLayout.VERSION_OFFSET));
        assertEquals("n1", ((HandshakeFrame) oldCodec.decode(handshake)).handshake().nodeId());
        assertEquals(FrameLayout.PREVIOUS_VERSION, FrameCodec.downgrade(codec.encodeAck(1, 2))
            .get(FrameLayout.VERSION_OFFSET));
    }

    @Test
    void shouldRefuseVersion1AndAVersion2NodeRefusesVersion3() {
        final ByteBuffer v1 = codec.encodeHeartbeat();
        v1.put(FrameLayout.VERSION_OFFSET, (byte) 1);
        final ProtocolException refused = assertThrows(ProtocolException.class, () -> codec.decode(v1));
        assertEquals(ProtocolException.Reason.BAD_VERSION, refused.reason());
        assertTrue(refused.getMessage().contains("2 and 3"), refused.getMessage());
        final ProtocolException old = assertThrows(ProtocolException.class,
            () -> oldCodec.decode(codec.encodeHeartbeat()));
        assertEquals(ProtocolException.Reason.BAD_VERSION, old.reason());
    }

    @Test
    void shouldAgreeOnTheLowerVersion() throws Exception {
        try (TestNode current = TestNode.start("node-v3"); TestNode old = TestNode.startSpeaking(
            FrameLayout.PREVIOUS_VERSION, "node-v2")) {
            assertEquals(FrameLayout.PREVIOUS_VERSION, current.transport.agreedVersion(null));
            assertEquals(FrameLayout.PREVIOUS_VERSION, current.transport.agreedVersion("2"));
            assertEquals(FrameLayout.CURRENT_VERSION, current.transport.agreedVersion("3"));
            assertEquals(FrameLayout.CURRENT_VERSION, current.transport.agreedVersion("9"));
            assertEquals(FrameLayout.PREVIOUS_VERSION, current.transport.agreedVersion("junk"));
            assertEquals(FrameLayout.PREVIOUS_VERSION, old.transport.agreedVersion("3"));
        }
    }

    @Test
    void shouldLinkAVersion3NodeDialingAVersion2Node() throws Exception {
        try (TestNode old = TestNode.startSpeaking(FrameLayout.PREVIOUS_VERSION, "node-v2");
             TestNode current = TestNode.start("node-v3", old.transport.url())) {
            exchange(current, old);
        }
    }

    @Test
    void shouldLinkAVersion2NodeDialingAVersion3Node() throws Exception {
        try (TestNode current = TestNode.start("node-v3");
             TestNode old = TestNode.startSpeaking(FrameLayout.PREVIOUS_VERSION, "node-v2", current.transport.url())) {
            exchange(current, old);
        }
    }

    @Test
    void shouldCarryTraceIdsBetweenTwoVersion3Nodes() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            assertEquals(SendStatus.ACCEPTED, b.transport.send("node-a",
                new WireEnvelope("node-a:x", "node-b:y", 1, new byte[] {1}, 77L)));
            TestNode.await("the delivery", 10_000, () -> !a.delivered.isEmpty());
            assertEquals(77L, a.delivered.peek().envelope().traceId());
        }
    }

    /** Messages both ways, with no connection refused: the trace ids are left out (version 2). */
    private static void exchange(final TestNode current, final TestNode old) {
        TestNode.await("the link", 10_000, () -> current.isUpWith("node-v2") && old.isUpWith("node-v3"));
        for (int i = 0; i < 100; i++) {
            assertEquals(SendStatus.ACCEPTED, current.transport.send("node-v2",
                new WireEnvelope("node-v2:x", "node-v3:y", 1, new byte[] {(byte) i}, 1000L + i)));
            assertEquals(SendStatus.ACCEPTED, old.transport.send("node-v3",
                new WireEnvelope("node-v3:x", null, 1, new byte[] {(byte) i}, 0L)));
        }
        TestNode.await(() -> "deliveries: v2 got " + old.delivered.size() + ", v3 got " + current.delivered.size(),
            10_000, () -> old.delivered.size() >= 100 && current.delivered.size() >= 100);
        assertTrue(old.delivered.stream().allMatch(d -> d.envelope().traceId() == 0));
        assertTrue(current.delivered.stream().allMatch(d -> d.envelope().traceId() == 0));
        assertEquals(0, current.transport.rejectedTotal() + old.transport.rejectedTotal(),
            current.transport.rejections() + " " + old.transport.rejections());
    }
}
