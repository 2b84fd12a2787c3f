package hamlet.api.transport;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Carries envelopes to other nodes. An OSGi service of the transport bundle, used by the registry.
 *
 * <p>Threading: every method may be called from any thread, concurrently, and never blocks (a dispatcher thread
 * calls {@link #send} on behalf of an actor).
 */
public interface Transport {
    /** The largest control-lane message, in bytes: small enough to go ahead of data without delaying it. */
    int MAX_CONTROL_BYTES = 16 * 1024;
    /** The largest control-lane channel number. */
    int MAX_CONTROL_CHANNEL = 255;

    /** What became of one {@link #send}. */
    enum SendStatus {
        /** Queued for the node; it will be delivered, or handed back through {@code onUndeliverable}. */
        ACCEPTED,
        /** No such node is known to the transport: the caller dead-letters the envelope at once. */
        UNKNOWN_NODE,
        /** The node's outbox is at its bound in count or bytes: the caller dead-letters the envelope at once. */
        OUTBOX_FULL,
        /** Every peer's outboxes together are at the node-wide byte bound: the caller dead-letters it at once. */
        NODE_OUTBOXES_FULL,
        /** The encoded envelope is larger than the transport's limit: the caller dead-letters it at once. */
        TOO_LARGE
    }

    /**
     * Queues an envelope for a node.
     *
     * @param node the receiving node's id
     * @param envelope the envelope
     * @return whether it was taken; anything but {@link SendStatus#ACCEPTED} leaves the envelope with the caller
     */
    SendStatus send(String node, WireEnvelope envelope);

    /** @return what the transport knows of each peer, sorted by node id */
    List<PeerInfo> peers();

    /**
     * Sends a control-lane message to a node the transport has a link with, ahead of any data waiting for it.
     * Unreliable: when the link is down, or its small control queue is full, the message is dropped and counted.
     *
     * @param node the receiving node's id
     * @param channel the receiver's channel, 1..{@value #MAX_CONTROL_CHANNEL}
     * @param payload the message, at most {@link #MAX_CONTROL_BYTES} bytes; not changed after the call
     * @return {@code true} when queued for a link that is up; {@code false} when dropped
     */
    boolean sendControl(String node, int channel, byte[] payload);

    /**
     * Sends a control-lane message to whatever node answers at a URL (a seed, or a member heard of but not yet
     * linked): the transport dials it when it has no link to it, with the same bounds and backoff as any dial, and
     * the message waits for the handshake. Unreliable as {@link #sendControl}.
     *
     * @param url the node's URL ({@code ws://host:port/hamlet})
     * @param channel the receiver's channel
     * @param payload the message
     * @return {@code true} when queued; {@code false} when dropped
     */
    boolean sendControlTo(String url, int channel, byte[] payload);

    /**
     * Gives up on a node for good: membership removed it (declared dead, then forgotten after
     * {@code hamlet.gossip.remove-after}). The link to it, if any, is closed and dropped; everything in its outbox
     * (waiting, and written but unacknowledged) is handed back through
     * {@link EnvelopeReceiver#onUndeliverable} with {@code reason}, so that each becomes a dead letter at once rather
     * than when {@code hamlet.transport.buffer-max-age} runs out; its URLs are no longer dialed, unless one is a
     * configured seed. Sends to it are {@link SendStatus#UNKNOWN_NODE} from then on, until the node handshakes again
     * (it dials this node, or a seed URL answers as it): that makes a fresh link, as for any new peer, whose
     * sequence numbers continue those of the forgotten one (so a peer that was alive all along and still holds its
     * de-duplication window for this node does not drop the new envelopes as duplicates). Returns at once: the work
     * is done on the transport's own thread, and the undeliverable envelopes are handed back from there.
     *
     * @param node the node's id; a node the transport does not know is ignored
     * @param reason why, in a sentence for operators: it becomes the detail of each dead letter
     * @since 2.1.0
     */
    void forget(String node, String reason);

    /**
     * As {@link #reclaim}, except that matching envelopes on the live connection are handed back at once too, without
     * waiting for their acknowledgement or the connection's end (which, for a silent peer, comes only with
     * {@code hamlet.transport.silence-timeout}). For a node that membership declared down and whose messages now go
     * elsewhere: such an envelope may still reach that node if it was not down after all, so the caller must live with
     * a second copy (the registry's cluster actors drop it by its stamp). Sequence numbers keep their holes, as with
     * {@code reclaim}. The default, for a transport without it, is {@link #reclaim}.
     *
     * @param node the node's id
     * @param which the envelopes to take back; called on the transport's thread, with no lock held
     * @param reason why, in a sentence for operators
     * @since 2.3.0
     */
    default void reclaimNow(final String node, final java.util.function.Predicate<WireEnvelope> which,
                            final String reason) {
        reclaim(node, which, reason);
    }

    /**
     * Dials a node as soon as possible, skipping what is left of its reconnect backoff: membership heard that it is
     * alive again (joined or alive), so the envelopes buffered for it should flow now rather than after up to
     * {@code hamlet.transport.reconnect-backoff-max}. Nothing happens when its link is up or a dial is under way; a
     * URL not known yet is learned (within {@code hamlet.transport.max-unknown-peers}) and dialed. Once the link is
     * up, its outbox drains in order as after any reconnect. Returns at once; the dial runs on the transport's thread.
     *
     * @param node the node's id
     * @param url where membership says it listens ({@code ws://host:port/hamlet}), or {@code null} to dial only the
     *     URLs the transport already knows for it
     * @since 2.1.0
     */
    void dialNow(String node, String url);

    /**
     * Takes back from a node's outbox the envelopes that {@code which} matches, so that the caller can send them
     * elsewhere (failover: the actor they are for now lives on another node). Returns at once; the work is done on
     * the transport's own thread, where {@code which} is called, once per envelope, with no transport lock held (it
     * must not block). What it matches is handed back, in the order it was accepted, in one call of
     * {@link EnvelopeReceiver#onReclaimed} with {@code reason}; the others stay, in their order, and are delivered as
     * if nothing happened.
     *
     * <p>Which ones are taken, and when they are handed back:
     * <ul>
     * <li>waiting to be written: taken at once, never written;</li>
     * <li>written on a connection that ended before the node acknowledged them (the link is down, or was redialed):
     *     taken at once, never written again; the node may have received them before the connection ended (its
     *     acknowledgement lost), so for those the hand-back is at least once, as for a {@code retry-max} dead
     *     letter;</li>
     * <li>written on the connection that is up now and not yet acknowledged: they are on the wire to a live node and
     *     cannot be called back. They are decided first: an acknowledgement means the node took them (they are not
     *     handed back); the connection ending without one hands them back. The whole hand-back waits until each of
     *     them is decided: an acknowledgement's round trip on a live link, at most
     *     {@code hamlet.transport.silence-timeout} on a dead one. So a node that is up never gets an envelope that
     *     was also handed back.</li>
     * </ul>
     *
     * <p>Sequence numbers: every envelope keeps the number it was given when it was accepted; a taken one leaves a
     * hole, and nothing is renumbered and no tombstone is sent. The receiver's de-duplication window takes any
     * number above the highest it has delivered and marks only what it delivered, the sender resends after a
     * reconnect only what is still in the outbox, and acknowledgements are cumulative over the highest delivered, so
     * a hole is never waited for, never resent, and never makes a later envelope look like a duplicate. Renumbering
     * would: the receiver may already have seen the number of a taken envelope that was written, and would drop the
     * later envelope given that number as a duplicate, while acknowledging it.
     *
     * <p>The default throws {@link UnsupportedOperationException}, for transports written before 2.2.0.
     *
     * @param node the node's id; a node the transport does not know is ignored (nothing is handed back)
     * @param which which envelopes to take; called on the transport's thread, must not block or throw (an envelope
     *     it throws for stays)
     * @param reason why, in a sentence for operators: passed on to {@link EnvelopeReceiver#onReclaimed}
     * @since 2.2.0
     */
    default void reclaim(final String node, final Predicate<WireEnvelope> which, final String reason) {
        throw new UnsupportedOperationException("this transport cannot reclaim envelopes");
    }

    /**
     * @return the transport's counters for operators, by name (for example {@code rejected.WRONG_CLUSTER},
     *     {@code envelopes.resent}, {@code duplicates.dropped}), each counting since the transport started
     */
    Map<String, Long> counters();
}
