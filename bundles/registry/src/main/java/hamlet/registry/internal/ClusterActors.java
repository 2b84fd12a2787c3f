package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.cluster.Activation;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.Placement;
import hamlet.api.cluster.PlacementListener;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The cluster actors of this node's runtime: what it declares to placement ({@link Placement#offer}), what placement
 * tells it to run ({@link PlacementListener}: activate, deactivate, forward), the state copies it sends and keeps
 * ({@link ReplicaStore}), the handovers it sends and takes, and the failover thread's rounds ({@link #tick}). Routing
 * is {@link ClusterRouting}'s; the turn's part is {@link ClusterRole}'s.
 *
 * <p>Without a {@link Placement} bound, nothing is a cluster actor for routing, and any activation here delivers
 * nothing (it has no lease).
 *
 * <p>Threading: the listener methods return at once (their work runs on the failover thread, or on the actor's own
 * turn); the routing and wire methods run on the sending or delivering thread; nothing of placement, the transport or
 * user code is called under a lock of this class.
 */
public final class ClusterActors implements PlacementListener {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterActors.class);
    /** A copy not acknowledged within this is sent again (to the replica placement names then). */
    static final long RESEND_AFTER_NS = 500_000_000L;
    /** Held output that waited this long with no acknowledgement from the replica is logged and counted. */
    static final long ACKS_LATE_NS = 2_000_000_000L;
    /** The longest a takeover waits for the other members' copies: one round trip, with room. */
    static final long GATHER_NS = 200_000_000L;

    /** A takeover waiting for the members' copies. Owned by the failover thread. */
    private record Gather(Activation activation, Set<String> awaiting, long deadlineNs) {
    }

    /** Takeovers waiting for copies, by actor. The failover thread only. */
    private final Map<String, Gather> gathers = new java.util.HashMap<>();

    /**
     * The longest a handover's activation waits for the state it hands over. Placement's order to activate travels
     * by gossip on the control lane, which is written ahead of data, and the old owner's state follows on the data
     * lane, so the order often comes first; the state is one frame behind it. Past this, the sender is taken for
     * gone and the activation restores from the copies held here (placement takes it over if the sender died).
     */
    static final long HANDOVER_WAIT_NS = 2_000_000_000L;

    /** A handover's activation that came before its state. Owned by the failover thread. */
    private record AwaitedHandover(Activation activation, long deadlineNs) {
    }

    /** Handovers' activations waiting for their state, by actor. The failover thread only. */
    private final Map<String, AwaitedHandover> awaitedHandovers = new java.util.HashMap<>();

    private final String nodeId;
    private final Host host;
    private final ClusterCounters counters = new ClusterCounters();
    private final TakeoverMeters takeovers = new TakeoverMeters();
    private final ReplicaStore replicas = new ReplicaStore();
    private final ClusterRouting routing;
    private final FailoverThread thread;
    private volatile Placement placement;
    private volatile FailoverSettings settings = FailoverSettings.defaults();
    /** The cluster actors config declares, by name. */
    private volatile Map<String, ClusterActorSpec> configured = Map.of();
    /** The cluster actors spawned through this node ({@code ActorSystem.spawnInCluster}), by name. */
    private final Map<String, ClusterActorSpec> spawned = new ConcurrentHashMap<>();
    /** The activations on this node whose lease ran out: the failover thread wakes them when it holds again. */
    private final Set<ClusterRole> lapsed = ConcurrentHashMap.newKeySet();
    private long lastIntervalCopyNs;
    /** Which (actor, sender, epoch) had a refused copy logged at WARN; bounded, then everything is DEBUG. */
    private final Set<String> refusalsLogged = ConcurrentHashMap.newKeySet();
    private static final int MAX_REFUSALS_LOGGED = 10_000;

    /** What the manager needs of the runtime. */
    interface Host {
        /** @return this node's activation of a name, or any actor of that name, or null */
        ActorCell cell(String name);

        /** @return a new activation's cell, registered under its name; throws SpawnException when it cannot be */
        ActorCell spawn(ActorSpec spec, ClusterRole role);

        /** @return the behaviours this node can spawn now */
        Set<String> behaviors();

        /** Sends as a local send would (the released outputs of an actor). */
        void send(AddressRef ref, Object body, ActorRef sender);

        /** @return the transport in use, or null */
        Transport transport();

        /** Takes a cell out of the name table and its group at once. Idempotent. */
        void retire(ActorCell cell);
    }

    /**
     * @param nodeId this node's id
     * @param run this runtime's start, for stamps: random, not 0
     * @param host the runtime
     * @param cells this node's actors by name
     * @param transport the remote send path
     * @param deadLetters the dead letters
     * @param cluster membership's view, for whether a node is up
     */
    ClusterActors(final String nodeId, final long run, final Host host, final Function<String, ActorCell> cells,
                  final TransportRouter transport, final DeadLetters deadLetters, final ClusterView cluster) {
        this.nodeId = nodeId;
        this.host = host;
        this.routing = new ClusterRouting(nodeId, run, this, cells, transport, deadLetters, cluster);
        this.thread = new FailoverThread(nodeId, this::tick);
    }

    // ---- binding and settings ----

    /** Starts running what {@code bound} decides; offers this node's cluster actors to it. */
    public void bind(final Placement bound) {
        placement = bound;
        thread.start();
        offer();
        LOG.info("[{}] placement bound: cluster actors run where it decides", nodeId);
    }

    /** Stops using {@code gone}, if it is the one in use: nothing is a cluster actor for routing any more. */
    public void unbind(final Placement gone) {
        if (placement == gone) {
            placement = null;
            LOG.info("[{}] placement unbound: cluster actors of this node deliver nothing (no lease)", nodeId);
        }
    }

    /** @param next the {@code hamlet.failover} settings in force from now on */
    public void apply(final FailoverSettings next) {
        if (!next.equals(settings)) {
            settings = next;
            LOG.info("[{}] failover settings applied: {}", nodeId, next);
        }
    }

    FailoverSettings settings() {
        return settings;
    }

    TakeoverMeters takeovers() {
        return takeovers;
    }

    ClusterCounters counters() {
        return counters;
    }

    public String nodeId() {
        return nodeId;
    }

    long nanoTime() {
        return System.nanoTime();
    }

    /** Ends the failover thread. */
    void close() {
        thread.close();
    }

    /** @return the counters, by name */
    public Map<String, Long> countersSnapshot() {
        final Map<String, Long> all = new TreeMap<>(counters.snapshot());
        all.put("cluster-actors.held-now", routing.heldCount());
        return all;
    }

    // ---- declarations ----

    /** @param declared the cluster actors config declares now; offered to placement */
    public void declare(final Map<String, ClusterActorSpec> declared) {
        configured = Map.copyOf(declared);
        offer();
    }

    /**
     * Declares one more cluster actor on this node (a spawn at run time) and offers it to placement.
     *
     * @param spec the actor
     * @throws IllegalArgumentException when config or an earlier spawn declares another actor under the name
     */
    void spawnInCluster(final ClusterActorSpec spec) {
        final ClusterActorSpec before = configured.get(spec.name());
        if (before != null && !before.equals(spec)) {
            throw new IllegalArgumentException("cluster actor '" + spec.name() + "' is declared otherwise in "
                + "hamlet.actors");
        }
        final ClusterActorSpec taken = spawned.putIfAbsent(spec.name(), spec);
        if (taken != null && !taken.equals(spec)) {
            throw new IllegalArgumentException("cluster actor '" + spec.name() + "' was spawned already as "
                + taken.spec().behavior());
        }
        offer();
    }

    /** The behaviours installed here changed: placement hears what this node can run now. */
    void behaviorsChanged() {
        offer();
    }

    private void offer() {
        final Placement p = placement;
        if (p == null) {
            return;
        }
        final Map<String, ClusterActorSpec> all = new TreeMap<>(spawned);
        all.putAll(configured);
        try {
            p.offer(new ArrayList<>(all.values()), host.behaviors());
        } catch (final RuntimeException e) {
            LOG.warn("[{}] placement refused this node's offer of {} cluster actors: {}", nodeId, all.size(),
                e.toString());
        }
    }

    // ---- routing, for the router and the inbox ----

    /** @return whether a bare name is a cluster actor's: one read of the placement, one call */
    boolean isCluster(final String name) {
        final Placement p = placement;
        return p != null && p.isClusterActor(name);
    }

    void send(final AddressRef ref, final String name, final Object body, final ActorRef sender) {
        routing.send(ref, name, body, sender);
    }

    void arrived(final String name, final Object body, final ActorRef sender, final Stamp stamp) {
        routing.arrived(name, body, sender, stamp);
    }

    /**
     * Messages for a cluster actor that the transport handed back from a node that is gone: routed to its owner now,
     * ahead of what is held for it here, keeping their stamps (the new activation drops the ones the old handled).
     */
    void reclaimed(final String fromNode, final String name, final List<ClusterSlot.Held> messages) {
        counters.add(ClusterCounters.RECLAIMED, messages.size());
        LOG.info("[{}] cluster actor {}: {} messages taken back from the outbox of {}", nodeId, name,
            messages.size(), fromNode);
        routing.reclaimed(name, messages);
    }

    /** One message handed back by the transport: see {@link #reclaimed(String, String, List)}. */
    void reclaimed(final String fromNode, final String name, final Object body, final ActorRef sender,
                   final Stamp stamp) {
        reclaimed(fromNode, name, List.of(new ClusterSlot.Held(body, sender, stamp, ClusterRouting.sizeOf(body),
            nanoTime())));
    }

    /**
     * Asks the transport for the messages this node queued for {@code node:name}: the actor moved away from that
     * node, which is down. What it hands back comes through {@code onReclaimed} ({@link #reclaimed}).
     */
    void reclaim(final String node, final String name) {
        final Transport transport = host.transport();
        if (transport == null) {
            return;
        }
        final String to = node + ":" + name;
        try {
            // Now, in flight too: the node is down, so its acks will not come; a copy that reached it after all is
            // dropped by its stamp.
            transport.reclaimNow(node, envelope -> to.equals(envelope.to()), "cluster actor " + name
                + " moved away from " + node + ", which is down");
            LOG.info("[{}] cluster actor {} moved away from {} (down): reclaiming what waits for it there", nodeId,
                name, node);
        } catch (final UnsupportedOperationException e) {
            LOG.debug("[{}] the transport cannot reclaim: messages for {} wait for {} or its removal", nodeId, to,
                node);
        } catch (final RuntimeException e) {
            LOG.warn("[{}] reclaim of the messages for {} failed: {}", nodeId, to, e.toString());
        }
    }

    void reroute(final String name, final Envelope envelope) {
        routing.reroute(name, envelope);
    }

    /** @return whether a node may be sent to now (up as membership sees it) */
    boolean up(final String node) {
        return routing.up(node);
    }

    Optional<Placement.Owner> owner(final String name) {
        final Placement p = placement;
        return p == null ? Optional.empty() : p.owner(name);
    }

    long leaseValidUntilNanos() {
        final Placement p = placement;
        return p == null ? nanoTime() - 1 : p.leaseValidUntilNanos();
    }

    String replicaOf(final String name) {
        final Placement p = placement;
        final String replica = p == null ? null : p.replicaOf(name);
        return replica == null || replica.equals(nodeId) ? null : replica;
    }

    void stateSize(final String name, final long bytes) {
        final Placement p = placement;
        if (p != null) {
            p.stateSize(name, bytes);
        }
    }

    String whyNoOwner(final String name) {
        final Placement p = placement;
        if (p == null) {
            return "no placement runs on this node";
        }
        final String blocked = p.blockedReason();
        return blocked != null ? blocked : "nobody runs it now";
    }

    /** Releases the held outputs of an actor, in order: sent as they would have been. */
    void release(final List<OutputCapture.Output> outputs) {
        for (final OutputCapture.Output output : outputs) {
            host.send(output.ref(), output.body(), output.sender());
        }
    }

    // ---- PlacementListener: the notifier thread, returns at once ----

    @Override
    public void activate(final Activation activation) {
        takeovers.activating(activation);
        thread.execute(() -> {
            final String name = activation.actor().name();
            gathers.remove(name);
            awaitedHandovers.remove(name);
            if (activation.cause() == Activation.Cause.TAKEOVER) {
                gather(activation);
            } else if (activation.cause() == Activation.Cause.HANDOVER && !handedHere(name, activation.epoch())) {
                LOG.debug("[{}] cluster actor {}: activation by handover (epoch {}) waits for the handed state",
                    nodeId, name, activation.epoch());
                awaitedHandovers.put(name, new AwaitedHandover(activation, nanoTime() + HANDOVER_WAIT_NS));
            } else {
                new Activator(this, host, replicas, routing).activate(activation);
            }
        });
    }

    /** @return whether the handover of {@code epoch} came here (with or without a state) */
    private boolean handedHere(final String name, final long epoch) {
        final ClusterSlot slot = routing.slot(name);
        synchronized (slot) {
            return slot.handedEpoch == epoch;
        }
    }

    /**
     * A takeover first asks every other member up for its newest copy of the actor's state: the copies went to the
     * replica the old owner's view named, which need not be the member that takes over (views differ around a
     * death, a member that came back is not a candidate for a while). The failover thread.
     */
    private void gather(final Activation activation) {
        final String name = activation.actor().name();
        final Set<String> ask = new java.util.TreeSet<>(routing.upOthers());
        ask.removeIf(node -> !sendWire(node, new PlacementWire(PlacementWire.Type.COPY_REQUEST, name,
            activation.epoch(), 0, null)));
        if (ask.isEmpty()) {
            new Activator(this, host, replicas, routing).activate(activation);
            return;
        }
        gathers.put(name, new Gather(activation, ask, nanoTime() + GATHER_NS));
    }

    /** The failover thread: a member's answer to a copy request. */
    private void onCopy(final String from, final PlacementWire message) {
        if (message.document() != null) {
            final String refused = replicas.offer(message.name(), new ReplicaStore.Copy(message.epoch(),
                message.number(), message.document()));
            if (refused == null) {
                counters.add(ClusterCounters.COPIES_GATHERED);
            }
        }
        final Gather g = gathers.get(message.name());
        if (g != null && g.awaiting.remove(from) && g.awaiting.isEmpty()) {
            gathers.remove(message.name());
            new Activator(this, host, replicas, routing).activate(g.activation);
        }
    }

    /** The transport's delivery thread: answers with the newest copy held here, or with none. */
    private void onCopyRequest(final String from, final PlacementWire message) {
        final ReplicaStore.Copy newest = replicas.newest(message.name());
        sendWire(from, newest == null
            ? new PlacementWire(PlacementWire.Type.COPY, message.name(), 0, 0, null)
            : new PlacementWire(PlacementWire.Type.COPY, message.name(), newest.epoch(), newest.number(),
                newest.document()));
    }

    @Override
    public void deactivate(final String name, final long epoch, final String handTo, final long nextEpoch,
                           final String reason) {
        final ActorCell cell = host.cell(name);
        final ClusterRole role = cell == null ? null : cell.role();
        if (role == null || role.epoch() != epoch) {
            LOG.info("[{}] cluster actor {}: deactivate of epoch {} ignored: no such activation here ({})", nodeId,
                name, epoch, role == null ? "none" : "epoch " + role.epoch());
            return;
        }
        if (handTo == null) {
            role.fence();
            LOG.warn("[{}] cluster actor {} (epoch {}) fenced: {}; its state and messages are kept here", nodeId,
                name, epoch, reason);
        } else {
            LOG.info("[{}] cluster actor {} (epoch {}) handed to {} under epoch {}: {}", nodeId, name, epoch, handTo,
                nextEpoch, reason);
            role.command(new ClusterRole.HandOver(handTo, nextEpoch));
        }
        cell.schedule();
    }

    @Override
    public void forward(final String name, final String owner, final long epoch) {
        final ActorCell cell = host.cell(name);
        final ClusterRole role = cell == null ? null : cell.role();
        if (role != null && role.fenced()) {
            role.command(new ClusterRole.Forward(owner, epoch));
            cell.schedule();
            return;
        }
        final ClusterSlot slot = routing.slot(name);
        routing.beginExclusive(slot);
        routing.endExclusive(slot, owner, epoch);
    }

    // ---- on an actor's turn, for its role ----

    void reportActivated(final String name, final long epoch, final long bytes, final String detail) {
        takeovers.activated(name, epoch);
        final Placement p = placement;
        if (p != null) {
            try {
                p.activated(name, epoch, bytes, detail);
            } catch (final RuntimeException e) {
                LOG.warn("[{}] placement failed to take the activation of {} (epoch {}): {}", nodeId, name, epoch,
                    e.toString());
            }
        }
    }

    /** Sends the handover: state first, then the waiting messages, then what came meanwhile. The actor's turn. */
    void handOver(final ActorCell cell, final ClusterRole role, final String to, final long nextEpoch,
                  final String document, final List<Envelope> waiting) {
        final ClusterSlot slot = routing.slot(role.name);
        routing.beginExclusive(slot);
        try {
            cell.clusterEnd("handed over to " + to, true);
            // Logged before anything leaves: this line marks the end of the activation here, and the new owner may
            // start the moment the state arrives (operators and FailoverIT read the two nodes' lines side by side).
            LOG.info("[{}] cluster actor {} handed over to {} (epoch {} -> {}): state of {} bytes, {} waiting "
                + "messages", nodeId, role.name, to, role.epoch(), nextEpoch, document.length(), waiting.size());
            // The messages go first and the state last, on the same link: when the new owner takes the state (and
            // is activated), every message handed with it is already held there, ahead of any other sender's.
            forwardAll(role.name, to, waiting);
            routing.flushTo(slot, to);
            final boolean sent = sendWire(to, new PlacementWire(PlacementWire.Type.HANDOVER, role.name, nextEpoch,
                role.epoch(), document));
            // Kept as a copy here too: if the receiver dies or refuses before it runs the actor, a takeover on this
            // node restores exactly what was handed.
            replicas.offer(role.name, new ReplicaStore.Copy(role.epoch(), Long.MAX_VALUE, document));
            counters.add(ClusterCounters.HANDOVER_SENT);
            if (!sent) {
                LOG.error("[{}] cluster actor {}: the transport did not take its handover to {}", nodeId, role.name,
                    to);
            }
        } finally {
            routing.endExclusive(slot, to, nextEpoch);
        }
    }

    /** A fenced activation was taken over elsewhere: its kept messages go to the owner, its state is dropped. */
    void forwardKept(final ActorCell cell, final ClusterRole role, final String owner, final long epoch,
                     final List<Envelope> waiting) {
        final ClusterSlot slot = routing.slot(role.name);
        routing.beginExclusive(slot);
        try {
            cell.clusterEnd("taken over by " + owner, false);
            forwardAll(role.name, owner, waiting);
            LOG.info("[{}] cluster actor {} (fenced, epoch {}) was taken over by {} (epoch {}): {} kept messages "
                + "forwarded, its state here dropped", nodeId, role.name, role.epoch(), owner, epoch, waiting.size());
        } finally {
            routing.endExclusive(slot, owner, epoch);
        }
    }

    private void forwardAll(final String name, final String to, final List<Envelope> waiting) {
        for (final Envelope envelope : waiting) {
            if (to.equals(nodeId)) {
                routing.reroute(name, envelope);
            } else {
                routing.forwardTo(to, name, envelope);
            }
        }
    }

    // ---- state copies ----

    /** @return whether the transport took the copy for the replica */
    boolean sendCopy(final String name, final long epoch, final long number, final String document) {
        final String replica = replicaOf(name);
        if (replica == null) {
            return false;
        }
        final boolean sent = sendWire(replica, new PlacementWire(PlacementWire.Type.REPLICA, name, epoch, number,
            document));
        if (sent) {
            counters.add(ClusterCounters.COPIES_SENT);
        }
        return sent;
    }

    private boolean sendWire(final String node, final PlacementWire message) {
        final Transport transport = host.transport();
        if (transport == null) {
            return false;
        }
        try {
            return transport.send(node, new WireEnvelope(node + ":" + message.name(), nodeId + ":" + message.name(),
                PlacementWire.CODEC_ID, message.encode())) == Transport.SendStatus.ACCEPTED;
        } catch (final RuntimeException e) {
            LOG.warn("[{}] the transport failed to take a {} of {} for {}: {}", nodeId, message.type(),
                message.name(), node, e.toString());
            return false;
        }
    }

    /**
     * A placement message from another node (codec id {@value PlacementWire#CODEC_ID}). The transport's delivery
     * thread.
     */
    void onPlacementMessage(final String fromNode, final byte[] payload) {
        final PlacementWire message;
        try {
            message = PlacementWire.decode(payload);
        } catch (final IllegalArgumentException e) {
            counters.add(ClusterCounters.MALFORMED);
            LOG.warn("[{}] malformed placement message from {} dropped: {}", nodeId, fromNode, e.getMessage());
            return;
        }
        switch (message.type()) {
            case HANDOVER -> onHandover(fromNode, message);
            case REPLICA -> onReplica(fromNode, message);
            case REPLICA_ACK -> onAck(message);
            case COPY_REQUEST -> onCopyRequest(fromNode, message);
            case COPY -> thread.execute(() -> onCopy(fromNode, message));
            default -> throw new IllegalStateException("unknown type " + message.type());
        }
    }

    private void onHandover(final String from, final PlacementWire message) {
        final Placement p = placement;
        final String refused = p == null ? "no placement runs on " + nodeId
            : p.acceptHandover(message.name(), message.epoch(), from);
        if (refused != null) {
            counters.add(ClusterCounters.HANDOVER_REFUSED);
            LOG.warn("[{}] handover of cluster actor {} from {} (epoch {}) refused: {}", nodeId, message.name(), from,
                message.epoch(), refused);
            if (message.document() != null) {
                // Refused to run it, not to keep it: a takeover here (placement lets the actor be taken over once
                // its handover is refused) then restores what was handed rather than an older copy.
                replicas.offer(message.name(), new ReplicaStore.Copy(message.number(), Long.MAX_VALUE,
                    message.document()));
            }
            return;
        }
        final ClusterSlot slot = routing.slot(message.name());
        synchronized (slot) {
            slot.handedEpoch = message.epoch();
            slot.handedDocument = message.document();
        }
        counters.add(ClusterCounters.HANDOVER_RECEIVED);
        LOG.info("[{}] handover of cluster actor {} from {} accepted (epoch {}), state of {} bytes", nodeId,
            message.name(), from, message.epoch(), message.document() == null ? 0 : message.document().length());
        thread.execute(() -> {
            final AwaitedHandover awaited = awaitedHandovers.get(message.name());
            if (awaited != null && awaited.activation().epoch() == message.epoch()) {
                awaitedHandovers.remove(message.name());
                new Activator(this, host, replicas, routing).activate(awaited.activation());
            }
        });
    }

    private void onReplica(final String from, final PlacementWire message) {
        final Optional<Placement.Owner> owner = owner(message.name());
        String refused;
        if (owner.isEmpty() || !owner.get().node().equals(from) || owner.get().epoch() != message.epoch()) {
            refused = "placement here names " + owner.map(o -> o.node() + " (epoch " + o.epoch() + ")").orElse("no "
                + "owner") + " as its owner";
        } else if (message.document() == null) {
            refused = "it carries no state";
        } else {
            refused = replicas.offer(message.name(), new ReplicaStore.Copy(message.epoch(), message.number(),
                message.document()));
        }
        if (refused != null) {
            counters.add(ClusterCounters.COPIES_REFUSED);
            // Once per actor, sender and epoch at WARN: with every-message copies, a view of the owner that lags
            // would otherwise log a line per message until it catches up.
            final String key = message.name() + "/" + from + "/" + message.epoch();
            if (refusalsLogged.size() < MAX_REFUSALS_LOGGED && refusalsLogged.add(key)) {
                LOG.warn("[{}] state copy {} of cluster actor {} from {} (epoch {}) refused: {} (further refusals of "
                    + "this epoch's copies from it are logged at DEBUG, all counted in replica.copies-refused)",
                    nodeId, message.number(), message.name(), from, message.epoch(), refused);
            } else {
                LOG.debug("[{}] state copy {} of cluster actor {} from {} (epoch {}) refused: {}", nodeId,
                    message.number(), message.name(), from, message.epoch(), refused);
            }
            return;
        }
        counters.add(ClusterCounters.COPIES_KEPT);
        sendWire(from, new PlacementWire(PlacementWire.Type.REPLICA_ACK, message.name(), message.epoch(),
            message.number(), null));
    }

    private void onAck(final PlacementWire message) {
        final ActorCell cell = host.cell(message.name());
        final ClusterRole role = cell == null ? null : cell.role();
        if (role != null) {
            counters.add(ClusterCounters.COPIES_ACKED);
            role.acknowledged(message.epoch(), message.number());
            cell.schedule();
        }
    }

    // ---- the lease ----

    /** An activation's lease check failed: the failover thread wakes it when the lease holds again. */
    void watchLease(final ClusterRole role) {
        lapsed.add(role);
    }

    // ---- the failover thread ----

    /**
     * One round of the failover thread: releases what is held for actors whose owner is known now, dead-letters
     * what waited too long, wakes activations whose lease holds again, sends copies again whose acknowledgement is
     * late, and takes the interval copies.
     *
     * @param nowNs {@link System#nanoTime()} now
     */
    void tick(final long nowNs) {
        for (final Gather g : List.copyOf(gathers.values())) {
            if (nowNs - g.deadlineNs >= 0) {
                // Those that did not answer in time are gone or slow: the newest copy gathered so far will do.
                gathers.remove(g.activation.actor().name());
                new Activator(this, host, replicas, routing).activate(g.activation);
            }
        }
        for (final AwaitedHandover h : List.copyOf(awaitedHandovers.values())) {
            if (nowNs - h.deadlineNs() >= 0) {
                // The Activator says that no handed state came: the copies held here will do.
                awaitedHandovers.remove(h.activation().actor().name());
                new Activator(this, host, replicas, routing).activate(h.activation());
            }
        }
        for (final ClusterSlot slot : routing.slots()) {
            routing.expire(slot, nowNs);
            routing.noticeMove(slot);
            routing.reclaimOver(slot, nowNs, false);
            routing.release(slot);
        }
        if (!lapsed.isEmpty() && nowNs - leaseValidUntilNanos() < 0) {
            for (final ClusterRole role : lapsed) {
                lapsed.remove(role);
                role.leaseHolds();
                final ActorCell cell = host.cell(role.name);
                if (cell != null) {
                    cell.schedule();
                }
            }
        }
        final boolean intervalDue = settings.replicateIntervalNs() > 0
            && nowNs - lastIntervalCopyNs >= settings.replicateIntervalNs();
        if (intervalDue) {
            lastIntervalCopyNs = nowNs;
        }
        for (final ClusterSlot slot : routing.slots()) {
            final ActorCell cell = host.cell(slot.name);
            final ClusterRole role = cell == null ? null : cell.role();
            if (role == null || role.diverted()) {
                continue;
            }
            final long oldest = role.oldestPendingNs();
            if (oldest != 0 && nowNs - oldest > RESEND_AFTER_NS) {
                role.command(new ClusterRole.Resend());
                cell.schedule();
            }
            if (role.lateOnce(nowNs, ACKS_LATE_NS)) {
                // Every-message replication holds replies until the replica has the state: an owner whose replica
                // stays silent answers nobody, and nothing else would say so.
                counters.add(ClusterCounters.ACKS_LATE);
                LOG.warn("[{}] cluster actor {} (epoch {}): its replica {} has acknowledged no copy for over {} ms "
                    + "(up to copy {}); its replies and other output are held until it does, and the newest copy "
                    + "is sent again every {} ms", nodeId, slot.name, role.epoch(), replicaOf(slot.name),
                    ACKS_LATE_NS / 1_000_000, role.acked(), RESEND_AFTER_NS / 1_000_000);
            }
            if (intervalDue) {
                role.command(new ClusterRole.Copy());
                cell.schedule();
            }
        }
    }
}
