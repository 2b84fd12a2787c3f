package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@code Transport.forget} and {@code dialNow} between two real transports: what waited for a removed node becomes
 * undeliverable with the reason at once, the link and its dialing go, and a link the node makes later carries on
 * where the forgotten one stopped.
 */
class ForgetTest {
    private static final String GONE = "node node-b is gone: declared dead and removed by membership after "
        + "hamlet.gossip.remove-after";

    private static WireEnvelope numbered(final long n) {
        return new WireEnvelope("node-b:x", "node-a:sender", 1, ByteBuffer.allocate(8).putLong(n).array());
    }

    private static long number(final TestNode.Delivery d) {
        return ByteBuffer.wrap(d.envelope().payload()).getLong();
    }

    @Test
    void shouldHandBackTheOutboxWithTheReasonDropTheLinkAndStopDialing() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            for (int i = 0; i < 10; i++) {
                assertEquals(SendStatus.ACCEPTED, a.transport.send("node-b", numbered(i)));
            }
            TestNode.await("the first ten", 10_000, () -> b.delivered.size() == 10);
            TestNode.await("acknowledged", 10_000, () -> a.transport.peers().get(0).outbox() == 0);

            b.transport.pauseListener();
            TestNode.await("the link to go down", 10_000, () -> !a.isUpWith("node-b"));
            for (int i = 10; i < 15; i++) {
                assertEquals(SendStatus.ACCEPTED, a.transport.send("node-b", numbered(i)), "buffered while away");
            }

            a.transport.forget("node-b", GONE);

            TestNode.await("the buffered five handed back", 10_000, () -> a.undeliverable.size() == 5);
            assertTrue(a.undeliverable.stream().allMatch(("node-b: " + GONE)::equals), a.undeliverable.toString());
            assertEquals(List.of(), a.transport.peers(), "no link, and nothing dialed for it");
            assertEquals(0L, a.transport.counters().get("dial.targets"), "node-b's URL is no longer dialed");
            assertEquals(SendStatus.UNKNOWN_NODE, a.transport.send("node-b", numbered(99)));
            assertEquals(1L, a.transport.counters().get("peers.forgotten-by-membership"));

            // node-b was alive all along (a false removal) and kept its link, with its window for node-a's uid.
            b.transport.resumeListener();
            TestNode.await("node-b dials its seed again: a fresh link", 10_000,
                () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            for (int i = 100; i < 103; i++) {
                assertEquals(SendStatus.ACCEPTED, a.transport.send("node-b", numbered(i)));
            }
            TestNode.await(() -> "the three sent on the new link, got " + b.delivered.size(), 10_000,
                () -> b.delivered.size() == 13);
            assertEquals(List.of(100L, 101L, 102L), b.delivered.stream().skip(10).map(ForgetTest::number).toList(),
                "not taken for duplicates of the first ten: the new link's sequences carry on");
            assertEquals(0L, b.transport.counters().get("duplicates.dropped"));
            assertEquals(5, a.undeliverable.size(), "nothing more given up");
        }
    }

    @Test
    void shouldIgnoreANodeItDoesNotKnow() throws Exception {
        try (TestNode a = TestNode.start("node-a")) {
            a.transport.forget("nobody", GONE);
            a.transport.dialNow("nobody", null);
            a.transport.dialNow("nobody", "not a url");
            TestNode.await("the agent to have run them", 10_000,
                () -> a.transport.counters().getOrDefault("agent.failures", 0L) == 0
                    && a.transport.counters().getOrDefault("dials.now", 0L) == 0);
            assertEquals(List.of(), a.transport.peers());
            assertTrue(a.undeliverable.isEmpty());
        }
    }

    @Test
    void shouldDialANodeAtOnceWhenMembershipSaysItIsBack() throws Exception {
        try (TestNode b = TestNode.start("node-b"); TestNode a = TestNode.start("node-a")) {
            assertEquals(List.of(), a.transport.peers(), "node-a knows nothing of node-b");

            a.transport.dialNow("node-b", b.transport.url());

            TestNode.await("the link membership asked for", 10_000, () -> a.isUpWith("node-b"));
            assertEquals(1L, a.transport.counters().get("dials.now"));
        }
    }
}
