package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/**
 * The transport's agent thread runs every link's heartbeats, silence checks, expiry and dials: before, an Error
 * thrown in it (here by the registry, while dead-lettering an expired envelope) cancelled the timer for every peer
 * with no sign, and lost the other expired envelopes of that tick without a dead letter.
 */
class AgentSurvivalTest {
    private static TransportSettings shortLived(final String id) {
        final TransportSettings t = TransportSettings.localTest(id, List.of());
        return new TransportSettings(t.nodeId(), t.host(), t.port(), t.cluster(), t.seeds(), t.maxFrameBytes(),
            t.maxEnvelopeBytes(), t.outboxLimit(), Duration.ofMillis(300).toNanos(), t.retryMax(),
            t.heartbeatIntervalNs(), t.silenceTimeoutNs(), t.handshakeTimeoutNs(), t.backoffMinNs(),
            t.backoffMaxNs(), t.dedupWindow(), t.outboxMaxBytes(), t.nodeOutboxMaxBytes(), t.maxConnections(),
            t.maxConnectionsPerAddress(), t.compression(), t.maxUnknownPeers());
    }

    @Test
    void shouldGoOnServingEveryPeerAfterAnErrorInOneLinksWork() throws Exception {
        try (TestNode a = new TestNode(shortLived("node-a")); TestNode b = TestNode.start("node-b", a.transport.url());
             TestNode c = TestNode.start("node-c", a.transport.url())) {
            TestNode.await("the links", 10_000, () -> a.isUpWith("node-b") && a.isUpWith("node-c"));
            b.transport.pauseListener();
            a.transport.pauseListener();
            TestNode.await("node-b away", 10_000, () -> !a.isUpWith("node-b"));
            a.transport.resumeListener();
            TestNode.await("node-c back", 10_000, () -> a.isUpWith("node-c"));

            a.failNextUndeliverable = new StackOverflowError("a registry that fails in the agent");
            for (int i = 0; i < 3; i++) {
                assertEquals(SendStatus.ACCEPTED, a.transport.send("node-b",
                    new WireEnvelope("node-b:x", null, 0, new byte[] {(byte) i})));
            }
            TestNode.await(() -> "the other expired envelopes dead-lettered: " + a.undeliverable, 10_000,
                () -> a.undeliverable.size() == 2);
            assertEquals(1L, a.transport.counters().get("delivery.failures"));

            final long dials = a.transport.counters().get("dials");
            TestNode.await("the agent still dialing node-b", 10_000, () -> a.transport.counters().get("dials") > dials);
            for (int i = 0; i < 10; i++) {
                assertEquals(SendStatus.ACCEPTED, a.transport.send("node-c",
                    new WireEnvelope("node-c:x", null, 0, new byte[] {(byte) i})));
            }
            TestNode.await("node-c served", 10_000, () -> c.delivered.size() == 10);
            assertTrue(a.isUpWith("node-c"));
        }
    }
}
