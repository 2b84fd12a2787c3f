package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hamlet.transport.internal.ProtocolException.Reason;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static Reason refusal(final Handshake hs, final long known) {
        return assertThrows(ProtocolException.class, () -> hs.check("c", "node1", known)).reason();
    }

    @Test
    void shouldAcceptAPeerOfTheSameCluster() {
        assertDoesNotThrow(() -> new Handshake("c", "node2", 5, "").check("c", "node1", 5));
    }

    @Test
    void shouldRefuseAnotherClusterOwnIdBadIdAndStaleIncarnation() {
        assertEquals(Reason.WRONG_CLUSTER, refusal(new Handshake("other", "node2", 5, ""), 0));
        assertEquals(Reason.BAD_NODE_ID, refusal(new Handshake("c", "node1", 5, ""), 0));
        assertEquals(Reason.BAD_NODE_ID, refusal(new Handshake("c", "no de", 5, ""), 0));
        assertEquals(Reason.MALFORMED, refusal(new Handshake("c", "node2", 0, ""), 0));
        assertEquals(Reason.STALE_INCARNATION, refusal(new Handshake("c", "node2", 4, ""), 5));
    }
}
