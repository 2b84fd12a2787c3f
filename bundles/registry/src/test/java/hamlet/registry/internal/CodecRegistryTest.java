package hamlet.registry.internal;

import com.google.gson.JsonPrimitive;
import hamlet.api.Codec;
import hamlet.api.DeadLetter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecRegistryTest {
    private final CodecRegistry codecs = new CodecRegistry();

    @Test
    void shouldUseTheBuiltInCodecsByBodyType() {
        assertEquals(CodecRegistry.BYTES, codecs.encode(new byte[] {1}).codecId());
        assertEquals(CodecRegistry.STRING, codecs.encode("é").codecId());
        assertEquals(CodecRegistry.JSON, codecs.encode(new Point(1, 2)).codecId());
        assertEquals(CodecRegistry.JSON, codecs.encode(new JsonPrimitive(3)).codecId());
    }

    @Test
    void shouldDecodeWhatItEncoded() {
        assertArrayEquals(new byte[] {1, 2}, (byte[]) roundTrip(new byte[] {1, 2}));
        assertEquals("héllo", roundTrip("héllo"));
        assertEquals(new JsonPrimitive(3), roundTrip(new JsonPrimitive(3)));
        assertEquals("{\"x\":1,\"y\":2}", roundTrip(new Point(1, 2)).toString(), "an object arrives as JSON");
    }

    @Test
    void shouldCarryADeadLetterNoticeWithItsBodyAsJson() {
        final DeadLetter letter = new DeadLetter("node2:x", "node1:me", new Point(1, 2),
            DeadLetter.Reason.UNKNOWN_ACTOR, "no actor named x on node2", Instant.parse("2024-01-02T03:04:05Z"));

        final DeadLetter back = (DeadLetter) roundTrip(letter);

        assertEquals("node2:x", back.to());
        assertEquals("node1:me", back.from());
        assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, back.reason());
        assertEquals(letter.detail(), back.detail());
        assertEquals(letter.at(), back.at());
        assertEquals("{\"x\":1,\"y\":2}", back.body().toString());
        assertEquals("text", ((DeadLetter) roundTrip(new DeadLetter("a", null, "text",
            DeadLetter.Reason.NO_SENDER, "d", Instant.EPOCH))).body(), "a string body stays a string");
        assertEquals(0L, back.traceId(), "a letter without a trace comes back without one");
        assertEquals(0x0123456789abcdefL, ((DeadLetter) roundTrip(new DeadLetter("a", null, "text",
            DeadLetter.Reason.UNKNOWN_ACTOR, "d", Instant.EPOCH, 0x0123456789abcdefL))).traceId(),
            "the notice to a sender on another node keeps the trace id");
    }

    @Test
    void shouldPreferARegisteredCodecForItsTypeAndDecodeByItsId() {
        assertTrue(codecs.register(new PointCodec(100)));

        final CodecRegistry.Encoded encoded = codecs.encode(new Point(7, 9));

        assertEquals(100, encoded.codecId());
        assertEquals(8, encoded.bytes().length);
        assertEquals(new Point(7, 9), codecs.decode(100, encoded.bytes()));
    }

    @Test
    void shouldRefuseAReservedOrTakenIdAndFallBackToJsonWhenUnregistered() {
        assertFalse(codecs.register(new PointCodec(3)), "below FIRST_USER_ID");
        final PointCodec first = new PointCodec(100);
        assertTrue(codecs.register(first));
        assertFalse(codecs.register(new PointCodec(100)), "id taken");

        codecs.unregister(first);

        assertEquals(CodecRegistry.JSON, codecs.encode(new Point(1, 2)).codecId());
    }

    @Test
    void shouldNameWhatIsWrongWithBytesItCannotDecode() {
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> codecs.decode(99, new byte[0]));
        assertTrue(unknown.getMessage().contains("unknown codec id 99"), unknown.getMessage());
        final IllegalArgumentException json = assertThrows(IllegalArgumentException.class,
            () -> codecs.decode(CodecRegistry.JSON, "{".getBytes()));
        assertTrue(json.getMessage().contains("malformed JSON"), json.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codecs.decode(CodecRegistry.DEAD_LETTER, "{}".getBytes()));
        codecs.register(new PointCodec(100));
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> codecs.decode(100, new byte[3]));
        assertTrue(bad.getMessage().contains("codec 100"), bad.getMessage());
    }

    private Object roundTrip(final Object body) {
        final CodecRegistry.Encoded encoded = codecs.encode(body);
        return codecs.decode(encoded.codecId(), encoded.bytes());
    }

    record Point(int x, int y) {
    }

    /** Two ints, big-endian. */
    private static final class PointCodec implements Codec<Point> {
        private final int id;

        PointCodec(final int id) {
            this.id = id;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public Class<Point> type() {
            return Point.class;
        }

        @Override
        public byte[] encode(final Point value) {
            return ByteBuffer.allocate(8).putInt(value.x()).putInt(value.y()).array();
        }

        @Override
        public Point decode(final byte[] bytes) {
            if (bytes.length != 8) {
                throw new IllegalArgumentException("a point is 8 bytes, got " + bytes.length);
            }
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new Point(buffer.getInt(), buffer.getInt());
        }
    }
}
