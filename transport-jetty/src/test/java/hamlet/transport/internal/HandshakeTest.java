package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.transport.internal.ProtocolException.Reason;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static Reason refusal(final Handshake hs) {
        return assertThrows(ProtocolException.class, () -> hs.check("c", "node1")).reason();
    }

    @Test
    void shouldAcceptAPeerOfTheSameClusterWhateverItsUid() throws ProtocolException {
        // No uid ranks above another: a small one after a large one is a restart, not a stale process.
        new Handshake("c", "node2", Long.MAX_VALUE, "").check("c", "node1");
        new Handshake("c", "node2", -3, "").check("c", "node1");
        new Handshake("c", "node2", 1, "").check("c", "node1");
        assertEquals("node2", new Handshake("c", "node2", 1, "").nodeId());
    }

    @Test
    void shouldRefuseAnotherClusterOwnIdBadIdAndUidZero() {
        assertEquals(Reason.WRONG_CLUSTER, refusal(new Handshake("other", "node2", 5, "")));
        assertEquals(Reason.BAD_NODE_ID, refusal(new Handshake("c", "node1", 5, "")));
        assertEquals(Reason.BAD_NODE_ID, refusal(new Handshake("c", "no de", 5, "")));
        assertEquals(Reason.MALFORMED, refusal(new Handshake("c", "node2", 0, "")));
    }

    @Test
    void shouldShowAPeersTextWithoutLineBreaksOrFlooding() {
        final ProtocolException e = assertThrows(ProtocolException.class,
            () -> new Handshake("evil\n[node1] forged line", "node2", 5, "").check("c", "node1"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("\\u000a"), e.getMessage());
        final String shown = Handshake.shown("x".repeat(10_000));
        assertTrue(shown.length() < 100, shown);
    }
}
