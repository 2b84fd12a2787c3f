package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Two real transports on 127.0.0.1: bulk exchange, a network cut in the middle, peers and unknown nodes. */
class LoopbackTransportTest {
    private static final int COUNT = 100_000;

    private static WireEnvelope numbered(final String to, final long n) {
        return new WireEnvelope(to, "sender", 1, ByteBuffer.allocate(16).putLong(n).putLong(~n).array());
    }

    private static void sendAll(final TestNode from, final String toNode, final int first, final int count) {
        for (int i = first; i < first + count; i++) {
            assertEquals(SendStatus.ACCEPTED, from.transport.send(toNode, numbered(toNode + ":x", i)));
        }
    }

    /** Every number from 0 to count - 1, once, in order. */
    private static void assertExactlyOnceInOrder(final TestNode to, final String fromNode, final int count) {
        final List<Long> got = new ArrayList<>();
        for (final TestNode.Delivery d : to.delivered) {
            assertEquals(fromNode, d.from());
            got.add(ByteBuffer.wrap(d.envelope().payload()).getLong());
        }
        assertEquals(count, got.size(), "deliveries");
        for (int i = 0; i < count; i++) {
            if (got.get(i) != i) {
                throw new AssertionError("delivery " + i + " was envelope " + got.get(i));
            }
        }
    }

    @Test
    void shouldExchange100000EnvelopesEachWayWithNoneLostNoneDuplicatedInOrder() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));

            final Thread aToB = new Thread(() -> sendAll(a, "node-b", 0, COUNT));
            aToB.start();
            sendAll(b, "node-a", 0, COUNT);
            aToB.join();

            TestNode.await(() -> "deliveries: a got " + a.delivered.size() + ", b got " + b.delivered.size(),
                60_000, () -> a.delivered.size() >= COUNT && b.delivered.size() >= COUNT);
            TestNode.await("the outboxes to drain", 10_000, () -> a.transport.peers().get(0).outbox() == 0
                && b.transport.peers().get(0).outbox() == 0);
            assertExactlyOnceInOrder(a, "node-b", COUNT);
            assertExactlyOnceInOrder(b, "node-a", COUNT);
            assertTrue(a.undeliverable.isEmpty() && b.undeliverable.isEmpty());
            assertEquals(0, a.transport.rejectedTotal() + b.transport.rejectedTotal(), a.transport.rejections()
                + " " + b.transport.rejections());
        }
    }

    @Test
    void shouldResendUnackedAfterACutAndDeliverEachExactlyOnceInOrder() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            final long uid = a.transport.peers().get(0).uid();

            // The cut comes while a is delivering the first batch: nothing of it can have been acknowledged.
            final java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            a.holdDeliveries = hold;
            sendAll(b, "node-a", 0, 20_000);
            assertTrue(a.deliveryHeld.await(10, java.util.concurrent.TimeUnit.SECONDS), "a first delivery");
            a.transport.pauseListener();
            b.transport.pauseListener();
            a.holdDeliveries = null;
            hold.countDown();
            final long unacknowledgedAtCut = b.transport.peers().get(0).outbox();
            TestNode.await("the link to go down", 10_000, () -> !a.isUpWith("node-b") && !b.isUpWith("node-a"));
            sendAll(b, "node-a", 20_000, 10_000);
            assertTrue(b.transport.peers().get(0).outbox() >= 10_000, "envelopes wait while the peer is away");

            a.transport.resumeListener();
            b.transport.resumeListener();
            TestNode.await(() -> "deliveries after the cut: " + a.delivered.size(), 30_000,
                () -> a.delivered.size() >= 30_000 && b.transport.peers().get(0).outbox() == 0);

            assertExactlyOnceInOrder(a, "node-b", 30_000);
            assertTrue(b.undeliverable.isEmpty(), b.undeliverable.toString());
            // The cut left envelopes in the outbox; those written before it were written again after it, and what
            // had arrived already was dropped as a duplicate rather than delivered twice.
            assertTrue(unacknowledgedAtCut > 0, "nothing was in flight at the cut: the test tested no resend");
            assertTrue(b.transport.counters().get("envelopes.resent") > 0, "written before the cut, again after it");
            assertTrue(a.transport.counters().get("duplicates.dropped") > 0,
                "the batch delivered during the cut came again and was dropped, not delivered twice");
            System.out.printf("at the cut %d unacknowledged; resent %d, duplicates dropped %d%n", unacknowledgedAtCut,
                b.transport.counters().get("envelopes.resent"), a.transport.counters().get("duplicates.dropped"));
            assertEquals(uid, a.transport.peers().get(0).uid(), "same uid: not a restart");
        }
    }

    @Test
    void shouldKeepWhatANodeNotReadyYetRefusedAndDeliverItOnceItIsReady() throws Exception {
        // A restarted node's transport is up before its registry: it refuses each connection's first envelope.
        // Before, each refusal counted as a failed write, and the sender dead-lettered the lot after retry-max
        // connections.
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url())) {
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            a.notReady = true;
            sendAll(b, "node-a", 0, 100);
            final int retryMax = b.transport.settings().retryMax();
            TestNode.await(() -> "more refused connections than retry-max: " + a.refusals.get() + "; given up: "
                + b.undeliverable.size() + ", first " + b.undeliverable.peek(), 30_000,
                () -> a.refusals.get() > retryMax);
            assertTrue(b.undeliverable.isEmpty(), "a node not ready is no failed write: " + b.undeliverable.peek());

            a.notReady = false;
            TestNode.await(() -> "deliveries once ready: " + a.delivered.size() + "; given up: "
                + b.undeliverable.size(), 30_000,
                () -> a.delivered.size() >= 100 && b.transport.peers().get(0).outbox() == 0);
            assertExactlyOnceInOrder(a, "node-b", 100);
            assertTrue(b.undeliverable.isEmpty(), b.undeliverable.toString());
        }
    }

    @Test
    void shouldRefuseUnknownNodesAndShowSeedsNotYetReached() throws Exception {
        try (TestNode a = TestNode.start("node-a", "ws://127.0.0.1:1/hamlet")) {
            assertEquals(SendStatus.UNKNOWN_NODE, a.transport.send("nowhere", numbered("nowhere:x", 1)));
            final PeerInfo seed = a.transport.peers().get(0);
            assertEquals(null, seed.node());
            assertEquals("ws://127.0.0.1:1/hamlet", seed.url());
        }
    }

    @Test
    void shouldKeepOneLinkWhenBothSidesDialEachOther() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b", a.transport.url());
             TestNode c = TestNode.start("node-c", a.transport.url(), b.transport.url())) {
            TestNode.await("the links", 10_000, () -> c.isUpWith("node-a") && c.isUpWith("node-b")
                && a.isUpWith("node-b"));
            sendAll(c, "node-a", 0, 1000);
            sendAll(c, "node-b", 0, 1000);
            TestNode.await("deliveries", 10_000, () -> a.delivered.size() == 1000 && b.delivered.size() == 1000);
            assertExactlyOnceInOrder(a, "node-c", 1000);
            assertExactlyOnceInOrder(b, "node-c", 1000);
            assertEquals(2, c.transport.peers().size(), c.transport.peers().toString());
        }
    }

    @Test
    void shouldHandBackQueuedEnvelopesWhenStoppedAndRefuseSendsAfterwards() throws Exception {
        try (TestNode b = TestNode.start("node-b")) {
            final TestNode a = TestNode.start("node-a", b.transport.url());
            TestNode.await("the link", 10_000, () -> a.isUpWith("node-b"));
            a.transport.pauseListener();
            b.transport.pauseListener();
            TestNode.await("the link to go down", 10_000, () -> !a.isUpWith("node-b"));
            sendAll(a, "node-b", 0, 10);

            a.close();

            assertEquals(10, a.undeliverable.size());
            assertTrue(a.undeliverable.peek().contains("stopped"), a.undeliverable.peek());
            assertEquals(SendStatus.UNKNOWN_NODE, a.transport.send("node-b", numbered("node-b:x", 1)));
        }
    }

    @Test
    void shouldSkipItsOwnUrlInItsSeedsQuietly() throws Exception {
        final int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (TestNode a = new TestNode(TransportSettings.localTest("node-a", port,
                List.of("127.0.0.1:" + port)))) {
            TestNode.await("the seed recognised as itself", 10_000, () -> a.transport.peers().isEmpty());
            final long dials = a.transport.counters().get("dials");
            assertEquals(0, a.transport.rejectedTotal(), "dialing itself is not a protocol breach: "
                + a.transport.rejections());
            try (TestNode b = TestNode.start("node-b", a.transport.url())) {
                // Time passes for a's agent here (many ticks): its own URL is due again after the backoff if at all.
                TestNode.await("a real peer", 10_000, () -> a.isUpWith("node-b"));
                assertEquals(dials, a.transport.counters().get("dials"), "its own URL is never dialed again");
            }
        }
    }

    @Test
    void shouldCarryControlMessagesBothWaysAndToAUrlNotYetLinked() throws Exception {
        try (TestNode a = TestNode.start("node-a"); TestNode b = TestNode.start("node-b")) {
            final java.util.Queue<String> atB = new java.util.concurrent.ConcurrentLinkedQueue<>();
            final java.util.Queue<String> atA = new java.util.concurrent.ConcurrentLinkedQueue<>();
            b.transport.controlReceivers(java.util.Map.of(9, receiver(9, atB)));
            a.transport.controlReceivers(java.util.Map.of(9, receiver(9, atA)));

            // Not linked yet: addressed by URL, the node is dialed and the message waits for the link.
            assertTrue(a.transport.sendControlTo(b.transport.url(), 9, bytes("join?")));
            TestNode.await("the control message by URL", 10_000, () -> atB.contains("node-a:join?"));
            assertTrue(b.transport.sendControl("node-a", 9, bytes("welcome")));
            TestNode.await("the answer by node id", 10_000, () -> atA.contains("node-b:welcome"));

            assertEquals(false, a.transport.sendControl("nobody", 9, bytes("x")), "no link: dropped, not queued");
            assertTrue(a.transport.counters().get("control.dropped") >= 1);
            assertTrue(b.transport.counters().get("control.received") >= 1);
        }
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static hamlet.api.transport.ControlReceiver receiver(final int channel,
                                                                 final java.util.Queue<String> into) {
        return new hamlet.api.transport.ControlReceiver() {
            @Override
            public int channel() {
                return channel;
            }

            @Override
            public void onControl(final String fromNode, final byte[] payload) {
                into.add(fromNode + ":" + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
            }
        };
    }
}
