package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;

import java.util.Objects;

/**
 * Delivers a message where its address leads, as the {@link Resolver} says: to a local actor's mailbox (stopped:
 * ACTOR_STOPPED; mailbox full: MAILBOX_FULL; no such actor: UNKNOWN_ACTOR), to a group (none: UNKNOWN_GROUP), or to
 * another node through the {@link RemoteRouter}, as {@code node:name} (a bare name the directory placed there gets
 * the node's id). Whatever cannot be delivered becomes a dead letter here, at once.
 *
 * <p>A group send from this node picks a node first, when membership runs ({@link ClusterView.Index#pickGroupNode}:
 * this node and the ALIVE nodes hosting the group, power of two choices on load), then, here, the local member with
 * the smallest mailbox; sent to another node it stays {@code *:group}, which that node delivers to its own members
 * only ({@link #deliverArrived}): one hop, no loops.
 *
 * <p>A ref remembers the local actor it last reached and sends to it without asking the resolver again until that
 * actor retires: the common send costs one volatile read.
 *
 * <p>Threading: any thread (senders, dispatcher turns, the transport's delivery threads); never blocks.
 */
final class Router {
    private final String nodeId;
    private final Resolver resolver;
    private final Groups groups;
    private final RemoteRouter remote;
    private final DeadLetters deadLetters;
    /** Membership's view for cluster-wide group picks; its index is NONE while no Cluster is bound. */
    private final ClusterView cluster;
    /** Bare names of cluster actors go there; null in tests of the local rules. */
    private final ClusterActors clusterActors;
    /** Where hops are recorded; set once, before the runtime is in use. */
    private TraceRecorder tracer = TraceRecorder.OFF;

    /** With no membership: groups are this node's (tests of the local rules). */
    Router(final String nodeId, final Resolver resolver, final Groups groups, final RemoteRouter remote,
           final DeadLetters deadLetters) {
        this(nodeId, resolver, groups, remote, deadLetters, null);
    }

    Router(final String nodeId, final Resolver resolver, final Groups groups, final RemoteRouter remote,
           final DeadLetters deadLetters, final ClusterView cluster) {
        this(nodeId, resolver, groups, remote, deadLetters, cluster, null);
    }

    Router(final String nodeId, final Resolver resolver, final Groups groups, final RemoteRouter remote,
           final DeadLetters deadLetters, final ClusterView cluster, final ClusterActors clusterActors) {
        this.clusterActors = clusterActors;
        this.nodeId = nodeId;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.groups = groups;
        this.remote = remote;
        this.deadLetters = deadLetters;
        this.cluster = cluster;
    }

    /** Records the hops of what this router sends into {@code recorder}. Before the runtime is in use. */
    void traceTo(final TraceRecorder recorder) {
        this.tracer = recorder;
    }

    /** @return what this router resolves addresses with */
    Resolver resolver() {
        return resolver;
    }

    /**
     * Sends through a ref, remembering the local actor found.
     *
     * @param ref the ref sent through
     * @param body the body, not null
     * @param sender the sender, or null
     */
    void send(final AddressRef ref, final Object body, final ActorRef sender) {
        Objects.requireNonNull(body, "a message body must not be null");
        SentCount.countFrom(sender);
        // The message's trace id: the handled message's when an actor sends, else a new one (see TraceContext).
        final long[] trace = TraceContext.here();
        final long outer = TraceContext.enter(trace, 0);
        try {
            sendTraced(ref, body, sender, trace);
        } finally {
            TraceContext.exit(trace, outer);
        }
    }

    private void sendTraced(final AddressRef ref, final Object body, final ActorRef sender, final long[] trace) {
        final OutputCapture capture = OutputCapture.current();
        if (capture != null) {
            // A cluster actor's output, held until the replica has the state it was sent from.
            capture.add(ref, body, sender);
            return;
        }
        final ActorCell known = ref.cell;
        if (known != null && !known.isRetired()) {
            enqueue(known, ref.address(), body, sender, true, trace);
            return;
        }
        final Address address = ref.address();
        if (clusterActors != null && address.node() == null && !address.isGroup()
            && clusterActors.isCluster(address.name())) {
            clusterActors.send(ref, address.name(), body, sender);
            return;
        }
        final Resolution where = resolver.resolve(ref.address());
        if (where instanceof Resolution.Local local) {
            ref.cell = local.cell();
        } else if (known != null && where instanceof Resolution.Unknown) {
            // The actor this ref reached is gone and no other took its name: say it stopped, and why.
            deadLetters.record(ref.address().toString(), body, sender, DeadLetter.Reason.ACTOR_STOPPED,
                known.stoppedDetail());
            return;
        }
        deliver(ref.address(), where, body, sender, true, trace);
    }

    /**
     * Sends where an address was resolved to lead.
     *
     * @param to the address, as the dead letters and the remote node name it
     * @param where what the resolver said of it
     * @param body the body, not null
     * @param sender the sender, or null
     */
    void deliver(final Address to, final Resolution where, final Object body, final ActorRef sender) {
        final long[] trace = TraceContext.here();
        final long outer = TraceContext.enter(trace, 0);
        try {
            deliver(to, where, body, sender, true, trace);
        } finally {
            TraceContext.exit(trace, outer);
        }
    }

    /**
     * Delivers an envelope that came from another node, as {@link #deliver} would, except that a group address
     * reaches this node's own members only: the sending node already chose this one.
     *
     * @param to the address
     * @param where what the resolver said of it (never Remote: the inbox refuses those)
     * @param body the body
     * @param sender the sender, or null
     * @param trace the calling thread's trace state ({@link TraceContext#here}), which the inbox holds already
     */
    void deliverArrived(final Address to, final Resolution where, final Object body, final ActorRef sender,
                        final long[] trace) {
        deliver(to, where, body, sender, false, trace);
    }

    private void deliver(final Address to, final Resolution where, final Object body, final ActorRef sender,
                         final boolean clusterWide, final long[] trace) {
        if (where instanceof Resolution.Local local) {
            enqueue(local.cell(), to, body, sender, clusterWide, trace);
        } else if (where instanceof Resolution.Group group) {
            toGroup(to, group.group(), body, sender, clusterWide, trace);
        } else if (where instanceof Resolution.Remote far) {
            remote.send(far.nodeId(), to.node() == null ? Address.of(far.nodeId(), to.name()) : to, body, sender);
        } else {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.UNKNOWN_ACTOR,
                ((Resolution.Unknown) where).why());
        }
    }

    private void toGroup(final Address to, final String group, final Object body, final ActorRef sender,
                         final boolean clusterWide, final long[] trace) {
        final ClusterView.Index index = cluster == null ? ClusterView.Index.NONE : cluster.index();
        if (clusterWide && index.clustered()) {
            final String node = index.pickGroupNode(group, groups.has(group), cluster.random());
            if (node == null) {
                deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.UNKNOWN_GROUP,
                    "no actor of group " + group + " on " + nodeId + " nor on any alive member of the cluster");
                return;
            }
            if (!node.equals(nodeId)) {
                remote.send(node, to, body, sender);
                return;
            }
        }
        final ActorCell member = groups.pick(group);
        if (member == null) {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.UNKNOWN_GROUP,
                "no actor of group " + group + " on " + nodeId);
        } else {
            enqueue(member, to, body, sender, clusterWide, trace);
        }
    }

    /**
     * @param address an address
     * @return it as a timeout message names it: an actor by its full address, on the node it resolves to
     */
    String shown(final Address address) {
        final Resolution where = resolver.resolve(address);
        if (where instanceof Resolution.Local || where instanceof Resolution.Unknown) {
            final String node = where instanceof Resolution.Unknown unknown ? unknown.nodeId() : nodeId;
            return node + ":" + address.name();
        }
        if (where instanceof Resolution.Remote far && address.node() == null) {
            return far.nodeId() + ":" + address.name();
        }
        return address.toString();
    }

    /**
     * @param sent whether this node sent it (a hop to record); false for one that came from another node
     * @param trace the calling thread's trace state ({@link TraceContext#here}), looked up once per message
     */
    private void enqueue(final ActorCell cell, final Address to, final Object body, final ActorRef sender,
                         final boolean sent, final long[] trace) {
        final long traceId = trace[TraceContext.ID];
        if (sent) {
            tracer.record(trace, traceId, TraceRecorder.SENT, sender == null ? null : sender.address(), to, null);
        }
        final DeadLetter.Reason refused = cell.enqueue(new Envelope(body, sender, to, traceId));
        if (refused == DeadLetter.Reason.MAILBOX_FULL) {
            deadLetters.record(to.toString(), body, sender, refused,
                "mailbox of " + cell.address() + " is full (" + cell.mailboxBound() + " messages)");
        } else if (refused != null) {
            deadLetters.record(to.toString(), body, sender, refused, cell.stoppedDetail());
        }
    }
}
