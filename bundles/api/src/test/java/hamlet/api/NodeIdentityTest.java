package hamlet.api;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeIdentityTest {
    @Test
    void shouldFoldFrameworkUuidHalvesWithXor() {
        final UUID uuid = UUID.fromString("01234567-89ab-cdef-fedc-ba9876543210");
        assertEquals(0x0123456789abcdefL ^ 0xfedcba9876543210L, NodeIdentity.uidOf(uuid.toString()));
        assertEquals(NodeIdentity.uidOf(uuid.toString()), NodeIdentity.uidOf(uuid.toString()),
            "every bundle of one framework start gets the same uid");
    }

    @Test
    void shouldUseHashCodeOfAValueThatIsNotAUuid() {
        assertEquals("not-a-uuid".hashCode(), NodeIdentity.uidOf("not-a-uuid"));
    }

    @Test
    void shouldGiveARandomNonZeroUidWithoutAUuidOrWhenTheFoldIsZero() {
        final long first = NodeIdentity.uidOf(null);
        assertNotEquals(0, first);
        assertNotEquals(first, NodeIdentity.uidOf(null));
        // Both halves equal: the fold is 0, which means "not known" where uids are shown.
        assertNotEquals(0, NodeIdentity.uidOf("00000000-0000-0001-0000-000000000001"));
        assertNotEquals(0, NodeIdentity.uidOf(""), "\"\".hashCode() is 0");
    }

    @Test
    void shouldShowUidAs16HexDigits() {
        assertEquals("000000000000001f", new NodeIdentity("node1", "127.0.0.1", 7701, 0x1fL).uidHex());
        assertEquals("fedcba9876543210",
            new NodeIdentity("node1", "127.0.0.1", 7701, 0xfedcba9876543210L).uidHex());
        assertEquals("node1 at 127.0.0.1:7701 (uid 000000000000001f)",
            new NodeIdentity("node1", "127.0.0.1", 7701, 0x1fL).toString());
    }

    @Test
    void shouldRefuseFieldsThatCannotBeAnIdentity() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NodeIdentity("", "h", 1, 1)).getMessage()
            .startsWith("hamlet.node.id '' is empty"));
        assertThrows(IllegalArgumentException.class, () -> new NodeIdentity("a:b", "h", 1, 1));
        assertEquals("hamlet.node.host must be a host name or IP address, got ' '",
            assertThrows(IllegalArgumentException.class, () -> new NodeIdentity("n", " ", 1, 1)).getMessage());
        assertEquals("hamlet.node.port must be between 0 and 65535, got 65536",
            assertThrows(IllegalArgumentException.class, () -> new NodeIdentity("n", "h", 65536, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NodeIdentity("n", "h", 1, 0));
        assertEquals(0, new NodeIdentity("n", "h", 0, 1).port(), "port 0: the transport picks one");
    }

    @Test
    void shouldBeEqualByValue() {
        assertEquals(new NodeIdentity("n", "h", 1, 7), new NodeIdentity("n", "h", 1, 7));
        assertNotEquals(new NodeIdentity("n", "h", 1, 7), new NodeIdentity("n", "h", 2, 7));
    }
}
