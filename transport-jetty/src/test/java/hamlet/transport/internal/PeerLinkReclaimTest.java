package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.EnvelopeCodec.Sequenced;
import hamlet.transport.internal.FrameCodec.AckFrame;
import hamlet.transport.internal.FrameCodec.DataFrame;
import hamlet.transport.internal.FrameCodec.Frame;
import hamlet.transport.internal.PeerLinkTest.FakeSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * {@link PeerLink#reclaim}: a sending link and a receiving link joined by fake connections whose frames the test
 * carries by hand (or loses), with a real de-duplication window on the receiving side. No sockets, no threads.
 */
class PeerLinkReclaimTest {
    private static final long SENDER_UID = 10;
    private static final long RECEIVER_UID = 20;

    /** What one side saw: deliveries (by name), hand-backs ("[names] reason"), dead letters. */
    private static final class Recorder implements PeerLink.Context {
        final List<String> delivered = new ArrayList<>();
        final List<String> handedBack = new ArrayList<>();
        final List<String> givenUp = new ArrayList<>();

        @Override
        public Executor writer() {
            return Runnable::run;
        }

        @Override
        public boolean deliver(final String fromNode, final WireEnvelope envelope) {
            delivered.add(name(envelope));
            return true;
        }

        @Override
        public void undeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
            givenUp.add(name(envelope));
        }

        @Override
        public void reclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
            final List<String> names = new ArrayList<>();
            envelopes.forEach(e -> names.add(name(e)));
            handedBack.add(names + " " + reason);
        }

        @Override
        public void control(final String fromNode, final int channel, final byte[] payload) {
        }

        @Override
        public void connectionLost(final PeerLink link, final String reason) {
        }

        @Override
        public void deliveryFailed(final Throwable failure) {
            throw new AssertionError(failure);
        }
    }

    private final Recorder senderSide = new Recorder();
    private final Recorder receiverSide = new Recorder();
    private final long nowNs = 1_000_000_000L;
    private final PeerLink sender = new PeerLink("node-a", SENDER_UID, "node-b", "ws://127.0.0.1:2/hamlet",
        PeerLinkTest.settings(1000, 3), new Handshake("test", "node-a", SENDER_UID, ""), senderSide,
        new OutboxBudget(Long.MAX_VALUE), () -> nowNs);
    private final PeerLink receiver = new PeerLink("node-b", RECEIVER_UID, "node-a", null,
        PeerLinkTest.settings(1000, 3), new Handshake("test", "node-b", RECEIVER_UID, ""), receiverSide,
        new OutboxBudget(Long.MAX_VALUE), () -> nowNs);

    /** One connection: the sender's end and the receiver's end. */
    private record Connection(FakeSession out, FakeSession in) {
    }

    private Connection connect() {
        final Connection c = new Connection(new FakeSession("node-a"), new FakeSession("node-a"));
        assertEquals(null, sender.attach(c.out, RECEIVER_UID, false));
        assertEquals(null, receiver.attach(c.in, SENDER_UID, false));
        return c;
    }

    private void cut(final Connection c) {
        sender.detach(c.out, "cut");
        receiver.detach(c.in, "cut");
    }

    private static WireEnvelope envelope(final String name) {
        return new WireEnvelope("node-b:" + name, null, 0, new byte[] {1});
    }

    private static String name(final WireEnvelope e) {
        return e.to().substring(e.to().indexOf(':') + 1);
    }

    private void send(final String... names) {
        for (final String n : names) {
            sender.offer(envelope(n));
        }
    }

    /** Carries the sender's write number {@code index} on {@code c} to the receiver, and completes it. */
    private void carry(final Connection c, final int index) {
        for (final Frame f : c.out.writes.get(index)) {
            if (f instanceof DataFrame data) {
                receiver.onData(c.in, data.envelopes(), () -> { });
            }
        }
        complete(c.out);
    }

    private static void complete(final FakeSession s) {
        if (s.pending != null) {
            s.complete();
        }
    }

    /** Carries the receiver's latest ack on {@code c} back to the sender. */
    private void carryAck(final Connection c) {
        for (int i = c.in.writes.size() - 1; i >= 0; i--) {
            for (final Frame f : c.in.writes.get(i)) {
                if (f instanceof AckFrame ack) {
                    sender.onAck(c.out, ack.uid(), ack.seq());
                    complete(c.in);
                    return;
                }
            }
        }
        throw new AssertionError("no ack written");
    }

    private static List<Long> seqs(final List<Frame> write) {
        final List<Long> seqs = new ArrayList<>();
        for (final Frame f : write) {
            if (f instanceof DataFrame data) {
                for (final Sequenced s : data.envelopes()) {
                    seqs.add(s.seq());
                }
            }
        }
        return seqs;
    }

    private void reclaim(final String... names) {
        final Set<String> which = Set.of(names);
        sender.reclaim(e -> which.contains(name(e)), "moved");
    }

    @Test
    void shouldReclaimWaitingAndUnackedWhileDownAndDeliverTheRestOnceInOrderAfterwards() {
        final Connection first = connect();
        send("m1");
        send("m2", "m3");
        carry(first, 0);
        send("m4", "m5", "m6");
        carry(first, 1);
        // The third frame (m4..m6) is lost in the cut, and so are the receiver's acks: m1..m3 arrived unacknowledged.
        complete(first.out);
        assertEquals(List.of(4L, 5L, 6L), seqs(first.out.writes.get(2)));
        cut(first);
        send("m7", "m8");

        // m2 was delivered (its ack lost), m5 written and lost, m7 never written.
        reclaim("m2", "m5", "m7");

        assertEquals(List.of("[m2, m5, m7] moved"), senderSide.handedBack, "at once, in one call, in order");
        assertEquals(5, sender.info(false).outbox());
        assertEquals(3, sender.reclaimed());

        final Connection second = connect();
        assertEquals(List.of(1L, 3L, 4L, 6L, 8L), seqs(second.out.writes.get(0)), "the rest, with holes");
        carry(second, 0);
        carryAck(second);

        // Renumbering the rest to close the holes would give m4 the number 3, which the receiver has seen: it would
        // drop m4 as a duplicate, and acknowledge it.
        assertEquals(List.of("m1", "m2", "m3", "m4", "m6", "m8"), receiverSide.delivered);
        assertEquals(2, receiver.duplicates(), "m1 and m3, resent, dropped");
        assertEquals(0, sender.info(false).outbox(), "the holes were acknowledged over");
        assertEquals(0, sender.acksRefused());
        assertTrue(senderSide.givenUp.isEmpty());
    }

    @Test
    void shouldNotHandBackAnEnvelopeOnALiveConnectionThatThePeerAcknowledges() {
        final Connection c = connect();
        send("m1");
        send("m2", "m3", "m4");
        // m1 is on the wire, m2..m4 wait for the writer.
        reclaim("m1", "m3");

        assertEquals(List.of(), senderSide.handedBack, "m1 is not decided yet: the hand-back waits");
        carry(c, 0);
        carryAck(c);

        assertEquals(List.of("[m3] moved"), senderSide.handedBack, "m1 was delivered: only m3 comes back");
        assertEquals(1, sender.reclaimDeliveredFirst());
        carry(c, 1);
        carryAck(c);
        assertEquals(List.of("m1", "m2", "m4"), receiverSide.delivered, "m3 never, the rest once, in order");
        assertEquals(0, sender.info(false).outbox());
    }

    @Test
    void shouldHandBackAnEnvelopeOnTheWireAtOnceWhenToldThePeerIsDown() {
        final Connection c = connect();
        send("m1");
        send("m2", "m3");
        // m1 is on the wire to a peer membership declared down: its ack will not come, its connection ends only
        // with the silence timeout; the caller takes it back now and lives with a possible second copy.
        sender.reclaim(e -> List.of("m1", "m3").contains(name(e)), "moved", true);

        assertEquals(List.of("[m1, m3] moved"), senderSide.handedBack, "at once, in order, without an ack or an end");
        complete(c.out);
        cut(c);
        final Connection next = connect();
        assertEquals(List.of(2L), seqs(next.out.writes.get(0)), "only m2 is resent: m1 is not the link's any more");
        carry(next, 0);
        carryAck(next);
        assertEquals(List.of("m2"), receiverSide.delivered);
        assertEquals(0, sender.info(false).outbox());
    }

    @Test
    void shouldHandBackAnEnvelopeOnALiveConnectionThatEndsUnacknowledgedAndNeverResendIt() {
        final Connection c = connect();
        send("m1");
        send("m2", "m3");
        reclaim("m1", "m3");
        complete(c.out);
        assertEquals(List.of(2L), seqs(c.out.writes.get(1)), "m3 was taken before it was written");
        // m1's connection now ends without an ack: m1 may or may not have arrived; it is decided, handed back.
        cut(c);

        assertEquals(List.of("[m1, m3] moved"), senderSide.handedBack, "once the connection ended, in order");
        final Connection next = connect();
        assertEquals(List.of(2L), seqs(next.out.writes.get(0)), "only m2 is resent");
        carry(next, 0);
        assertEquals(List.of("m2"), receiverSide.delivered);
    }

    @Test
    void shouldKeepAnEnvelopeThePredicateThrowsForAndHandBackNothingWhenNothingMatches() {
        final Connection c = connect();
        send("m1", "m2");
        complete(c.out);
        cut(c);
        sender.reclaim(e -> {
            throw new IllegalStateException("bad predicate");
        }, "moved");
        reclaim("nobody");

        assertEquals(List.of(), senderSide.handedBack);
        assertEquals(2, sender.reclaimPredicateFailures());
        final Connection next = connect();
        carry(next, 0);
        assertEquals(List.of("m1", "m2"), receiverSide.delivered);
    }

    @Test
    void shouldHandBackAPendingReclaimBeforeGivingUpTheRestWhenAbandoned() {
        final Connection c = connect();
        send("m1");
        send("m2");
        reclaim("m1");
        sender.abandon("stopping");

        assertEquals(List.of("[m1] moved"), senderSide.handedBack);
        assertEquals(List.of("m2"), senderSide.givenUp);
        assertTrue(c.out.writes.size() >= 1);
    }
}
