package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link hamlet.api.transport.Transport#reclaim} between two real transports on 127.0.0.1: while the link is down,
 * and on a live link under traffic. Every envelope ends up delivered or handed back, never lost; the ones kept arrive
 * once, in order; none handed back is delivered by the transport afterwards.
 */
class ReclaimTest {
    /** Bodies of 1 KiB: enough of them fill the sockets' buffers, so that some wait in the outbox unwritten. */
    private static final int BODY_BYTES = 1024;

    private static WireEnvelope numbered(final long n) {
        return new WireEnvelope("node-a:x", "sender", 1, ByteBuffer.allocate(BODY_BYTES).putLong(n).array());
    }

    private static long number(final WireEnvelope e) {
        return ByteBuffer.wrap(e.payload()).getLong();
    }

    private static void sendAll(final TestNode from, final int first, final int count) {
        for (int i = first; i < first + count; i++) {
            assertEquals(SendStatus.ACCEPTED, from.transport.send("node-a", numbered(i)));
        }
    }

    private static List<Long> delivered(final TestNode to) {
        final List<Long> got = new ArrayList<>();
        to.delivered.forEach(d -> got.add(number(d.envelope())));
        return got;
    }

    private static List<Long> handedBack(final TestNode from) {
        final List<Long> got = new ArrayList<>();
        from.reclaimed.forEach(list -> list.forEach(e -> got.add(number(e))));
        return got;
    }

    private static void assertIncreasing(final String what, final List<Long> numbers) {
        for (int i = 1; i < numbers.size(); i++) {
            assertTrue(numbers.get(i) > numbers.get(i - 1), what + " out of order or twice at " + i + ": "
                + numbers.get(i - 1) + " then " + numbers.get(i));
        }
    }

    private static long reclaims(final TestNode node) {
        return node.transport.counters().getOrDefault("reclaims", 0L);
    }

    @Test
    void shouldReclaimWaitingAndUnackedWhileTheLinkIsDownThenDeliverTheRestOnceInOrder() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));

            // The cut comes while a delivers the first batch: what b wrote is unacknowledged at the cut.
            final CountDownLatch hold = new CountDownLatch(1);
            a.holdDeliveries = hold;
            sendAll(b, 0, 20_000);
            assertTrue(a.deliveryHeld.await(10, TimeUnit.SECONDS), "a first delivery");
            a.transport.pauseListener();
            b.transport.pauseListener();
            a.holdDeliveries = null;
            hold.countDown();
            TestNode.await("the link to go down", 10_000, () -> !a.isUpWith("node-b") && !b.isUpWith("node-a"));
            final long unacknowledgedAtCut = b.transport.peers().get(0).outbox();
            sendAll(b, 20_000, 10_000);

            b.transport.reclaim("node-a", e -> number(e) % 3 == 0, "moved to node-c");
            TestNode.await("the hand-back", 10_000, () -> !b.reclaimed.isEmpty());
            final List<Long> back = handedBack(b);

            a.transport.resumeListener();
            b.transport.resumeListener();
            TestNode.await(() -> "outbox to drain: " + b.transport.peers(), 30_000,
                () -> a.isUpWith("node-b") && b.transport.peers().get(0).outbox() == 0);

            final List<Long> got = delivered(a);
            assertEquals(1, b.reclaimed.size(), "one hand-back");
            assertIncreasing("handed back", back);
            assertIncreasing("delivered", got);
            final Set<Long> gotSet = new HashSet<>(got);
            for (long n = 0; n < 30_000; n++) {
                final boolean taken = back.contains(n);
                if (n % 3 != 0) {
                    assertTrue(gotSet.contains(n) && !taken, n + " kept: delivered, not handed back");
                } else if (n >= 20_000) {
                    assertTrue(taken && !gotSet.contains(n), n + " never written: handed back, never delivered");
                } else {
                    assertTrue(taken || gotSet.contains(n), n + " lost");
                }
            }
            // Handed back and delivered: only what was written before the cut and unacknowledged (at least once).
            final long both = back.stream().filter(gotSet::contains).count();
            assertTrue(both <= unacknowledgedAtCut, both + " handed back and delivered, " + unacknowledgedAtCut
                + " unacknowledged at the cut");
            assertEquals((long) back.size(), b.transport.counters().get("envelopes.reclaimed"));
            assertTrue(b.undeliverable.isEmpty(), b.undeliverable.toString());
            System.out.printf("down link: %d unacknowledged at the cut, %d handed back, %d of them had arrived%n",
                unacknowledgedAtCut, back.size(), both);
        }
    }

    @Test
    void shouldReclaimOnALiveLinkUnderTrafficWithoutDeliveringAnyHandedBackEnvelope() throws Exception {
        final int count = 50_000;
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            final Thread traffic = new Thread(() -> sendAll(b, 0, count), "test-traffic");
            traffic.start();
            TestNode.await("traffic flowing", 10_000, () -> a.delivered.size() > 1_000);

            // a is slow for a moment: envelopes are on the wire unacknowledged, and, once the sockets' buffers are
            // full (20 MiB is more than loopback buffers hold), more wait behind them unwritten.
            final CountDownLatch hold = new CountDownLatch(1);
            a.holdDeliveries = hold;
            assertTrue(a.deliveryHeld.await(10, TimeUnit.SECONDS), "a held delivery");
            TestNode.await(() -> "the outbox to fill: " + b.transport.peers(), 30_000,
                () -> b.transport.peers().get(0).outbox() > 20_000);
            b.transport.reclaim("node-a", e -> number(e) % 2 == 1, "moved to node-c");
            TestNode.await("the reclaim to run", 10_000, () -> reclaims(b) == 1);
            assertTrue(b.reclaimed.isEmpty(), "those on the wire are decided first: no hand-back yet");
            a.holdDeliveries = null;
            hold.countDown();
            traffic.join();

            TestNode.await(() -> "outbox to drain and the hand-back: " + b.transport.peers(), 60_000,
                () -> b.transport.peers().get(0).outbox() == 0 && !b.reclaimed.isEmpty());
            final List<Long> got = delivered(a);
            final List<Long> back = handedBack(b);
            assertEquals(1, b.reclaimed.size(), "one hand-back");
            assertIncreasing("delivered", got);
            assertIncreasing("handed back", back);
            final Set<Long> gotSet = new HashSet<>(got);
            final Set<Long> backSet = new HashSet<>(back);
            for (long n = 0; n < count; n++) {
                assertTrue(gotSet.contains(n) ^ backSet.contains(n), n + ": delivered " + gotSet.contains(n)
                    + ", handed back " + backSet.contains(n) + " (exactly one of them on a live link)");
                if (backSet.contains(n)) {
                    assertEquals(1, n % 2, n + " did not match");
                }
            }
            assertFalse(back.isEmpty(), "nothing was waiting: the test tested nothing");
            assertTrue(b.transport.counters().get("reclaim.delivered-first") > 0,
                "nothing was on the wire at the reclaim: the test did not test deciding by ack");
            System.out.printf("live link: %d handed back, %d matched on the wire and delivered first%n",
                back.size(), b.transport.counters().get("reclaim.delivered-first"));
        }
    }
}
