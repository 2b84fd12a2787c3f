package hamlet.gossip.internal;

import hamlet.api.cluster.MemberLoad;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

class MessageTest {
    private static final Message.Self SELF = new Message.Self(42, "ws://10.0.0.1:7701/hamlet", 3, 7, 9,
        new MemberLoad(12, 0.5, 0.25));

    private static byte[] ping() {
        final WireWriter out = Message.header(Message.Type.PING, SELF);
        out.i64(5).string("node2").i64(77);
        final Broadcasts b = new Broadcasts();
        b.queue(Update.alive("node3", 1, 2, "ws://10.0.0.3:7701/hamlet", 4));
        b.queue(Update.suspect("node4", 5, 6, "node1"));
        b.fill(out, 4096, 10, Update.left("node5", 8, 9));
        return out.toBytes();
    }

    @Test
    void shouldDecodeWhatItEncodes() throws Malformed {
        final Message m = Message.decode(ping());
        assertEquals(Message.Type.PING, m.type());
        assertEquals(42, m.senderUid());
        assertEquals("ws://10.0.0.1:7701/hamlet", m.senderUrl());
        assertEquals(3, m.senderIncarnation());
        assertEquals(7, m.senderDirVersion());
        assertEquals(9, m.senderLoadVersion());
        assertEquals(new MemberLoad(12, 0.5, 0.25), m.senderLoad());
        assertEquals(5, m.seq());
        assertEquals("node2", m.targetId());
        assertEquals(77, m.targetUid());
        assertEquals(List.of(Update.left("node5", 8, 9), Update.suspect("node4", 5, 6, "node1"),
            Update.alive("node3", 1, 2, "ws://10.0.0.3:7701/hamlet", 4)), m.updates(),
            "the buddy update first, then the newest");
    }

    @Test
    void shouldRefuseEveryTruncationOfAValidMessage() {
        final byte[] valid = ping();
        for (int length = 0; length < valid.length; length++) {
            final byte[] cut = Arrays.copyOf(valid, length);
            assertThrows(Malformed.class, () -> Message.decode(cut), "truncated to " + length + " bytes");
        }
        final byte[] longer = Arrays.copyOf(valid, valid.length + 1);
        assertThrows(Malformed.class, () -> Message.decode(longer), "a byte after the end");
    }

    @Test
    void shouldRefuseACountThatCannotFitBeforeAllocatingForIt() {
        final WireWriter out = Message.header(Message.Type.GOSSIP, SELF);
        out.u16(65_535);
        final Malformed e = assertThrows(Malformed.class, () -> Message.decode(out.toBytes()));
        assertEquals("a count of 65535 items does not fit in the 0 bytes left", e.getMessage());
    }

    @Test
    void shouldRefuseAnOversizedStringAndABadMagicOrVersion() {
        final WireWriter out = Message.header(Message.Type.GOSSIP, SELF);
        final byte[] bytes = out.toBytes();
        bytes[0] = 'X';
        assertThrows(Malformed.class, () -> Message.decode(bytes));
        final byte[] v2 = out.toBytes();
        v2[1] = 2;
        assertEquals("gossip version 2, this node speaks 1",
            assertThrows(Malformed.class, () -> Message.decode(v2)).getMessage());
        final WireWriter big = new WireWriter().u8('G').u8(1).u8(Message.Type.GOSSIP.ordinal()).i64(1).u16(5_000);
        assertThrows(Malformed.class, () -> Message.decode(big.toBytes()));
    }

    @Test
    void shouldOnlyEverThrowMalformedOnRandomBytes() {
        final Random random = new Random(20261129);
        final byte[] valid = ping();
        for (int i = 0; i < 20_000; i++) {
            final byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
            } else {
                bytes = valid.clone();
                for (int flips = 0; flips < 3; flips++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                Message.decode(bytes);
            } catch (final Malformed expected) {
                // refused: fine
            } catch (final RuntimeException e) {
                fail("decoding " + Arrays.toString(bytes) + " threw " + e);
            }
        }
    }
}
