package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.cluster.Placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Where a message to a cluster actor goes, from this node: to its activation here, to its owner's node as
 * {@code owner:name}, to the node this node handed it to, or into a bounded hold while it has no owner (nobody runs
 * it, it is moving, its owner is down and not yet taken over), released in order when the owner is known. Messages
 * first sent from this node are stamped here ({@link Stamp}); messages that arrive from other nodes keep theirs.
 *
 * <p>Order: while a slot has held messages, or is being released or handed over, new messages queue behind them, so
 * that one sender's messages reach the actor in the order sent, whatever path each took.
 *
 * <p>Bounds: at most {@code hold-max} messages per actor and {@code hold-max-bytes} for the node, none older than
 * {@code hold-max-age}; over a bound a message becomes a dead letter saying which bound, and is counted.
 *
 * <p>Threading: any thread. A slot's lock guards only its fields; placement, the transport, the cells and dead
 * letters are called outside it.
 */
final class ClusterRouting {
    /** Bytes counted for a body whose size cannot be known without encoding it. */
    private static final long UNKNOWN_BODY_BYTES = 256;

    /** How long new messages wait for a reclaim's hand-back before they go on without it. */
    static final long RECLAIM_WAIT_NS = 250_000_000L;

    /** Where one message goes now. */
    private record Decision(ActorCell cell, String node, boolean forward) {
        static final Decision HOLD = new Decision(null, null, false);
    }

    private final String nodeId;
    private final long run;
    private final ClusterActors manager;
    private final Function<String, ActorCell> cells;
    private final TransportRouter transport;
    private final DeadLetters deadLetters;
    private final ClusterView cluster;
    private final ConcurrentHashMap<String, ClusterSlot> slots = new ConcurrentHashMap<>();
    /** Bytes held for every cluster actor of the node together. */
    private final AtomicLong heldBytes = new AtomicLong();

    ClusterRouting(final String nodeId, final long run, final ClusterActors manager,
                   final Function<String, ActorCell> cells, final TransportRouter transport,
                   final DeadLetters deadLetters, final ClusterView cluster) {
        this.nodeId = nodeId;
        this.run = run;
        this.manager = manager;
        this.cells = cells;
        this.transport = transport;
        this.deadLetters = deadLetters;
        this.cluster = cluster;
    }

    ClusterSlot slot(final String name) {
        return slots.computeIfAbsent(name, ClusterSlot::new);
    }

    /** @return the slots that exist, for the failover thread's rounds */
    Iterable<ClusterSlot> slots() {
        return slots.values();
    }

    /**
     * A send from this node to a cluster actor by its bare name: stamped, then routed.
     *
     * @param ref the ref sent through: it remembers the local activation found, as for any local actor
     */
    void send(final AddressRef ref, final String name, final Object body, final ActorRef sender) {
        final ClusterSlot slot = slot(name);
        final ActorCell local = route(slot, body, sender, new Stamp(nodeId, run, slot.nextSeq(), false), false);
        if (local != null && ref != null) {
            ref.cell = local;
        }
    }

    /** A message from another node for {@code thisNode:name} of a cluster actor. */
    void arrived(final String name, final Object body, final ActorRef sender, final Stamp stamp) {
        route(slot(name), body, sender, stamp, true);
    }

    /**
     * Messages taken back from a gone node's outbox: delivered where the actor is now, or held ahead of what is held
     * already (they were sent before it), in order. Over the hold's count bound they are held all the same: they are
     * few, and older than what waits.
     */
    void reclaimed(final String name, final List<ClusterSlot.Held> messages) {
        final ClusterSlot slot = slot(name);
        final Optional<Placement.Owner> owner = manager.owner(name);
        final ActorCell cell = cells.apply(name);
        final boolean ownerUp = owner.isPresent() && up(owner.get().node());
        final Decision decision;
        synchronized (slot) {
            slot.reclaimWaitSinceNs = 0;
            decision = slot.releasing || slot.exclusive > 0 || !slot.held.isEmpty() ? Decision.HOLD
                : decide(slot, owner, cell, ownerUp, false);
            if (decision == Decision.HOLD) {
                for (int i = messages.size() - 1; i >= 0; i--) {
                    final ClusterSlot.Held held = messages.get(i);
                    slot.held.addFirst(held);
                    slot.heldBytes += held.bytes();
                    heldBytes.addAndGet(held.bytes());
                }
                manager.counters().add(ClusterCounters.HELD, messages.size());
            }
        }
        if (decision == Decision.HOLD) {
            release(slot);
            return;
        }
        for (final ClusterSlot.Held held : messages) {
            deliver(name, decision, held.body(), held.sender(), held.stamp(), false);
        }
    }

    /** A message that reached an activation that has left this node: routed again, keeping its stamp. */
    void reroute(final String name, final Envelope envelope) {
        route(slot(name), envelope.body(), envelope.sender(), envelope.stamp(), true);
    }

    /** @return the local activation it was enqueued on, when that is where it went and nothing waited before it */
    private ActorCell route(final ClusterSlot slot, final Object body, final ActorRef sender, final Stamp stamp,
                            final boolean arrived) {
        final Optional<Placement.Owner> owner = manager.owner(slot.name);
        final ActorCell cell = cells.apply(slot.name);
        final boolean ownerUp = owner.isPresent() && up(owner.get().node());
        final Decision decision;
        String refusal = null;
        final String reclaimFrom;
        synchronized (slot) {
            if (slot.releasing || slot.exclusive > 0 || !slot.held.isEmpty()) {
                decision = Decision.HOLD;
            } else {
                decision = decide(slot, owner, cell, ownerUp, arrived && stamp != null && stamp.forwarded());
            }
            if (decision == Decision.HOLD) {
                refusal = hold(slot, body, sender, stamp);
            }
            reclaimFrom = takeReclaim(slot);
        }
        if (reclaimFrom != null) {
            manager.reclaim(reclaimFrom, slot.name);
        }
        if (decision == Decision.HOLD) {
            if (refusal != null) {
                deadLetters.record(slot.name, body, sender, DeadLetter.Reason.MAILBOX_FULL, refusal);
                manager.counters().add(ClusterCounters.HELD_DROPPED);
            }
            return null;
        }
        deliver(slot.name, decision, body, sender, stamp, arrived);
        return decision.cell;
    }

    /** Pure: where a message goes, given what was read. Under the slot's lock. */
    private Decision decide(final ClusterSlot slot, final Optional<Placement.Owner> owner, final ActorCell cell,
                            final boolean ownerUp, final boolean forwardedAlready) {
        if (cell != null && cell.role() != null && !cell.role().diverted()) {
            return new Decision(cell, null, false);
        }
        if (slot.divertTo != null) {
            if (owner.isPresent() && !owner.get().moving() && owner.get().epoch() >= slot.divertEpoch) {
                slot.divertTo = null;
            } else {
                return new Decision(null, slot.divertTo, true);
            }
        }
        if (owner.isEmpty() || owner.get().moving()) {
            return Decision.HOLD;
        }
        final String node = owner.get().node();
        if (slot.reclaimWaitSinceNs != 0 || movedFromDown(slot, node)) {
            return Decision.HOLD;
        }
        if (node.equals(nodeId) || !ownerUp || forwardedAlready) {
            return Decision.HOLD;
        }
        slot.lastOwner = node;
        return new Decision(null, node, false);
    }

    /**
     * Whether the actor moved away from a node this node sent it to and which is down now: what waits in that node's
     * outbox is to be reclaimed first, and new messages wait a moment behind it. Under the slot's lock.
     */
    private boolean movedFromDown(final ClusterSlot slot, final String owner) {
        final String last = slot.lastOwner;
        if (last == null || last.equals(owner) || last.equals(nodeId) || up(last)) {
            return false;
        }
        slot.lastOwner = null;
        slot.reclaimFrom = last;
        slot.reclaimWaitSinceNs = manager.nanoTime();
        return true;
    }

    /** @return the node to reclaim from, once, when a decision found one. Under the slot's lock. */
    private static String takeReclaim(final ClusterSlot slot) {
        final String from = slot.reclaimFrom;
        slot.reclaimFrom = null;
        return from;
    }

    /**
     * Notices that the actor's owner changed away from a node that is down, even when nothing is sent now: the
     * failover thread's round. Then asks the transport for what waits for it there.
     */
    void noticeMove(final ClusterSlot slot) {
        final Optional<Placement.Owner> owner = manager.owner(slot.name);
        if (owner.isEmpty() || owner.get().moving()) {
            return;
        }
        final String reclaimFrom;
        synchronized (slot) {
            if (slot.reclaimWaitSinceNs != 0 || !movedFromDown(slot, owner.get().node())) {
                return;
            }
            reclaimFrom = takeReclaim(slot);
        }
        if (reclaimFrom != null) {
            manager.reclaim(reclaimFrom, slot.name);
        }
    }

    /** The reclaim's hand-back came, or waiting for it is over: what is held goes on. */
    void reclaimOver(final ClusterSlot slot, final long nowNs, final boolean handedBack) {
        synchronized (slot) {
            if (slot.reclaimWaitSinceNs == 0 || !handedBack && nowNs - slot.reclaimWaitSinceNs < RECLAIM_WAIT_NS) {
                return;
            }
            slot.reclaimWaitSinceNs = 0;
        }
        release(slot);
    }

    /** @return null when held, else why not (over a bound). Under the slot's lock. */
    private String hold(final ClusterSlot slot, final Object body, final ActorRef sender, final Stamp stamp) {
        final FailoverSettings settings = manager.settings();
        if (slot.held.size() >= settings.holdMax()) {
            return "cluster actor " + slot.name + " has no owner now, and " + slot.held.size() + " messages are held "
                + "for it on " + nodeId + " already (hamlet.failover.hold-max)";
        }
        final long bytes = sizeOf(body);
        if (heldBytes.addAndGet(bytes) > settings.holdMaxBytes()) {
            heldBytes.addAndGet(-bytes);
            return "cluster actor " + slot.name + " has no owner now, and the messages held for cluster actors on "
                + nodeId + " are at hamlet.failover.hold-max-bytes (" + settings.holdMaxBytes() + " bytes)";
        }
        slot.held.add(new ClusterSlot.Held(body, sender, stamp, bytes, manager.nanoTime()));
        slot.heldBytes += bytes;
        manager.counters().add(ClusterCounters.HELD);
        return null;
    }

    private void deliver(final String name, final Decision decision, final Object body, final ActorRef sender,
                         final Stamp stamp, final boolean forwarding) {
        if (decision.cell != null) {
            final Address to = Address.named(name);
            final Envelope envelope = stamp == null ? new Envelope(body, sender, to)
                : new Envelope.Stamped(body, sender, to, stamp);
            final DeadLetter.Reason refused = decision.cell.enqueue(envelope);
            if (refused == DeadLetter.Reason.MAILBOX_FULL) {
                deadLetters.record(name, body, sender, refused, "mailbox of cluster actor " + name + " on "
                    + nodeId + " is full (" + decision.cell.mailboxBound() + " messages)");
            } else if (refused != null) {
                deadLetters.record(name, body, sender, refused, decision.cell.stoppedDetail());
            }
            return;
        }
        if (forwarding || decision.forward) {
            manager.counters().add(ClusterCounters.FORWARDED);
        }
        transport.send(decision.node, Address.of(decision.node, name), body, sender,
            stamp == null ? null : (forwarding ? stamp.forwardedOnce() : stamp));
    }

    /**
     * Releases the held messages of a slot, in order, if its owner is known now. Any thread; one releaser per slot at
     * a time, and new messages queue behind the ones released.
     */
    void release(final ClusterSlot slot) {
        List<ClusterSlot.Held> batch;
        Decision decision;
        Optional<Placement.Owner> owner = manager.owner(slot.name);
        ActorCell cell = cells.apply(slot.name);
        boolean ownerUp = owner.isPresent() && up(owner.get().node());
        synchronized (slot) {
            if (slot.releasing || slot.exclusive > 0 || slot.held.isEmpty()) {
                return;
            }
            decision = decide(slot, owner, cell, ownerUp, false);
            if (decision == Decision.HOLD) {
                return;
            }
            slot.releasing = true;
            batch = drain(slot);
        }
        while (true) {
            for (final ClusterSlot.Held held : batch) {
                deliver(slot.name, decision, held.body(), held.sender(), held.stamp(), decision.cell == null);
            }
            owner = manager.owner(slot.name);
            cell = cells.apply(slot.name);
            ownerUp = owner.isPresent() && up(owner.get().node());
            synchronized (slot) {
                decision = slot.held.isEmpty() || slot.exclusive > 0 ? Decision.HOLD
                    : decide(slot, owner, cell, ownerUp, false);
                if (decision == Decision.HOLD) {
                    slot.releasing = false;
                    return;
                }
                batch = drain(slot);
            }
        }
    }

    private List<ClusterSlot.Held> drain(final ClusterSlot slot) {
        final List<ClusterSlot.Held> batch = new ArrayList<>(slot.held);
        slot.held.clear();
        heldBytes.addAndGet(-slot.heldBytes);
        slot.heldBytes = 0;
        return batch;
    }

    /** New messages for the actor queue here until {@link #endExclusive}: a handover is being sent. */
    void beginExclusive(final ClusterSlot slot) {
        synchronized (slot) {
            slot.exclusive++;
        }
    }

    /**
     * The handover (or forward) was sent: from now on what comes for the actor goes to {@code divertTo} until
     * placement names an owner of {@code divertEpoch} or newer; the messages held meanwhile follow, in order.
     */
    void endExclusive(final ClusterSlot slot, final String divertTo, final long divertEpoch) {
        synchronized (slot) {
            slot.exclusive--;
            if (divertTo != null) {
                slot.divertTo = divertTo;
                slot.divertEpoch = divertEpoch;
            }
        }
        release(slot);
    }

    /** During a handover: what was held here meanwhile goes to the new owner now, ahead of the state. */
    void flushTo(final ClusterSlot slot, final String node) {
        final List<ClusterSlot.Held> batch;
        synchronized (slot) {
            batch = drain(slot);
        }
        for (final ClusterSlot.Held held : batch) {
            deliver(slot.name, new Decision(null, node, true), held.body(), held.sender(), held.stamp(), true);
        }
    }

    /** Dead-letters what has been held longer than {@code hold-max-age}. The failover thread. */
    void expire(final ClusterSlot slot, final long nowNs) {
        final long maxAge = manager.settings().holdMaxAgeNs();
        final List<ClusterSlot.Held> expired = new ArrayList<>();
        synchronized (slot) {
            while (!slot.held.isEmpty() && nowNs - slot.held.peek().sinceNs() > maxAge) {
                final ClusterSlot.Held held = slot.held.poll();
                slot.heldBytes -= held.bytes();
                heldBytes.addAndGet(-held.bytes());
                expired.add(held);
            }
        }
        for (final ClusterSlot.Held held : expired) {
            deadLetters.record(slot.name, held.body(), held.sender(), DeadLetter.Reason.UNKNOWN_ACTOR,
                "cluster actor " + slot.name + " had no owner for hamlet.failover.hold-max-age ("
                    + manager.settings().holdMaxAgeNs() / 1_000_000L + " ms): " + manager.whyNoOwner(slot.name));
            manager.counters().add(ClusterCounters.HELD_DROPPED);
        }
    }

    /** @return messages held now, all actors together */
    long heldCount() {
        long count = 0;
        for (final ClusterSlot slot : slots.values()) {
            synchronized (slot) {
                count += slot.held.size();
            }
        }
        return count;
    }

    /** @return whether a node may be sent to now: up as membership sees it (any node while no membership runs) */
    /** @return the other members up now, as the cluster view last saw them */
    java.util.Set<String> upOthers() {
        return cluster.index().upOthers();
    }

    boolean up(final String node) {
        final ClusterView.Index index = cluster.index();
        if (!index.clustered() || node.equals(nodeId)) {
            return true;
        }
        final MemberStatus status = index.status(node);
        return status == MemberStatus.ALIVE || status == MemberStatus.JOINING || status == MemberStatus.SUSPECT;
    }

    /** @return a body's size as held: exact for bytes and text, a fixed guess for anything else */
    static long sizeOf(final Object body) {
        if (body instanceof byte[] bytes) {
            return bytes.length;
        }
        if (body instanceof CharSequence text) {
            return 2L * text.length();
        }
        return UNKNOWN_BODY_BYTES;
    }

    /** Sends a message that waited in a departing activation to where the actor went, keeping its stamp. */
    void forwardTo(final String node, final String name, final Envelope envelope) {
        manager.counters().add(ClusterCounters.FORWARDED);
        final Stamp stamp = envelope.stamp();
        transport.send(node, Address.of(node, name), envelope.body(), envelope.sender(),
            stamp == null ? null : stamp.forwardedOnce());
    }
}
