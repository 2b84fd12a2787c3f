package hamlet.transport.internal;

import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.EnvelopeCodec.Sequenced;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The association with one peer node, kept across connections: the outbox (envelopes waiting, and envelopes written
 * but not yet acknowledged), sequence numbers, cumulative acks, resend after reconnect, the inbound de-duplication
 * window, the control lane's small queue, heartbeats and the silence timeout.
 *
 * <p>Rules:
 * <ul>
 * <li>Every accepted envelope gets the next sequence number of this node's uid (1, 2, ...), in the order
 *     {@link #offer} accepted it; it stays in the outbox until the peer acknowledges it, the bound or age gives it
 *     up, or it was written {@code retry-max} times on connections that then failed. A connection replaced by the
 *     one-link rule, or closed by a side that cannot take envelopes yet (a node still starting), is not a failed
 *     attempt.</li>
 * <li>The outbox is bounded in count ({@code outbox-limit}), in bytes per peer ({@code outbox-max-bytes}) and in
 *     bytes over every peer ({@code node-outbox-max-bytes}, through the shared {@link OutboxBudget}); it keeps each
 *     envelope once, encoded, and decodes it again only to dead-letter it.</li>
 * <li>On each connection the writer writes in sequence order, starting from the oldest unacknowledged envelope, so
 *     the receiver may acknowledge cumulatively: "every sequence up to N is delivered or never coming".</li>
 * <li>The receiver delivers an envelope iff its {@link DedupWindow} for the sender's uid has not seen the sequence,
 *     and marks it seen only once the registry took it: exactly once per sender uid. A new uid starts a new window.
 *     ACKs name the uid they acknowledge; one for another uid, or above what was written, is refused and counted.</li>
 * <li>Control first: the handshake, control-lane messages, a pending ack and a due heartbeat are written before each
 *     data batch; the batch takes whatever is waiting, up to {@link #BATCH_TARGET_BYTES} (natural batching: no
 *     timer), so that no frame keeps the link's next heartbeat waiting long.</li>
 * <li>Reclaim ({@link #reclaim}): matching envelopes leave the outbox with their sequence numbers, leaving holes;
 *     nothing is renumbered (see {@link hamlet.api.transport.Transport#reclaim} for why no tombstone is needed).
 *     Those written on the attached connection are only marked: an ack releases them as delivered, the connection's
 *     end hands them back; the reclaim is handed back, in sequence order, once each of its marked ones is decided.
 *     </li>
 * <li>One connection per peer pair: when a second one of the same peer process (same uid) completes its handshake,
 *     the one dialed by the node whose id sorts lower wins; both sides apply the same rule. A connection from another
 *     process claiming the same node id (another uid) is let in only once the current connection is down: a live,
 *     heartbeating link is never taken over.</li>
 * </ul>
 *
 * <p>Threading: {@link #offer} and {@link #offerControl} from any thread; frames arrive on Jetty's threads, in order
 * per connection; {@link #doWork} on the transport's agent thread. Outbox and connection state is guarded by
 * {@code this}, held for field updates only. Inbound batches go through a {@link SerialHandoff}: one at a time, in
 * arrival order, with no lock held, so that {@code Context.deliver} may call back into {@link #offer} (a dead-letter
 * notice, a reply) without any lock-order cycle. No method calls out of this class while holding {@code this}.
 */
public final class PeerLink {
    /**
     * Bytes a DATA frame is filled to, when the waiting envelopes allow: a frame of this size takes about a tenth of
     * a second at 20 Mbit/s, so heartbeats and acks never wait long behind one; larger frames gained no throughput.
     */
    static final int BATCH_TARGET_BYTES = 256 * 1024;
    /** Control-lane messages that may wait for a link; more are dropped (the lane is unreliable by contract). */
    static final int MAX_CONTROL_QUEUED = 64;

    /** What a link needs from its transport. */
    public interface Context {
        /** @return the executor the writer runs on */
        Executor writer();

        /**
         * @param fromNode the peer
         * @param envelope a new envelope, in order
         * @return whether the registry took it; {@code false} stops the batch, unacknowledged
         */
        boolean deliver(String fromNode, WireEnvelope envelope);

        /**
         * @param toNode the peer
         * @param envelope an envelope given up
         * @param reason why
         */
        void undeliverable(String toNode, WireEnvelope envelope, String reason);

        /**
         * @param fromNode the peer
         * @param channel the control channel
         * @param payload the message
         */
        void control(String fromNode, int channel, byte[] payload);

        /**
         * @param link the link
         * @param reason why its connection is closed (silence, write failure)
         */
        void connectionLost(PeerLink link, String reason);

        /**
         * @param toNode the peer
         * @param envelopes envelopes a reclaim took, in sequence order, not empty
         * @param reason the reclaim's reason
         */
        void reclaimed(String toNode, List<WireEnvelope> envelopes, String reason);

        /** @param failure what an inbound delivery threw; counted and logged by the transport */
        void deliveryFailed(Throwable failure);
    }

    /** An envelope in the outbox, encoded once. Mutable only under the link's lock. */
    private static final class Outgoing {
        final long seq;
        final byte[] encoded;
        final long acceptedAtNs;
        int attempts;
        boolean written;
        /** The reclaim waiting for this one's ack or its connection's end, or {@code null}. */
        Reclaim reclaimedBy;

        Outgoing(final long seq, final byte[] encoded, final long acceptedAtNs) {
            this.seq = seq;
            this.encoded = encoded;
            this.acceptedAtNs = acceptedAtNs;
        }
    }

    /**
     * One reclaim whose envelopes on the attached connection are not decided yet. Guarded by the link's lock.
     */
    private static final class Reclaim {
        final String reason;
        /** Decoded once, outside the lock, when the predicate was asked: by envelope, for the hand-back. */
        final Map<Outgoing, WireEnvelope> matched;
        final List<Outgoing> taken = new ArrayList<>();
        int undecided;

        Reclaim(final String reason, final Map<Outgoing, WireEnvelope> matched) {
            this.reason = reason;
            this.matched = matched;
        }
    }

    private final String selfId;
    private final String nodeId;
    private final long ownUid;
    private final Context context;
    private final LongSupplier nanoClock;
    private final OutboxBudget budget;
    private final SerialHandoff inbound;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong tooOld = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong acksRefused = new AtomicLong();
    private final AtomicLong controlDropped = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();
    private final AtomicLong reclaimDeliveredFirst = new AtomicLong();
    private final AtomicLong reclaimPredicateFailures = new AtomicLong();
    /** Frames and bytes each way, counted per frame (never per envelope): see {@link TransportMetrics}. */
    private final LinkTraffic traffic = new LinkTraffic();

    private volatile TransportSettings settings;
    private volatile FrameCodec codec;
    private volatile Handshake own;
    private volatile String url;
    /** When a frame was last read on the attached connection; written by readers without the lock. */
    private volatile long lastReadNs;

    // Guarded by this.
    private final ArrayDeque<Outgoing> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> controlOut = new ArrayDeque<>();
    private long nextSeq = 1;
    private long highestWritten;
    private long outboxBytes;
    private volatile LinkSession session;
    private LinkSession writingOn;
    private boolean pumpScheduled;
    private boolean handshakeDue;
    private long ackDue;
    private long ackUid;
    private boolean heartbeatDue;
    private long lastWriteNs;
    private volatile long peerUid;
    /** When the link last went down with an empty outbox, or 0 while up or holding envelopes. */
    private long idleSinceNs;
    /** Whether this node dialed the peer (a seed, or a URL it chose): its link lines are always logged. */
    private volatile boolean configured;
    /** The transport stopped: nothing more is taken (an offer racing the stop would wait forever). */
    private boolean abandoned;

    // Confined to the inbound hand-off.
    private DedupWindow window;
    private long windowUid;

    /**
     * @param selfId this node's id
     * @param ownUid this node's uid (ACKs for another are refused)
     * @param nodeId the peer's id
     * @param url where the peer can be dialed, or {@code null}
     * @param settings the settings
     * @param own this node's handshake
     * @param context the transport
     * @param budget the node-wide outbox byte budget
     * @param nanoClock the clock
     */
    public PeerLink(final String selfId, final long ownUid, final String nodeId, final String url,
                    final TransportSettings settings, final Handshake own, final Context context,
                    final OutboxBudget budget, final LongSupplier nanoClock) {
        this.selfId = selfId;
        this.ownUid = ownUid;
        this.nodeId = nodeId;
        this.url = url == null || url.isEmpty() ? null : url;
        this.context = context;
        this.nanoClock = nanoClock;
        this.budget = budget;
        this.own = own;
        this.inbound = new SerialHandoff(context::deliveryFailed);
        apply(settings);
        this.idleSinceNs = nanoClock.getAsLong();
    }

    /**
     * Swaps in new limits; they apply to the next envelope, frame and tick (a new de-duplication window size to the
     * next window: the one in use keeps its size until the peer restarts).
     *
     * @param newSettings the settings
     */
    public void apply(final TransportSettings newSettings) {
        this.settings = newSettings;
        this.codec = new FrameCodec(newSettings.maxFrameBytes(), newSettings.maxEnvelopeBytes());
    }

    /**
     * Continues the sequence numbers of a link to the same peer that this transport forgot: a peer that was alive
     * all along still holds its de-duplication window for this node's uid, and would take sequences restarting at 1
     * for duplicates (and acknowledge them, unseen). Called by the agent before the link is published.
     *
     * @param next the first sequence this link gives, above every one the forgotten link gave
     */
    void continueSequence(final long next) {
        synchronized (this) {
            if (next > nextSeq) {
                nextSeq = next;
                // An ack of the old link's envelopes (sent before the peer saw the new connection) is not refused.
                highestWritten = next - 1;
            }
        }
    }

    /** @return the sequence the next accepted envelope would get */
    long nextSequence() {
        synchronized (this) {
            return nextSeq;
        }
    }

    /** @param handshake what this node says on the next connection (after a live edit of its URL or cluster) */
    void own(final Handshake handshake) {
        this.own = handshake;
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

    /** @param dialedByThisNode whether this node dials the peer (its lines are logged without a budget) */
    void configured(final boolean dialedByThisNode) {
        this.configured = dialedByThisNode;
    }

    /** @return whether this node dials the peer */
    boolean configured() {
        return configured;
    }

    /** @return the peer's uid from its last handshake, 0 before any */
    public long peerUid() {
        return peerUid;
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

    /** @return envelopes dropped because they fell below the de-duplication window (dedup-window too small) */
    public long tooOld() {
        return tooOld.get();
    }

    /** @return envelopes written again after a connection ended before they were acknowledged */
    public long resent() {
        return resent.get();
    }

    /** @return ACKs refused: for another uid of this node, or above anything written */
    public long acksRefused() {
        return acksRefused.get();
    }

    /** @return control-lane messages dropped (link down, or its control queue full) */
    public long controlDropped() {
        return controlDropped.get();
    }

    /** @return envelopes handed back by reclaims */
    public long reclaimed() {
        return reclaimed.get();
    }

    /** @return envelopes a reclaim matched on the live connection that the peer acknowledged first (not handed back) */
    public long reclaimDeliveredFirst() {
        return reclaimDeliveredFirst.get();
    }

    /** @return envelopes a reclaim's predicate threw for (they stayed) */
    public long reclaimPredicateFailures() {
        return reclaimPredicateFailures.get();
    }

    /** @return envelopes sent (written, resends included) */
    public long sent() {
        return sent.get();
    }

    /** @return envelopes received and taken by the registry */
    public long received() {
        return received.get();
    }

    /** @return bytes of encoded envelopes waiting or unacknowledged */
    public synchronized long outboxBytes() {
        return outboxBytes;
    }

    /**
     * @param nowNs the time
     * @return how long the link has been down with an empty outbox, 0 while up or holding envelopes
     */
    synchronized long idleNs(final long nowNs) {
        return session != null || idleSinceNs == 0 || !inFlight.isEmpty() || !waiting.isEmpty()
            ? 0 : nowNs - idleSinceNs;
    }

    /**
     * Queues an envelope.
     *
     * @param envelope the envelope
     * @return ACCEPTED, OUTBOX_FULL, NODE_OUTBOXES_FULL, TOO_LARGE, or UNKNOWN_NODE once the transport stopped
     */
    public SendStatus offer(final WireEnvelope envelope) {
        final byte[] encoded = codec.envelopes().encode(0, envelope);
        if (encoded == null) {
            return SendStatus.TOO_LARGE;
        }
        final boolean schedule;
        synchronized (this) {
            if (abandoned) {
                return SendStatus.UNKNOWN_NODE;
            }
            final TransportSettings s = settings;
            if (inFlight.size() + waiting.size() >= s.outboxLimit()
                || outboxBytes + encoded.length > s.outboxMaxBytes()) {
                return SendStatus.OUTBOX_FULL;
            }
            if (!budget.tryReserve(encoded.length)) {
                return SendStatus.NODE_OUTBOXES_FULL;
            }
            final long seq = nextSeq++;
            EnvelopeCodec.patchSequence(encoded, seq);
            waiting.addLast(new Outgoing(seq, encoded, nanoClock.getAsLong()));
            outboxBytes += encoded.length;
            idleSinceNs = 0;
            schedule = claimPump();
        }
        if (schedule) {
            context.writer().execute(this::pump);
        }
        return SendStatus.ACCEPTED;
    }

    /**
     * Queues a control-lane message for the attached connection, ahead of data.
     *
     * @param channel the channel
     * @param payload the message
     * @return {@code false} when dropped: no connection, or {@link #MAX_CONTROL_QUEUED} already waiting
     */
    public boolean offerControl(final int channel, final byte[] payload) {
        final ByteBuffer frame = codec.encodeControl(channel, payload);
        final boolean schedule;
        synchronized (this) {
            if (session == null || controlOut.size() >= MAX_CONTROL_QUEUED) {
                controlDropped.incrementAndGet();
                return false;
            }
            controlOut.addLast(frame);
            schedule = claimPump();
        }
        if (schedule) {
            context.writer().execute(this::pump);
        }
        return true;
    }

    /** Under the lock: whether the caller should start the writer now. */
    private boolean claimPump() {
        if (pumpScheduled || writingOn != null || session == null) {
            return false;
        }
        if (!handshakeDue && ackDue == 0 && !heartbeatDue && waiting.isEmpty() && controlOut.isEmpty()) {
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

    /** The writer: control frames first, then one DATA frame with whatever is waiting, up to the batch target. */
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
            while (!controlOut.isEmpty()) {
                frames.add(controlOut.pollFirst());
            }
            if (ackDue > 0) {
                traffic.ackWritten();
                frames.add(codec.encodeAck(ackUid, ackDue));
                ackDue = 0;
            }
            final ByteBuffer data = drainBatch();
            if (heartbeatDue && frames.isEmpty() && data == null) {
                frames.add(codec.encodeHeartbeat());
            }
            heartbeatDue = false;
            if (data != null) {
                frames.add(data);
            }
            if (frames.isEmpty()) {
                return;
            }
            traffic.written(frames);
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
        final int room = Math.min(codec.maxFrameBytes(), BATCH_TARGET_BYTES) - FrameLayout.DATA_PREFIX_LENGTH;
        final List<byte[]> batch = new ArrayList<>();
        int bytes = 0;
        // The first envelope goes alone when it is larger than the target (it is within max-envelope).
        while (!waiting.isEmpty() && (batch.isEmpty() || bytes + waiting.peekFirst().encoded.length <= room)) {
            final Outgoing next = waiting.pollFirst();
            if (next.written) {
                resent.incrementAndGet();
            }
            next.written = true;
            next.attempts++;
            bytes += next.encoded.length;
            batch.add(next.encoded);
            inFlight.addLast(next);
            highestWritten = Math.max(highestWritten, next.seq);
        }
        sent.addAndGet(batch.size());
        traffic.batch(batch.size());
        return codec.encodeData(batch, bytes);
    }

    private void onWritten(final LinkSession target, final Throwable failure) {
        synchronized (this) {
            if (writingOn == target) {
                writingOn = null;
            }
        }
        if (failure != null) {
            target.abort("write failed");
            detach(target, "write failed: " + failure);
            context.connectionLost(this, "write failed: " + failure);
            return;
        }
        schedulePump();
    }

    /**
     * Attaches a connection whose handshake is complete, unless the one-link rule keeps the current one.
     *
     * @param candidate the connection
     * @param uid the peer's uid from its handshake
     * @param replyWithHandshake whether this side still owes its handshake (it accepted the connection)
     * @return {@code null} when attached, else why it was refused (the caller closes it with that reason)
     */
    public String attach(final LinkSession candidate, final long uid, final boolean replyWithHandshake) {
        final LinkSession replaced;
        final List<Reclaim> done = new ArrayList<>(0);
        synchronized (this) {
            replaced = session;
            if (replaced != null) {
                if (uid != peerUid) {
                    return "node " + nodeId + " already has a live link from another process (uid "
                        + Long.toHexString(peerUid) + "); refused until that link is down";
                }
                final String lower = selfId.compareTo(nodeId) < 0 ? selfId : nodeId;
                if (replaced.dialer().equals(lower) && !candidate.dialer().equals(lower)) {
                    return "duplicate link: keeping the connection dialed by " + lower;
                }
                // The replaced connection did not fail: what it carried is resent without counting an attempt.
                for (final Outgoing o : inFlight) {
                    o.attempts--;
                }
            }
            session = candidate;
            peerUid = uid;
            idleSinceNs = 0;
            requeueInFlight(null, done);
            writingOn = null;
            pumpScheduled = false;
            handshakeDue = replyWithHandshake;
            controlOut.clear();
            ackDue = 0;
            lastReadNs = nanoClock.getAsLong();
            lastWriteNs = lastReadNs;
        }
        if (replaced != null) {
            replaced.close("replaced by a newer connection");
        }
        handBack(done);
        schedulePump();
        return null;
    }

    /**
     * Under the lock: puts in-flight envelopes back before the waiting ones, oldest first; those written
     * {@code retry-max} times go to {@code givenUp} instead, when it is given; those a reclaim waits for are taken by
     * it, and the reclaims that are then complete go to {@code done}.
     */
    private void requeueInFlight(final List<Outgoing> givenUp, final List<Reclaim> done) {
        final Iterator<Outgoing> newestFirst = inFlight.descendingIterator();
        while (newestFirst.hasNext()) {
            final Outgoing o = newestFirst.next();
            if (o.reclaimedBy != null) {
                // Its connection ended unacknowledged: decided, handed back (it may have arrived: at least once).
                release(o);
                o.reclaimedBy.taken.add(o);
                decided(o.reclaimedBy, done);
            } else if (givenUp != null && o.attempts >= settings.retryMax()) {
                givenUp.add(o);
                release(o);
            } else {
                waiting.addFirst(o);
            }
        }
        inFlight.clear();
    }

    /** Under the lock: an envelope leaves the outbox. */
    private void release(final Outgoing o) {
        outboxBytes -= o.encoded.length;
        budget.release(o.encoded.length);
    }

    /**
     * A connection failed. Its unacknowledged envelopes wait to be resent on the next one, except those written
     * {@code retry-max} times already, which are given up.
     *
     * @param ended the connection
     * @param reason why, for the dead letters
     */
    public void detach(final LinkSession ended, final String reason) {
        detach(ended, reason, true);
    }

    /**
     * A connection ended.
     *
     * @param ended the connection
     * @param reason why, for the dead letters
     * @param failed whether its writes count as failed attempts; not when one side closed it only because it could
     *     not take envelopes yet ({@link LinkSession#closeNotReady}), which says nothing about the link
     */
    public void detach(final LinkSession ended, final String reason, final boolean failed) {
        final List<Outgoing> givenUp = new ArrayList<>();
        final List<Reclaim> done = new ArrayList<>(0);
        synchronized (this) {
            if (session != ended) {
                return;
            }
            if (!failed) {
                for (final Outgoing o : inFlight) {
                    o.attempts--;
                }
            }
            session = null;
            writingOn = null;
            controlOut.clear();
            requeueInFlight(givenUp, done);
            if (waiting.isEmpty()) {
                idleSinceNs = nanoClock.getAsLong();
            }
        }
        handBack(done);
        giveUp(givenUp, "written " + settings.retryMax() + " times to " + nodeId
            + " without an acknowledgement (hamlet.transport.retry-max); last connection ended: " + reason
            + "; it may or may not have been delivered");
    }

    /**
     * A frame arrived on a connection: the peer is alive, whatever the frame.
     *
     * @param from the connection
     */
    public void onRead(final LinkSession from) {
        traffic.frameRead();
        if (from == session) {
            lastReadNs = nanoClock.getAsLong();
        }
    }

    /**
     * A fragment of a frame arrived: a sign of life, and bytes read.
     *
     * @param from the connection
     * @param bytes the fragment's payload bytes
     */
    public void onFragment(final LinkSession from, final int bytes) {
        traffic.bytesRead(bytes);
        if (from == session) {
            lastReadNs = nanoClock.getAsLong();
        }
    }

    /** @return frames and bytes each way and the batch sizes */
    LinkTraffic traffic() {
        return traffic;
    }

    /**
     * A batch arrived. Hands it to the inbound hand-off, which delivers what the window has not seen, in order, with
     * no lock held, then schedules a cumulative ack of what the registry took, then runs {@code next}. Batches from a
     * connection that is no longer the attached one are dropped unacknowledged: the sender resends them.
     *
     * @param from the connection
     * @param batch the envelopes
     * @param next run once the batch is done (the connection asks for its next frame then)
     */
    public void onData(final LinkSession from, final List<Sequenced> batch, final Runnable next) {
        inbound.submit(() -> {
            try {
                deliverBatch(from, batch);
            } finally {
                next.run();
            }
        });
    }

    /** In the hand-off: one batch. */
    private void deliverBatch(final LinkSession from, final List<Sequenced> batch) {
        final long uid;
        synchronized (this) {
            if (from != session) {
                return;
            }
            uid = peerUid;
        }
        if (window == null || windowUid != uid) {
            window = new DedupWindow(settings.dedupWindow());
            windowUid = uid;
        }
        boolean refused = false;
        for (final Sequenced s : batch) {
            final DedupWindow.Verdict verdict = window.peek(s.seq());
            if (verdict != DedupWindow.Verdict.NEW) {
                // Below the window cannot be told from a duplicate; counted apart, as it should never happen.
                (verdict == DedupWindow.Verdict.TOO_OLD ? tooOld : duplicates).incrementAndGet();
                continue;
            }
            if (!context.deliver(nodeId, s.envelope())) {
                refused = true;
                break;
            }
            window.accept(s.seq());
            received.incrementAndGet();
        }
        final long highest = window.highest();
        synchronized (this) {
            if (from == session && peerUid == uid && highest > 0) {
                ackUid = uid;
                ackDue = Math.max(ackDue, highest);
            }
        }
        schedulePump();
        if (refused) {
            // Unacknowledged from the refused one on: the peer keeps them and resends them on its next connection.
            from.closeNotReady("node not ready: no receiver");
            detach(from, "node not ready: no receiver", false);
        }
    }

    /**
     * A control-lane message arrived; handed on at once, on the caller's thread, with no lock held.
     *
     * @param from the connection
     * @param channel the channel
     * @param payload the message
     */
    public void onControl(final LinkSession from, final int channel, final byte[] payload) {
        if (from == session) {
            context.control(nodeId, channel, payload);
        }
    }

    /**
     * A cumulative ack arrived: everything up to {@code seq} of this node's {@code uid} is delivered; forget it.
     * An ack for another uid (a previous run of this node) or above what was written is refused and counted; one
     * above is clamped to what was written, never past it.
     *
     * @param from the connection
     * @param uid the uid the ack is for
     * @param seq the highest sequence delivered
     */
    public void onAck(final LinkSession from, final long uid, final long seq) {
        final List<Reclaim> done = new ArrayList<>(0);
        synchronized (this) {
            if (from != session) {
                return;
            }
            if (uid != ownUid) {
                acksRefused.incrementAndGet();
                return;
            }
            traffic.ackRead();
            long upTo = seq;
            if (upTo > highestWritten) {
                acksRefused.incrementAndGet();
                upTo = highestWritten;
            }
            while (!inFlight.isEmpty() && inFlight.peekFirst().seq <= upTo) {
                final Outgoing o = inFlight.pollFirst();
                release(o);
                if (o.reclaimedBy != null) {
                    // The peer took it: it is not handed back, so that it is never delivered twice.
                    reclaimDeliveredFirst.incrementAndGet();
                    decided(o.reclaimedBy, done);
                }
            }
            // Resent ones wait again after a reconnect; an ack from before can still cover them.
            while (!waiting.isEmpty() && waiting.peekFirst().seq <= upTo && waiting.peekFirst().written) {
                release(waiting.pollFirst());
            }
        }
        handBack(done);
    }

    /**
     * Agent work: heartbeat when the link has been quiet, close it when the peer has been silent, give up
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
                final Outgoing o = waiting.pollFirst();
                release(o);
                expired.add(o);
            }
            if (session == null && idleSinceNs == 0 && waiting.isEmpty() && inFlight.isEmpty()) {
                idleSinceNs = nowNs;
            }
        }
        if (silent != null) {
            final String reason = "silent for more than " + Duration.ofNanos(settings.silenceTimeoutNs()).toMillis()
                + "ms (hamlet.transport.silence-timeout)";
            silent.abort(reason);
            detach(silent, reason);
            context.connectionLost(this, reason);
        }
        final String aged = "waited more than " + Duration.ofNanos(settings.bufferMaxAgeNs()).toMillis()
            + "ms for " + nodeId + " (hamlet.transport.buffer-max-age)";
        for (final Outgoing o : expired) {
            // One written before a connection failed may have arrived: say so rather than claim it did not.
            undeliverable(o, o.attempts == 0 ? aged
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
        final List<Reclaim> done = new ArrayList<>(0);
        synchronized (this) {
            abandoned = true;
            for (final Outgoing o : inFlight) {
                if (o.reclaimedBy != null) {
                    o.reclaimedBy.taken.add(o);
                    decided(o.reclaimedBy, done);
                } else {
                    all.add(o);
                }
            }
            all.addAll(waiting);
            inFlight.forEach(this::release);
            waiting.forEach(this::release);
            inFlight.clear();
            waiting.clear();
        }
        // A reclaim's own envelopes go back to it first: they are older than what is given up with them.
        handBack(done);
        giveUp(all, reason);
    }

    /**
     * Takes back the envelopes {@code which} matches (see {@link hamlet.api.transport.Transport#reclaim}): waiting
     * ones at once, ones written on the attached connection once its ack or its end decides them. The predicate runs
     * on the caller's thread (the agent) with no lock held, on a snapshot; what changed meanwhile is judged again
     * under the lock: acknowledged or expired since is no longer there, and is not taken.
     *
     * @param which which envelopes to take
     * @param reason why, for the hand-back
     */
    void reclaim(final Predicate<WireEnvelope> which, final String reason) {
        reclaim(which, reason, false);
    }

    /**
     * @param inFlightToo whether matched envelopes on the live connection are taken at once too (the peer is down
     *     by membership's verdict: waiting for their ack or the connection's end would only add the silence timeout)
     */
    void reclaim(final Predicate<WireEnvelope> which, final String reason, final boolean inFlightToo) {
        final List<Outgoing> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(inFlight.size() + waiting.size());
            snapshot.addAll(inFlight);
            snapshot.addAll(waiting);
        }
        final Map<Outgoing, WireEnvelope> matched = new HashMap<>();
        for (final Outgoing o : snapshot) {
            final WireEnvelope envelope = codec.envelopes().decodeOwn(o.encoded);
            try {
                if (which.test(envelope)) {
                    matched.put(o, envelope);
                }
            } catch (final RuntimeException e) {
                reclaimPredicateFailures.incrementAndGet();
            }
        }
        if (matched.isEmpty()) {
            return;
        }
        final Reclaim r = new Reclaim(reason, matched);
        final List<Reclaim> done = new ArrayList<>(1);
        synchronized (this) {
            if (inFlightToo) {
                takeInFlight(r);
            }
            takeMatched(r);
            if (r.undecided == 0) {
                done.add(r);
            }
        }
        handBack(done);
    }

    /** Under the lock: takes the matched envelopes on the live connection now, leaving holes in its sequence. */
    private void takeInFlight(final Reclaim r) {
        inFlight.removeIf(o -> {
            if (o.reclaimedBy != null || !r.matched.containsKey(o)) {
                return false;
            }
            release(o);
            r.taken.add(o);
            return true;
        });
    }

    /** Under the lock: takes the matched waiting envelopes, marks the matched ones in flight. */
    private void takeMatched(final Reclaim r) {
        waiting.removeIf(o -> {
            if (o.reclaimedBy != null || !r.matched.containsKey(o)) {
                return false;
            }
            release(o);
            r.taken.add(o);
            return true;
        });
        for (final Outgoing o : inFlight) {
            // In flight only while a connection is attached: on the wire to a live peer, decided by ack or end.
            if (o.reclaimedBy == null && r.matched.containsKey(o)) {
                o.reclaimedBy = r;
                r.undecided++;
            }
        }
    }

    /** Under the lock: one of {@code r}'s marked envelopes is decided; {@code r} goes to {@code done} when complete. */
    private static void decided(final Reclaim r, final List<Reclaim> done) {
        r.undecided--;
        if (r.undecided == 0) {
            done.add(r);
        }
    }

    /** Outside the lock: hands back each complete reclaim that took anything, in sequence order. */
    private void handBack(final List<Reclaim> done) {
        for (final Reclaim r : done) {
            if (r.taken.isEmpty()) {
                continue;
            }
            r.taken.sort(Comparator.comparingLong(o -> o.seq));
            final List<WireEnvelope> envelopes = new ArrayList<>(r.taken.size());
            for (final Outgoing o : r.taken) {
                envelopes.add(r.matched.get(o));
            }
            reclaimed.addAndGet(envelopes.size());
            try {
                context.reclaimed(nodeId, List.copyOf(envelopes), r.reason);
            } catch (final Throwable e) {
                context.deliveryFailed(e);
            }
        }
    }

    private void giveUp(final List<Outgoing> envelopes, final String reason) {
        for (final Outgoing o : envelopes) {
            undeliverable(o, reason);
        }
    }

    /**
     * One dead letter. Whatever the registry throws, an Error included, is counted and the caller's loop goes on:
     * the other envelopes given up with it still become dead letters.
     */
    private void undeliverable(final Outgoing o, final String reason) {
        try {
            context.undeliverable(nodeId, codec.envelopes().decodeOwn(o.encoded), reason);
        } catch (final Throwable e) {
            context.deliveryFailed(e);
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
        return new PeerInfo(nodeId, url, state, peerUid, outbox, sent.get(), received.get());
    }
}
