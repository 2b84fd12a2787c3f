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
        public String dialer() {
            return dialer;
        }

        @Override
        public String remote() {
            return "fake";
        }
    }

    private final List<String> delivered = new ArrayList<>();
    private final List<String> givenUp = new ArrayList<>();
    private boolean receiverThere = true;
    private long nowNs = 1_000_000_000L;

    private final PeerLink.Context context = new PeerLink.Context() {
        @Override
        public Executor writer() {
            return Runnable::run;
        }

        @Override
        public boolean canDeliver() {
            return receiverThere;
        }

        @Override
        public void deliver(final String fromNode, final WireEnvelope envelope) {
            delivered.add(fromNode + ">" + envelope.to());
        }

        @Override
        public void undeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
            givenUp.add(envelope.to() + " " + reason);
        }

        @Override
        public void connectionLost(final PeerLink link, final String reason) {
        }
    };

    private static TransportSettings settings(final int outboxLimit, final int retryMax) {
        return new TransportSettings("node-a", "127.0.0.1", 0, "test", List.of(), 1024 * 1024, 64 * 1024,
            outboxLimit, Duration.ofSeconds(30).toNanos(), retryMax, Duration.ofMillis(500).toNanos(),
            Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(5).toNanos(), Duration.ofMillis(100).toNanos(),
            Duration.ofSeconds(5).toNanos(), 1024);
    }

    private PeerLink link(final TransportSettings s) {
        return new PeerLink("node-a", "node-b", "ws://127.0.0.1:2/hamlet", s,
            new Handshake("test", "node-a", 10, "ws://127.0.0.1:1/hamlet"), context, () -> nowNs);
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

        assertTrue(link.onData(s, batch(1, 2)));
        link.offer(to("later"));
        s.complete();

        assertEquals(2, ((AckFrame) s.last().get(0)).seq());
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
        link.onAck(first, 1);
        link.detach(first, "cut");
        link.offer(to("d"));
        assertEquals(3, link.info(false).outbox());
        assertEquals(PeerInfo.State.DOWN, link.info(false).state());

        final FakeSession second = new FakeSession("node-a");
        link.attach(second, 5, false);

        assertEquals(List.of(2L, 3L, 4L), seqs(second.last().get(0)));
        link.onAck(second, 4);
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
        assertTrue(s.closedWith.contains("silence-timeout"), s.closedWith);
        assertFalse(link.isUp());
    }

    @Test
    void shouldDropDuplicateEnvelopeFromSameIncarnationAndStartOverForANewOne() {
        final PeerLink link = link();
        final FakeSession s = new FakeSession("node-a");
        link.attach(s, 5, false);
        link.onData(s, batch(1, 2));
        link.onData(s, batch(2, 3));
        assertEquals(List.of("node-b>node-a:m1", "node-b>node-a:m2", "node-b>node-a:m3"), delivered);
        assertEquals(1, link.duplicates());

        final FakeSession restarted = new FakeSession("node-b");
        link.attach(restarted, 6, false);
        link.onData(restarted, batch(1));
        assertEquals("node-b>node-a:m1", delivered.get(3), "a new incarnation has a new window");
    }

    @Test
    void shouldIgnoreDataFromAConnectionThatIsNotTheAttachedOne() {
        final PeerLink link = link();
        final FakeSession old = new FakeSession("node-a");
        link.attach(old, 5, false);
        link.attach(new FakeSession("node-a"), 5, false);
        link.onData(old, batch(1));
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
        assertFalse(link.onData(s, batch(1)));
        receiverThere = true;
        assertTrue(link.onData(s, batch(1)));
        assertEquals(List.of("node-b>node-a:m1"), delivered);
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
    }
}
