package hamlet.registry.internal;

import hamlet.api.ActorRef;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's routing state for one cluster actor: the messages held while it has no owner, in order; whether they
 * are being released (new sends then queue behind them, so that order holds); where to divert what still reaches this
 * node after it handed the actor over; the handover state that came for it; and the numbering of the messages this
 * node sends it ({@link Stamp#seq()}).
 *
 * <p>Threading: the fields are guarded by the slot itself ({@code synchronized (slot)}), held only for a few field
 * updates: nothing of another component is called under it. {@link #nextSeq} is lock-free.
 */
final class ClusterSlot {
    /** One message waiting for an owner. */
    record Held(Object body, ActorRef sender, Stamp stamp, long bytes, long sinceNs) {
    }

    final String name;
    private final AtomicLong seq = new AtomicLong();

    /** Guarded by this. */
    final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Guarded by this: bytes of {@link #held}. */
    long heldBytes;
    /** Guarded by this: a releaser (or a handover) is sending; new messages queue in {@link #held}. */
    boolean releasing;
    /** Guarded by this: handovers being sent now; new messages queue in {@link #held} meanwhile. */
    int exclusive;
    /** Guarded by this: where this node handed or forwarded the actor, until placement names a newer owner. */
    String divertTo;
    /** Guarded by this: the epoch of the owner {@link #divertTo} was handed to. */
    long divertEpoch;
    /** Guarded by this: the owner this node last sent to, to notice a change away from a node that is down. */
    String lastOwner;
    /** Guarded by this: a handover accepted for this node, waiting for its activation. */
    long handedEpoch;
    /** Guarded by this: the state document of that handover. */
    String handedDocument;
    /** Guarded by this: since when new messages wait for a reclaim's hand-back, 0 when they do not. */
    long reclaimWaitSinceNs;
    /** Guarded by this: a node to reclaim the actor's messages from, found by a decision, not yet asked. */
    String reclaimFrom;

    ClusterSlot(final String name) {
        this.name = name;
    }

    /** @return the next seq of this runtime's messages to the actor, from 1 */
    long nextSeq() {
        return seq.incrementAndGet();
    }
}
