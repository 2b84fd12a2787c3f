package hamlet.transport.internal;

import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.EnvelopeCodec.Sequenced;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The association with one peer node, kept across connections: the outbox (envelopes waiting, and envelopes written
 * but not yet acknowledged), sequence numbers, cumulative acks, resend after reconnect, the inbound de-duplication
 * window, heartbeats and the silence timeout.
 *
 * <p>Rules:
 * <ul>
 * <li>Every accepted envelope gets the next sequence number of this node's incarnation (1, 2, ...), in the order
 *     {@link #offer} accepted it; it stays in the outbox until the peer acknowledges it, the bound or age gives it
 *     up, or it was written {@code retry-max} times on connections that then failed.</li>
 * <li>On each connection the writer writes in sequence order, starting from the oldest unacknowledged envelope, so
 *     the receiver may acknowledge cumulatively: "every sequence up to N is delivered or never coming".</li>
 * <li>The receiver delivers an envelope iff its {@link DedupWindow} for the sender's incarnation has not seen the
 *     sequence: exactly once per sender incarnation; a new incarnation of the peer starts a new window.</li>
 * <li>Control first: the handshake, a pending ack and a due heartbeat are written before each data batch; the batch
 *     takes whatever is waiting, up to max-frame (natural batching: no timer).</li>
 * <li>One connection per peer pair: when a second one completes its handshake, the one dialed by the node whose id
 *     sorts lower wins; between two dialed by the same node, or from a newer incarnation of the peer, the newer wins.
 *     Both sides apply the same rule, so they keep the same connection.</li>
 * </ul>
 *
 * <p>Threading: {@link #offer} is called from any thread; frames arrive on Jetty's threads, in order per
 * connection; {@link #doWork} is called by the transport's timer thread. Outbox state is guarded by {@code this};
 * inbound state (window, incarnation) by {@code inbound}. {@code Context.deliver} is called under {@code inbound}
 * (that is what keeps the order per peer; it must not block); no lock is held for any other call out.
 */
public final class PeerLink {
    /** What a link needs from its transport. */
    public interface Context {
        /** @return the executor the writer runs on */
        Executor writer();

        /** @return whether an envelope could be delivered now (the registry is there) */
        boolean canDeliver();

        /**
         * @param fromNode the peer
         * @param envelope a new envelope, in order
         */
        void deliver(String fromNode, WireEnvelope envelope);

        /**
         * @param toNode the peer
         * @param envelope an envelope given up
         * @param reason why
         */
        void undeliverable(String toNode, WireEnvelope envelope, String reason);

        /**
         * @param link the link
         * @param reason why its connection is closed (silence, write failure)
         */
        void connectionLost(PeerLink link, String reason);
    }

    /** An envelope in the outbox. Mutable only under the link's lock. */
    private static final class Outgoing {
        final long seq;
        final WireEnvelope envelope;
        final byte[] encoded;
        final long acceptedAtNs;
        int attempts;

        Outgoing(final long seq, final WireEnvelope envelope, final byte[] encoded, final long acceptedAtNs) {
            this.seq = seq;
            this.envelope = envelope;
            this.encoded = encoded;
            this.acceptedAtNs = acceptedAtNs;
        }
    }

    private final String selfId;
    private final String nodeId;
    private final Context context;
    private final java.util.function.LongSupplier nanoClock;
    private final Object inbound = new Object();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    private volatile TransportSettings settings;
    private volatile FrameCodec codec;
    private volatile Handshake own;
    private volatile String url;

    // Guarded by this.
    private final ArrayDeque<Outgoing> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    private long nextSeq = 1;
    private volatile LinkSession session;
    private LinkSession writingOn;
    private boolean pumpScheduled;
    private boolean handshakeDue;
    private long ackDue;
    private boolean heartbeatDue;
    private long lastReadNs;
    private long lastWriteNs;
    private volatile long peerIncarnation;

    // Guarded by inbound.
    private DedupWindow window;

    /**
     * @param selfId this node's id
     * @param nodeId the peer's id
     * @param url where the peer can be dialed, or {@code null}
     * @param settings the settings
     * @param own this node's handshake
     * @param context the transport
     * @param nanoClock the clock
     */
    public PeerLink(final String selfId, final String nodeId, final String url, final TransportSettings settings,
                    final Handshake own, final Context context, final java.util.function.LongSupplier nanoClock) {
        this.selfId = selfId;
        this.nodeId = nodeId;
        this.url = url == null || url.isEmpty() ? null : url;
        this.context = context;
        this.nanoClock = nanoClock;
        this.own = own;
        apply(settings);
        this.window = new DedupWindow(settings.dedupWindow());
    }

    /**
     * Swaps in new limits; they apply to the next envelope, frame and tick.
     *
     * @param newSettings the settings
     */
    public void apply(final TransportSettings newSettings) {
        this.settings = newSettings;
        this.codec = new FrameCodec(newSettings.maxFrameBytes(), newSettings.maxEnvelopeBytes());
    }

    /** @return the peer's node id */
    public String nodeId() {
        return nodeId;
    }

    /** @return where the peer can be dialed, or {@code null} */
    public String url() {
        return url;
    }

    /** @param advertised where the peer says it can be dialed; ignored when empty */
    public void url(final String advertised) {
        if (advertised != null && !advertised.isEmpty()) {
            this.url = advertised;
        }
    }

    /** @return the peer's incarnation from its last handshake, 0 before any */
    public long peerIncarnation() {
        return peerIncarnation;
    }

    /** @return whether a connection is attached */
    public boolean isUp() {
        return session != null;
    }

    /** @return the attached connection, or {@code null} */
    LinkSession session() {
        return session;
    }

    /** @return envelopes dropped as duplicates since start */
    public long duplicates() {
        return duplicates.get();
    }

    /**
     * Queues an envelope.
     *
     * @param envelope the envelope
     * @return ACCEPTED, OUTBOX_FULL or TOO_LARGE
     */
    public SendStatus offer(final WireEnvelope envelope) {
        final byte[] encoded = codec.envelopes().encode(0, envelope);
        if (encoded == null) {
            return SendStatus.TOO_LARGE;
        }
        final boolean schedule;
        synchronized (this) {
            if (inFlight.size() + waiting.size() >= settings.outboxLimit()) {
                return SendStatus.OUTBOX_FULL;
            }
            final long seq = nextSeq++;
            ByteBuffer.wrap(encoded).putLong(0, seq);
            waiting.addLast(new Outgoing(seq, envelope, encoded, nanoClock.getAsLong()));
            schedule = claimPump();
        }
        if (schedule) {
            context.writer().execute(this::pump);
        }
        return SendStatus.ACCEPTED;
    }

    /** Under the lock: whether the caller should start the writer now. */
    private boolean claimPump() {
        if (pumpScheduled || writingOn != null || session == null) {
            return false;
        }
        if (!handshakeDue && ackDue == 0 && !heartbeatDue && waiting.isEmpty()) {
            return false;
        }
        pumpScheduled = true;
        return true;
    }

    private void schedulePump() {
        final boolean schedule;
        synchronized (this) {
            schedule = claimPump();
        }
        if (schedule) {
            context.writer().execute(this::pump);
        }
    }

    /** The writer: control frames first, then one DATA frame with whatever is waiting, up to max-frame. */
    void pump() {
        final LinkSession target;
        final List<ByteBuffer> frames = new ArrayList<>(4);
        synchronized (this) {
            pumpScheduled = false;
            target = session;
            if (target == null || writingOn != null) {
                return;
            }
            if (handshakeDue) {
                frames.add(codec.encodeHandshake(own));
                handshakeDue = false;
            }
            if (ackDue > 0) {
                frames.add(codec.encodeAck(ackDue));
                ackDue = 0;
            }
            if (heartbeatDue && frames.isEmpty() && waiting.isEmpty()) {
                frames.add(codec.encodeHeartbeat());
            }
            heartbeatDue = false;
            final ByteBuffer data = drainBatch();
            if (data != null) {
                frames.add(data);
            }
            if (frames.isEmpty()) {
                return;
            }
            writingOn = target;
            lastWriteNs = nanoClock.getAsLong();
        }
        target.write(frames, failure -> onWritten(target, failure));
    }

    /** Under the lock: moves what fits in one frame from waiting to in flight and encodes it. */
    private ByteBuffer drainBatch() {
        if (waiting.isEmpty()) {
            return null;
        }
        final int room = codec.maxFrameBytes() - FrameLayout.DATA_PREFIX_LENGTH;
        final List<byte[]> batch = new ArrayList<>();
        int bytes = 0;
        while (!waiting.isEmpty() && bytes + waiting.peekFirst().encoded.length <= room) {
            final Outgoing next = waiting.pollFirst();
            next.attempts++;
            bytes += next.encoded.length;
            batch.add(next.encoded);
            inFlight.addLast(next);
        }
        sent.addAndGet(batch.size());
        return batch.isEmpty() ? null : codec.encodeData(batch, bytes);
    }

    private void onWritten(final LinkSession target, final Throwable failure) {
        synchronized (this) {
            if (writingOn == target) {
                writingOn = null;
            }
        }
        if (failure != null) {
            target.close("write failed");
            detach(target, "write failed: " + failure);
            return;
        }
        schedulePump();
    }

    /**
     * Attaches a connection whose handshake is complete, unless the one-link rule keeps the current one.
     *
     * @param candidate the connection
     * @param incarnation the peer's incarnation from its handshake
     * @param replyWithHandshake whether this side still owes its handshake (it accepted the connection)
     * @return {@code null} when attached, else why it was refused (the caller closes it with that reason)
     */
    public String attach(final LinkSession candidate, final long incarnation, final boolean replyWithHandshake) {
        final LinkSession replaced;
        synchronized (this) {
            replaced = session;
            if (replaced != null && incarnation <= peerIncarnation) {
                final String lower = selfId.compareTo(nodeId) < 0 ? selfId : nodeId;
                if (replaced.dialer().equals(lower) && !candidate.dialer().equals(lower)) {
                    return "duplicate link: keeping the connection dialed by " + lower;
                }
            }
            synchronized (inbound) {
                if (incarnation != peerIncarnation) {
                    window = new DedupWindow(settings.dedupWindow());
                    peerIncarnation = incarnation;
                }
            }
            session = candidate;
            requeueInFlight(new ArrayList<>());
            writingOn = null;
            pumpScheduled = false;
            handshakeDue = replyWithHandshake;
            ackDue = 0;
            lastReadNs = nanoClock.getAsLong();
            lastWriteNs = lastReadNs;
        }
        if (replaced != null) {
            replaced.close("replaced by a newer connection");
        }
        schedulePump();
        return null;
    }

    /** Under the lock: puts in-flight envelopes back before the waiting ones, oldest first. */
    private void requeueInFlight(final List<Outgoing> givenUp) {
        final Iterator<Outgoing> newestFirst = inFlight.descendingIterator();
        while (newestFirst.hasNext()) {
            final Outgoing o = newestFirst.next();
            if (o.attempts >= settings.retryMax()) {
                givenUp.add(o);
            } else {
                waiting.addFirst(o);
            }
        }
        inFlight.clear();
    }

    /**
     * A connection ended. Its unacknowledged envelopes wait to be resent on the next one, except those written
     * {@code retry-max} times already, which are given up.
     *
     * @param ended the connection
     * @param reason why, for the dead letters
     */
    public void detach(final LinkSession ended, final String reason) {
        final List<Outgoing> givenUp = new ArrayList<>();
        synchronized (this) {
            if (session != ended) {
                return;
            }
            session = null;
            writingOn = null;
            requeueInFlight(givenUp);
        }
        giveUp(givenUp, "written " + settings.retryMax() + " times to " + nodeId
            + " without an acknowledgement (hamlet.transport.retry-max); last connection ended: " + reason
            + "; it may or may not have been delivered");
    }

    /**
     * A frame arrived on a connection.
     *
     * @param from the connection
     */
    public void onRead(final LinkSession from) {
        synchronized (this) {
            if (from == session) {
                lastReadNs = nanoClock.getAsLong();
            }
        }
    }

    /**
     * A batch arrived. Delivers what the window has not seen, in order, then schedules a cumulative ack. Batches
     * from a connection that is not the attached one are ignored: the sender resends them on the attached one.
     *
     * @param from the connection
     * @param batch the envelopes
     * @return {@code false} when nothing could be delivered because the registry is not there (the caller closes
     *     the connection; the peer keeps the envelopes and resends them)
     */
    public boolean onData(final LinkSession from, final List<Sequenced> batch) {
        final long highest;
        synchronized (inbound) {
            if (from != session) {
                return true;
            }
            if (!context.canDeliver()) {
                return false;
            }
            for (final Sequenced s : batch) {
                if (window.accept(s.seq()) == DedupWindow.Verdict.NEW) {
                    received.incrementAndGet();
                    context.deliver(nodeId, s.envelope());
                } else {
                    duplicates.incrementAndGet();
                }
            }
            highest = window.highest();
        }
        synchronized (this) {
            ackDue = Math.max(ackDue, highest);
        }
        schedulePump();
        return true;
    }

    /**
     * A cumulative ack arrived: everything up to {@code seq} is delivered; forget it.
     *
     * @param from the connection
     * @param seq the highest sequence delivered
     */
    public void onAck(final LinkSession from, final long seq) {
        synchronized (this) {
            if (from != session) {
                return;
            }
            while (!inFlight.isEmpty() && inFlight.peekFirst().seq <= seq) {
                inFlight.pollFirst();
            }
            while (!waiting.isEmpty() && waiting.peekFirst().seq <= seq) {
                waiting.pollFirst();
            }
        }
    }

    /**
     * Timer work: heartbeat when the link has been quiet, close it when the peer has been silent, give up
     * envelopes that waited longer than buffer-max-age.
     *
     * @param nowNs the time, read once by the caller
     * @return how much was done
     */
    public int doWork(final long nowNs) {
        final List<Outgoing> expired = new ArrayList<>();
        LinkSession silent = null;
        synchronized (this) {
            final TransportSettings s = settings;
            if (session != null && nowNs - lastReadNs > s.silenceTimeoutNs()) {
                silent = session;
            } else if (session != null && nowNs - lastWriteNs >= s.heartbeatIntervalNs()) {
                heartbeatDue = true;
            }
            while (!waiting.isEmpty() && nowNs - waiting.peekFirst().acceptedAtNs > s.bufferMaxAgeNs()) {
                expired.add(waiting.pollFirst());
            }
        }
        if (silent != null) {
            final String reason = "silent for more than " + Duration.ofNanos(settings.silenceTimeoutNs()).toMillis()
                + "ms (hamlet.transport.silence-timeout)";
            silent.close(reason);
            detach(silent, reason);
            context.connectionLost(this, reason);
        }
        final String aged = "waited more than " + Duration.ofNanos(settings.bufferMaxAgeNs()).toMillis()
            + "ms for " + nodeId + " (hamlet.transport.buffer-max-age)";
        for (final Outgoing o : expired) {
            // One written before a connection failed may have arrived: say so rather than claim it did not.
            context.undeliverable(nodeId, o.envelope, o.attempts == 0 ? aged
                : aged + "; written " + o.attempts + " times without an acknowledgement, it may have been delivered");
        }
        schedulePump();
        return expired.size() + (silent == null ? 0 : 1);
    }

    /**
     * Gives up everything in the outbox (the transport stops).
     *
     * @param reason why
     */
    public void abandon(final String reason) {
        final List<Outgoing> all = new ArrayList<>();
        synchronized (this) {
            all.addAll(inFlight);
            all.addAll(waiting);
            inFlight.clear();
            waiting.clear();
        }
        giveUp(all, reason);
    }

    private void giveUp(final List<Outgoing> envelopes, final String reason) {
        for (final Outgoing o : envelopes) {
            context.undeliverable(nodeId, o.envelope, reason);
        }
    }

    /**
     * @param connecting whether a dial is under way
     * @return a snapshot for operators
     */
    public PeerInfo info(final boolean connecting) {
        final int outbox;
        synchronized (this) {
            outbox = inFlight.size() + waiting.size();
        }
        final PeerInfo.State state = session != null ? PeerInfo.State.UP
            : connecting ? PeerInfo.State.CONNECTING : PeerInfo.State.DOWN;
        return new PeerInfo(nodeId, url, state, peerIncarnation, outbox, sent.get(), received.get());
    }
}
