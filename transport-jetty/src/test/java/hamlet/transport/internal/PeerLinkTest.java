package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.EnvelopeCodec.Sequenced;
import hamlet.transport.internal.FrameCodec.AckFrame;
import hamlet.transport.internal.FrameCodec.DataFrame;
import hamlet.transport.internal.FrameCodec.Frame;
import hamlet.transport.internal.FrameCodec.HandshakeFrame;
import hamlet.transport.internal.FrameCodec.HeartbeatFrame;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** A peer link driven by hand: fake connections, a fake clock, the writer run inline. No sockets, no threads. */
class PeerLinkTest {
    private static final FrameCodec CODEC = new FrameCodec(1024 * 1024, 64 * 1024);

    /** A connection that records what is written and completes writes when told. */
    static final class FakeSession implements LinkSession {
        final String dialer;
        final List<List<Frame>> writes = new ArrayList<>();
        Consumer<Throwable> pending;
        String closedWith;

        FakeSession(final String dialer) {
            this.dialer = dialer;
        }

        @Override
        public void write(final List<ByteBuffer> frames, final Consumer<Throwable> done) {
            final List<Frame> decoded = new ArrayList<>();
            for (final ByteBuffer frame : frames) {
                try {
                    decoded.add(CODEC.decode(frame.duplicate()));
                } catch (final ProtocolException e) {
                    throw new AssertionError(e);
                }
            }
            writes.add(decoded);
            pending = done;
        }

        void complete() {
            final Consumer<Throwable> done = pending;
            pending = null;
            done.accept(null);
        }

        List<Frame> last() {
            return writes.get(writes.size() - 1);
        }

        @Override
        public void close(final String reason) {
            closedWith = reason;
        }

        @Override
        public void abort(final String reason) {
            closedWith = "aborted: " + reason;
        }

        @Override
        public String dialer() {
            return dialer;
        }

        @Override
        public String remote() {
            return "fake";
        }
    }

    /** node-a's uid: ACKs must name it. */
    static final long OWN_UID = 10;

    private final List<String> delivered = new ArrayList<>();
    private final List<String> givenUp = new ArrayList<>();
    private final List<String> controls = new ArrayList<>();
    /** What reclaims handed back: "node [to, to, ...] reason", one line per hand-back. */
    final List<String> handedBack = new ArrayList<>();
    private boolean receiverThere = true;
    /** The registry refuses this address (it went away in the middle of a batch). */
    private String refuseAt;
    private long nowNs = 1_000_000_000L;
    private OutboxBudget budget = new OutboxBudget(Long.MAX_VALUE);

    private final PeerLink.Context context = new PeerLink.Context() {
        @Override
        public Executor writer() {
            return Runnable::run;
        }

        @Override
        public boolean deliver(final String fromNode, final WireEnvelope envelope) {
            if (!receiverThere || envelope.to().equals(refuseAt)) {
                return false;
            }
            delivered.add(fromNode + ">" + envelope.to());
            return true;
        }

        @Override
        public void undeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
            givenUp.add(envelope.to() + " " + reason);
        }

        @Override
        public void reclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
            final List<String> names = new ArrayList<>();
            envelopes.forEach(e -> names.add(e.to()));
            handedBack.add(toNode + " " + names + " " + reason);
        }

        @Override
        public void control(final String fromNode, final int channel, final byte[] payload) {
            controls.add(fromNode + "#" + channel + ":" + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void connectionLost(final PeerLink link, final String reason) {
        }

        @Override
        public void deliveryFailed(final Throwable failure) {
            throw new AssertionError(failure);
        }
    };

    static TransportSettings settings(final int outboxLimit, final int retryMax) {
        return settings(outboxLimit, retryMax, TransportSettings.DEFAULT_OUTBOX_MAX_BYTES);
    }

    private static TransportSettings settings(final int outboxLimit, final int retryMax, final long outboxMaxBytes) {
        return new TransportSettings("node-a", "127.0.0.1", 0, "test", List.of(), 1024 * 1024, 64 * 1024,
            outboxLimit, Duration.ofSeconds(30).toNanos(), retryMax, Duration.ofMillis(500).toNanos(),
            Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(5).toNanos(), Duration.ofMillis(100).toNanos(),
            Duration.ofSeconds(5).toNanos(), 1024, outboxMaxBytes, Long.MAX_VALUE / 2, 256, 8, false, 64);
    }

    private PeerLink link(final TransportSettings s) {
        return new PeerLink("node-a", OWN_UID, "node-b", "ws://127.0.0.1:2/hamlet", s,
            new Handshake("test", "node-a", OWN_UID, "ws://127.0.0.1:1/hamlet"), context, budget, () -> nowNs);
    }

    private static void deliver(final PeerLink link, final LinkSession from, final List<Sequenced> batch) {
        link.onData(from, batch, () -> { });
    }

    private PeerLink link() {
        return link(settings(1000, 3));
    }

    private static WireEnvelope to(final String name) {
        return new WireEnvelope("node-b:" + name, null, 0, new byte[] {1});
    }

    private static List<Long> seqs(final Frame frame) {
        final List<Long> seqs = new ArrayList<>();
        for (final Sequenced s : ((DataFrame) frame).envelopes()) {
            seqs.add(s.seq());
        }
        return seqs;
    }

    private static List<Sequenced> batch(final long... seqs) {
        final List<Sequenced> batch = new ArrayList<>();
        for (final long seq : seqs) {
            batch.add(new Sequenced(seq, new WireEnvelope("node-a:m" + seq, null, 0, new byte[0])));
        }
        return batch;
    }

    @Test
    void shouldBatchWhateverQueuedWhileTheLastFrameWasBeingWritten() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        assertNull(link.attach(s, 5, false));
        link.offer(to("one"));
        assertEquals(List.of(1L), seqs(s.last().get(0)));

        for (int i = 0; i < 5; i++) {
            assertEquals(SendStatus.ACCEPTED, link.offer(to("m" + i)));
        }
        assertEquals(1, s.writes.size(), "nothing is written while a frame is in flight");
        s.complete();

        assertEquals(2, s.writes.size());
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L), seqs(s.last().get(0)));
    }

    @Test
    void shouldWriteHandshakeAndAckBeforeTheDataBatch() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-b");
        link.offer(to("early"));
        link.attach(s, 5, true);

        assertInstanceOf(HandshakeFrame.class, s.last().get(0));
        assertEquals(List.of(1L), seqs(s.last().get(1)));

        deliver(link, s, batch(1, 2));
        link.offer(to("later"));
        s.complete();

        assertEquals(2, ((AckFrame) s.last().get(0)).seq());
        assertEquals(5, ((AckFrame) s.last().get(0)).uid(), "the ack names the uid whose envelopes it covers");
        assertEquals(List.of(2L), seqs(s.last().get(1)));
    }

    @Test
    void shouldResendUnackedInOrderOnTheNextConnection() {
        final PeerLink link = link();
        final FakeSession first = new FakeSession("node-a");
        link.attach(first, 5, false);
        link.offer(to("a"));
        first.complete();
        link.offer(to("b"));
        link.offer(to("c"));
        link.onAck(first, OWN_UID, 1);
        link.detach(first, "cut");
        link.offer(to("d"));
        assertEquals(3, link.info(false).outbox());
        assertEquals(PeerInfo.State.DOWN, link.info(false).state());

        final FakeSession second = new FakeSession("node-a");
        link.attach(second, 5, false);

        assertEquals(List.of(2L, 3L, 4L), seqs(second.last().get(0)));
        link.onAck(second, OWN_UID, 4);
        assertEquals(0, link.info(false).outbox());
        assertTrue(givenUp.isEmpty());
    }

    @Test
    void shouldGiveUpAnEnvelopeWrittenRetryMaxTimesWithoutAnAck() {
        final PeerLink link = link(settings(1000, 2));
        link.offer(to("doomed"));
        for (int attempt = 1; attempt <= 2; attempt++) {
            final FakeSession s = new FakeSession("node-a");
            link.attach(s, 5, false);
            assertEquals(List.of(1L), seqs(s.last().get(0)));
            link.detach(s, "cut " + attempt);
        }
        assertEquals(1, givenUp.size());
        assertTrue(givenUp.get(0).contains("retry-max"), givenUp.get(0));
        assertEquals(0, link.info(false).outbox());
    }

    @Test
    void shouldGiveUpEnvelopesOlderThanBufferMaxAgeWhileThePeerIsAway() {
        final PeerLink link = link();
        link.offer(to("old"));
        nowNs += Duration.ofSeconds(20).toNanos();
        link.offer(to("young"));
        nowNs += Duration.ofSeconds(11).toNanos();
        link.doWork(nowNs);

        assertEquals(1, givenUp.size());
        assertTrue(givenUp.get(0).startsWith("node-b:old") && givenUp.get(0).contains("buffer-max-age"));
        assertEquals(1, link.info(false).outbox());
    }

    @Test
    void shouldRefuseWhenTheOutboxIsFullOrTheEnvelopeTooLarge() {
        final PeerLink link = link(settings(2, 3));
        assertEquals(SendStatus.ACCEPTED, link.offer(to("1")));
        assertEquals(SendStatus.ACCEPTED, link.offer(to("2")));
        assertEquals(SendStatus.OUTBOX_FULL, link.offer(to("3")));
        assertEquals(SendStatus.TOO_LARGE,
            link(settings(2, 3)).offer(new WireEnvelope("node-b:x", null, 0, new byte[64 * 1024])));
    }

    @Test
    void shouldHeartbeatWhenQuietAndCloseWhenThePeerIsSilent() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        nowNs += Duration.ofMillis(600).toNanos();
        link.doWork(nowNs);
        assertInstanceOf(HeartbeatFrame.class, s.last().get(0));
        s.complete();

        link.onRead(s);
        nowNs += Duration.ofMillis(1900).toNanos();
        link.doWork(nowNs);
        assertNull(s.closedWith, "read 1.9 s ago: still alive");
        nowNs += Duration.ofMillis(200).toNanos();
        link.doWork(nowNs);
        assertNotNull(s.closedWith);
        assertTrue(s.closedWith.startsWith("aborted: ") && s.closedWith.contains("silence-timeout"),
            "a silent peer's answer to a close may never come: dropped, not closed politely: " + s.closedWith);
        assertFalse(link.isUp());
    }

    @Test
    void shouldDropDuplicateEnvelopeFromSameUidAndStartOverForANewOne() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        deliver(link, s, batch(1, 2));
        deliver(link, s, batch(2, 3));
        assertEquals(List.of("node-b>node-a:m1", "node-b>node-a:m2", "node-b>node-a:m3"), delivered);
        assertEquals(1, link.duplicates());

        link.detach(s, "peer restarted");
        final FakeSession restarted = new FakeSession("node-b");
        assertNull(link.attach(restarted, 6, false));
        deliver(link, restarted, batch(1));
        assertEquals("node-b>node-a:m1", delivered.get(3), "a new uid (a restarted peer) has a new window");
    }

    @Test
    void shouldIgnoreDataFromAConnectionThatIsNotTheAttachedOne() {
        final PeerLink link = link();
        final FakeSession old = new FakeSession("node-a");
        link.attach(old, 5, false);
        link.attach(new FakeSession("node-a"), 5, false);
        deliver(link, old, batch(1));
        assertTrue(delivered.isEmpty());
        assertEquals("replaced by a newer connection", old.closedWith);
    }

    @Test
    void shouldKeepTheConnectionDialedByTheLowerNodeId() {
        final PeerLink link = link();
        final FakeSession mine = new FakeSession("node-a");
        link.attach(mine, 5, false);
        final FakeSession theirs = new FakeSession("node-b");
        final String refused = link.attach(theirs, 5, true);
        assertNotNull(refused);
        assertTrue(refused.contains("node-a"), refused);
        assertNull(mine.closedWith);

        final PeerLink other = link();
        final FakeSession b = new FakeSession("node-b");
        other.attach(b, 5, false);
        assertNull(other.attach(new FakeSession("node-a"), 5, false));
        assertEquals("replaced by a newer connection", b.closedWith);
    }

    @Test
    void shouldNeitherDeliverNorRememberWhileNoReceiverIsThere() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        receiverThere = false;
        deliver(link, s, batch(1));
        assertNotNull(s.closedWith, "not delivered: the connection is closed so that the peer resends");
        assertFalse(link.isUp());
        receiverThere = true;
        final FakeSession next = new FakeSession("node-a");
        link.attach(next, 5, false);
        deliver(link, next, batch(1));
        assertEquals(List.of("node-b>node-a:m1"), delivered, "not remembered as seen when it was refused");
    }

    @Test
    void shouldHandBackEverythingWhenAbandoned() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        link.offer(to("in-flight"));
        link.offer(to("waiting"));
        link.abandon("stopping");
        assertEquals(List.of("node-b:in-flight stopping", "node-b:waiting stopping"), givenUp);
        assertEquals(SendStatus.UNKNOWN_NODE, link.offer(to("late")), "an offer racing the stop is refused, not kept");
    }

    // ---- regression tests of the link-safety issue; each failed on the code before it

    @Test
    void shouldNotCountAReplacedConnectionAsAFailedAttempt() {
        // retry-max 1: before, the one-link rule's replacement dropped the envelope with no dead letter at all.
        final PeerLink link = link(settings(1000, 1));
        final FakeSession theirs = new FakeSession("node-b");
        link.attach(theirs, 5, true);
        link.offer(to("carried"));
        theirs.complete();
        assertEquals(List.of(1L), seqs(theirs.last().get(0)), "written once on the first connection");

        final FakeSession mine = new FakeSession("node-a");
        assertNull(link.attach(mine, 5, false), "the lower id's dial replaces the other");
        assertEquals(List.of(1L), seqs(mine.last().get(0)), "resent on the connection that replaced it");
        assertTrue(givenUp.isEmpty(), "a replacement is not a failure: " + givenUp);
        assertEquals(1, link.resent());

        link.detach(mine, "cut");
        assertEquals(1, givenUp.size(), "a real failure after retry-max writes is a dead letter, never silence");
        assertTrue(givenUp.get(0).contains("retry-max"), givenUp.get(0));
        assertEquals(0, link.info(false).outbox());
    }

    @Test
    void shouldAcknowledgeOnlyWhatTheRegistryTook() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        refuseAt = "node-a:m2";
        deliver(link, s, batch(1, 2, 3));
        assertEquals(List.of("node-b>node-a:m1"), delivered);
        assertNotNull(s.closedWith, "the rest waits for the next connection");
        for (final List<Frame> write : s.writes) {
            for (final Frame f : write) {
                if (f instanceof AckFrame) {
                    assertEquals(1, ((AckFrame) f).seq(), "acknowledged up to what was taken, not past it");
                }
            }
        }

        refuseAt = null;
        final FakeSession next = new FakeSession("node-a");
        link.attach(next, 5, false);
        deliver(link, next, batch(2, 3));
        assertEquals(List.of("node-b>node-a:m1", "node-b>node-a:m2", "node-b>node-a:m3"), delivered);
        assertEquals(0, link.duplicates(), "what was refused is not taken for a duplicate when it comes again");
    }

    @Test
    void shouldRefuseAnAckForAnotherUidOrAboveWhatWasWritten() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        link.offer(to("a"));
        link.offer(to("b"));
        assertEquals(2, link.info(false).outbox(), "a written, b waiting behind its write");

        link.onAck(s, OWN_UID + 1, 1);
        assertEquals(2, link.info(false).outbox(), "an ack of another run of this node drops nothing");
        assertEquals(1, link.acksRefused());

        link.onAck(s, OWN_UID, 1_000_000);
        assertEquals(2, link.acksRefused(), "an ack above anything written is refused");
        assertEquals(1, link.info(false).outbox(), "clamped to what was written: the unwritten one stays");
    }

    @Test
    void shouldBoundTheOutboxInBytesPerPeerAndAcrossPeers() {
        final byte[] body = new byte[30_000];
        final PeerLink small = link(settings(1000, 3, 70_000));
        assertEquals(SendStatus.ACCEPTED, small.offer(new WireEnvelope("node-b:x", null, 0, body)));
        assertEquals(SendStatus.ACCEPTED, small.offer(new WireEnvelope("node-b:x", null, 0, body)));
        assertEquals(SendStatus.OUTBOX_FULL, small.offer(new WireEnvelope("node-b:x", null, 0, body)));
        assertTrue(small.outboxBytes() <= 70_000, "held " + small.outboxBytes());

        budget = new OutboxBudget(65_000);
        final PeerLink one = link(settings(1000, 3));
        final PeerLink two = link(settings(1000, 3));
        assertEquals(SendStatus.ACCEPTED, one.offer(new WireEnvelope("node-b:x", null, 0, body)));
        assertEquals(SendStatus.ACCEPTED, two.offer(new WireEnvelope("node-b:x", null, 0, body)));
        assertEquals(SendStatus.NODE_OUTBOXES_FULL, one.offer(new WireEnvelope("node-b:x", null, 0, body)));
        one.abandon("gone");
        assertEquals(SendStatus.ACCEPTED, two.offer(new WireEnvelope("node-b:x", null, 0, body)),
            "what one peer's outbox gave back is room for another's");
    }

    @Test
    void shouldNotLetAnotherProcessTakeOverALiveLink() {
        final PeerLink link = link();
        final FakeSession real = new FakeSession("node-a");
        assertNull(link.attach(real, 5, false));
        final String refused = link.attach(new FakeSession("node-b"), Long.MAX_VALUE, true);
        assertNotNull(refused, "a live link is not taken over, whatever uid the newcomer claims");
        assertNull(real.closedWith);
        assertEquals(5, link.peerUid());

        link.detach(real, "the real node went away");
        assertNull(link.attach(new FakeSession("node-b"), 6, true), "a restarted node gets in once the link is down");
    }

    @Test
    void shouldWriteControlMessagesAheadOfDataAndDropThemWhileDown() {
        final PeerLink link = link();
        assertFalse(link.offerControl(7, new byte[] {1}), "no link: dropped, not queued");
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        link.offer(to("first"));
        link.offer(to("waiting"));
        assertTrue(link.offerControl(7, "probe".getBytes(StandardCharsets.UTF_8)));
        s.complete();
        assertInstanceOf(FrameCodec.ControlFrame.class, s.last().get(0), "control goes before the waiting data");
        assertInstanceOf(DataFrame.class, s.last().get(1));
        assertEquals(1, link.controlDropped());

        link.onControl(s, 7, "ping".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("node-b#7:ping"), controls);
    }

    @Test
    void shouldNotDeadlockWhenDeliveryReentersTheLinkWhileAConnectionAttaches() throws Exception {
        // Before: attach held the link and waited for the inbound lock, which a delivery held while it re-entered
        // offer() (a dead-letter notice to the remote sender): both threads waited forever.
        final java.util.concurrent.atomic.AtomicReference<Thread> attacher = new java.util.concurrent.atomic
            .AtomicReference<>();
        final java.util.concurrent.CountDownLatch inDelivery = new java.util.concurrent.CountDownLatch(1);
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final PeerLink[] holder = new PeerLink[1];
        final PeerLink.Context reentrant = new PeerLink.Context() {
            @Override
            public Executor writer() {
                return Runnable::run;
            }

            @Override
            public boolean deliver(final String fromNode, final WireEnvelope envelope) {
                inDelivery.countDown();
                awaitBlockedOrDone(attacher);
                holder[0].offer(new WireEnvelope("node-b:sender", null, 0, new byte[] {9}));
                return true;
            }

            @Override
            public void undeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
            }

            @Override
            public void reclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
            }

            @Override
            public void control(final String fromNode, final int channel, final byte[] payload) {
            }

            @Override
            public void connectionLost(final PeerLink link, final String reason) {
            }

            @Override
            public void deliveryFailed(final Throwable failure) {
                failures.add(failure);
            }
        };
        final PeerLink link = new PeerLink("node-a", OWN_UID, "node-b", null, settings(1000, 3),
            new Handshake("test", "node-a", OWN_UID, ""), reentrant, budget, System::nanoTime);
        holder[0] = link;
        final FakeSession old = new FakeSession("node-b");
        link.attach(old, 5, true);
        old.complete();

        final Thread delivering = new Thread(() -> link.onData(old, batch(1), () -> { }), "test-delivery");
        final Thread attaching = new Thread(() -> {
            awaitLatch(inDelivery);
            link.attach(new FakeSession("node-a"), 5, false);
        }, "test-attach");
        attacher.set(attaching);
        delivering.start();
        attaching.start();

        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (delivering.isAlive() || attaching.isAlive()) {
            final long[] deadlocked = threads.findDeadlockedThreads();
            assertNull(deadlocked, "deadlock between delivery and attach");
            assertTrue(System.nanoTime() < deadline, "neither deadlocked nor done within 20 s");
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(1, link.info(false).outbox(), "the re-entrant send was accepted");
    }

    /** In the delivery: wait until the attaching thread is blocked on a lock, or finished (it never blocks now). */
    private static void awaitBlockedOrDone(final java.util.concurrent.atomic.AtomicReference<Thread> attacher) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            final Thread t = attacher.get();
            if (t != null && (t.getState() == Thread.State.BLOCKED || t.getState() == Thread.State.TERMINATED)) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
    }

    private static void awaitLatch(final java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
