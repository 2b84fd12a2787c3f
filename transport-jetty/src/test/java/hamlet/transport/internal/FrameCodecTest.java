package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.EnvelopeCodec.Sequenced;
import hamlet.transport.internal.FrameCodec.AckFrame;
import hamlet.transport.internal.FrameCodec.DataFrame;
import hamlet.transport.internal.FrameCodec.HandshakeFrame;
import hamlet.transport.internal.FrameCodec.HeartbeatFrame;
import hamlet.transport.internal.ProtocolException.Reason;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec(4096, 1024);

    private static byte[] bytes(final ByteBuffer frame) {
        final byte[] out = new byte[frame.remaining()];
        frame.duplicate().get(out);
        return out;
    }

    private ByteBuffer data(final WireEnvelope... envelopes) {
        final List<byte[]> encoded = new java.util.ArrayList<>();
        int total = 0;
        long seq = 1;
        for (final WireEnvelope e : envelopes) {
            final byte[] b = codec.envelopes().encode(seq++, e);
            encoded.add(b);
            total += b.length;
        }
        return codec.encodeData(encoded, total);
    }

    private Reason reasonOf(final byte[] frame) {
        return assertThrows(ProtocolException.class, () -> codec.decode(ByteBuffer.wrap(frame))).reason();
    }

    @Test
    void shouldRoundTripEveryFrameType() throws ProtocolException {
        final Handshake hs = new Handshake("c1", "node1", 42, "ws://127.0.0.1:1/hamlet");
        assertEquals(hs, ((HandshakeFrame) codec.decode(codec.encodeHandshake(hs))).handshake());
        assertEquals(7L, ((AckFrame) codec.decode(codec.encodeAck(3, 7))).seq());
        assertEquals(3L, ((AckFrame) codec.decode(codec.encodeAck(3, 7))).uid());
        assertInstanceOf(HeartbeatFrame.class, codec.decode(codec.encodeHeartbeat()));

        final WireEnvelope a = new WireEnvelope("node2:echo", "node1:me", 3, new byte[] {1, 2, 3});
        final WireEnvelope b = new WireEnvelope("node2:x", null, 255, new byte[0]);
        final List<Sequenced> batch = ((DataFrame) codec.decode(data(a, b))).envelopes();

        assertEquals(2, batch.size());
        assertEquals(1, batch.get(0).seq());
        assertEquals(2, batch.get(1).seq());
        assertEquals("node2:echo", batch.get(0).envelope().to());
        assertEquals("node1:me", batch.get(0).envelope().from());
        assertEquals(3, batch.get(0).envelope().codecId());
        assertArrayEquals(new byte[] {1, 2, 3}, batch.get(0).envelope().payload());
        assertNull(batch.get(1).envelope().from());
        assertEquals(255, batch.get(1).envelope().codecId());
    }

    @Test
    void shouldStartEveryFrameWithMagicVersionAndType() {
        final byte[] ack = bytes(codec.encodeAck(3, 1));
        assertEquals(0x48, ack[0]);
        assertEquals(0x4D, ack[1]);
        assertEquals(FrameLayout.CURRENT_VERSION, ack[2]);
        assertEquals(FrameLayout.TYPE_ACK, ack[3]);
    }

    @Test
    void shouldRefuseWrongMagic() {
        final byte[] frame = bytes(codec.encodeHeartbeat());
        frame[0] = 'G';
        assertEquals(Reason.BAD_MAGIC, reasonOf(frame));
    }

    @Test
    void shouldRefuseWrongVersion() {
        final byte[] frame = bytes(codec.encodeHeartbeat());
        frame[2] = 9;
        assertEquals(Reason.BAD_VERSION, reasonOf(frame));
    }

    @Test
    void shouldRefuseUnknownType() {
        final byte[] frame = bytes(codec.encodeHeartbeat());
        frame[3] = 99;
        assertEquals(Reason.UNKNOWN_TYPE, reasonOf(frame));
    }

    @Test
    void shouldRefuseFrameOverTheLimitBeforeReadingIt() {
        assertEquals(Reason.FRAME_TOO_LARGE, reasonOf(new byte[4097]));
    }

    @Test
    void shouldRefuseEveryTruncationOfADataFrame() {
        final byte[] frame = bytes(data(new WireEnvelope("node2:echo", "node1:me", 1, new byte[10])));
        for (int length = 0; length < frame.length; length++) {
            final Reason reason = reasonOf(Arrays.copyOf(frame, length));
            if (reason != Reason.TRUNCATED && reason != Reason.MALFORMED) {
                throw new AssertionError("length " + length + " gave " + reason);
            }
        }
    }

    @Test
    void shouldRefuseBytesLeftOver() {
        final byte[] frame = bytes(codec.encodeAck(3, 1));
        assertEquals(Reason.MALFORMED, reasonOf(Arrays.copyOf(frame, frame.length + 1)));
    }

    @Test
    void shouldRefuseAnImpossibleCountWithoutAllocatingForIt() {
        final ByteBuffer frame = ByteBuffer.allocate(FrameLayout.DATA_PREFIX_LENGTH).putShort(FrameLayout.MAGIC)
            .put(FrameLayout.CURRENT_VERSION).put(FrameLayout.TYPE_DATA).putInt(Integer.MAX_VALUE);
        assertEquals(Reason.MALFORMED, reasonOf(frame.array()));
    }

    @Test
    void shouldRefuseAPayloadLengthOverTheEnvelopeLimit() {
        final ByteBuffer frame = ByteBuffer.allocate(64).putShort(FrameLayout.MAGIC).put(FrameLayout.CURRENT_VERSION)
            .put(FrameLayout.TYPE_DATA).putInt(1).putLong(1).put((byte) 0).putShort((short) 1).put((byte) 'a')
            .putShort((short) 0xFFFF).putInt(Integer.MAX_VALUE);
        // Eight bytes more, so that the count passes its check against the smallest version-3 envelope.
        assertEquals(Reason.ENVELOPE_TOO_LARGE, reasonOf(Arrays.copyOf(frame.array(), frame.position() + 8)));
    }

    @Test
    void shouldRefuseANegativePayloadLengthAndAZeroSequence() {
        final ByteBuffer frame = ByteBuffer.allocate(64).putShort(FrameLayout.MAGIC).put(FrameLayout.CURRENT_VERSION)
            .put(FrameLayout.TYPE_DATA).putInt(1).putLong(1).put((byte) 0).putShort((short) 1).put((byte) 'a')
            .putShort((short) 0xFFFF).putInt(-5);
        assertEquals(Reason.MALFORMED, reasonOf(Arrays.copyOf(frame.array(), frame.position())));
        final byte[] zeroSeq = bytes(data(new WireEnvelope("n:a", null, 0, new byte[0])));
        Arrays.fill(zeroSeq, FrameLayout.DATA_PREFIX_LENGTH, FrameLayout.DATA_PREFIX_LENGTH + 8, (byte) 0);
        assertEquals(Reason.MALFORMED, reasonOf(zeroSeq));
    }

    @Test
    void shouldRefuseInvalidUtf8InAnAddress() {
        final byte[] frame = bytes(data(new WireEnvelope("n:ab", null, 0, new byte[0])));
        frame[FrameLayout.DATA_PREFIX_LENGTH + 11] = (byte) 0xFF;
        assertEquals(Reason.MALFORMED, reasonOf(frame));
    }

    @Test
    void shouldDecodeAsciiAndNonAsciiAddressesFromASlicedBuffer() throws ProtocolException {
        final WireEnvelope ascii = new WireEnvelope("node2:echo", "node1:me", 1, new byte[] {9});
        final WireEnvelope utf8 = new WireEnvelope("n\u00f6de2:\u00e9cho", "node1:m\u00e9", 1, new byte[] {8});
        final byte[] frame = bytes(data(ascii, utf8));
        final byte[] padded = new byte[frame.length + 5];
        System.arraycopy(frame, 0, padded, 3, frame.length);
        final ByteBuffer slice = ByteBuffer.wrap(padded, 3, frame.length).slice();

        final List<Sequenced> batch = ((DataFrame) codec.decode(slice)).envelopes();

        assertEquals(ascii.to(), batch.get(0).envelope().to());
        assertEquals(ascii.from(), batch.get(0).envelope().from());
        assertEquals(utf8.to(), batch.get(1).envelope().to());
        assertEquals(utf8.from(), batch.get(1).envelope().from());
        assertArrayEquals(new byte[] {8}, batch.get(1).envelope().payload());
    }

    @Test
    void shouldRefuseToEncodeAnEnvelopeOverTheLimit() {
        assertNull(codec.envelopes().encode(1, new WireEnvelope("n:a", null, 0, new byte[1024])));
        final int fits = 1024 - (EnvelopeCodec.MIN_LENGTH - 1 + 3);
        assertEquals(1024, codec.envelopes().encode(1, new WireEnvelope("n:a", null, 0, new byte[fits])).length);
    }

    @Test
    void shouldNeverThrowAnythingButProtocolExceptionOnRandomBytes() {
        final Random random = new Random(4);
        for (int i = 0; i < 20_000; i++) {
            final byte[] frame = new byte[random.nextInt(64)];
            random.nextBytes(frame);
            if (i % 2 == 0 && frame.length >= 4) {
                frame[0] = 0x48;
                frame[1] = 0x4D;
                frame[2] = 1;
                frame[3] = (byte) (1 + random.nextInt(4));
            }
            try {
                codec.decode(ByteBuffer.wrap(frame));
            } catch (final ProtocolException expected) {
                // fine: every bad frame is a typed refusal
            }
        }
    }

    @Test
    void shouldRefuseAHandshakeStringOverItsBound() {
        final byte[] name = "x".repeat(FrameLayout.MAX_HANDSHAKE_STRING + 1).getBytes(StandardCharsets.UTF_8);
        final ByteBuffer frame = ByteBuffer.allocate(2048).putShort(FrameLayout.MAGIC)
            .put(FrameLayout.CURRENT_VERSION).put(FrameLayout.TYPE_HANDSHAKE).putShort((short) name.length).put(name);
        assertEquals(Reason.MALFORMED, reasonOf(Arrays.copyOf(frame.array(), frame.position())));
    }
}
