package hamlet.registry.internal;

import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What the registry knows of the cluster on its send path: the membership's directory turned into an {@link Index}
 * (which node hosts a name, which nodes host a group, and their load), rebuilt from {@link Cluster#directory()} and
 * {@link Cluster#members()} when membership reports a change, and swapped in whole through a volatile, so that a
 * send reads it with no lock and no call into the gossip bundle. It also turns two membership events into transport
 * calls: REMOVED makes the buffered envelopes of that node dead letters now ({@link Transport#forget}), JOINED and
 * ALIVE dial the node without waiting out the reconnect backoff ({@link Transport#dialNow}).
 *
 * <p>With no {@link Cluster} bound the index is {@link Index#NONE} and the registry behaves as it did before the
 * cluster existed: bare names are this node's, groups are local.
 *
 * <p>Threading: {@link #index()} from any thread, lock-free. {@link #onClusterEvent} on the gossip notifier thread:
 * it never blocks there (the transport calls return at once; the rebuild runs on the injected executor, and events
 * that come while one runs are folded into one more rebuild). {@link #bind}/{@link #unbind} from Declarative
 * Services. Outlives any one runtime, as {@link Remoting} does.
 */
public final class ClusterView {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

    private final Supplier<Transport> transport;
    private final Executor rebuilds;
    private final Supplier<RandomGenerator> random;
    /** Rebuilds asked for and not yet covered by one that started after them. */
    private final AtomicInteger requested = new AtomicInteger();
    private volatile Cluster cluster;
    private volatile Index index = Index.NONE;
    /**
     * How each member that is down went down (DEAD or LEFT), until it comes back or is removed: by the REMOVED event
     * the member has left {@link Cluster#members()}, and an index rebuilt since no longer knows it. Confined to the
     * notifier thread; as large as the members that are down.
     */
    private final Map<String, ClusterEvent.Type> down = new HashMap<>();

    /**
     * @param transport the transport in use, or null for none: asked to forget removed nodes and dial returning ones
     * @param rebuilds where index rebuilds run (not the gossip notifier thread: a directory can be large)
     * @param random the randomness of the group pick (two random candidates); per call, so that it may be the
     *     calling thread's own
     */
    public ClusterView(final Supplier<Transport> transport, final Executor rebuilds,
                       final Supplier<RandomGenerator> random) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.rebuilds = Objects.requireNonNull(rebuilds, "rebuilds");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** @return the index in force: one volatile read */
    Index index() {
        return index;
    }

    /** @return the randomness of this call's group pick */
    RandomGenerator random() {
        return random.get();
    }

    /** @return the membership in use, or {@code null} */
    public Cluster cluster() {
        return cluster;
    }

    /**
     * Starts using a membership: the index is built from it (a listener is not told the past).
     *
     * @param bound the Cluster service
     */
    public void bind(final Cluster bound) {
        synchronized (this) {
            cluster = Objects.requireNonNull(bound, "cluster");
        }
        requestRebuild();
    }

    /**
     * Stops using a membership, if it is the one in use: sends go back to this node's own actors and groups at once.
     *
     * @param gone the Cluster service going away
     */
    public void unbind(final Cluster gone) {
        synchronized (this) {
            if (cluster == gone) {
                cluster = null;
                index = Index.NONE;
            }
        }
    }

    /**
     * A membership event; see the class comment for what each does. Never throws: a failure here would be the
     * gossip notifier's.
     *
     * @param event what changed
     */
    public void onClusterEvent(final ClusterEvent event) {
        try {
            switch (event.type()) {
                case REMOVED -> {
                    forget(event);
                    requestRebuild();
                }
                case JOINED, ALIVE -> {
                    down.remove(event.node());
                    dialNow(event.node());
                    requestRebuild();
                }
                case DEAD, LEFT -> {
                    down.put(event.node(), event.type());
                    requestRebuild();
                }
                case SUSPECT, ACTOR_ADDED, ACTOR_REMOVED -> requestRebuild();
                default -> {
                    // MINORITY and MAJORITY change no host and no load.
                }
            }
        } catch (final RuntimeException e) {
            LOG.warn("[{}] cluster event {} about {} not applied: {}", index.selfId, event.type(), event.node(),
                e.toString());
        }
    }

    private void forget(final ClusterEvent event) {
        final ClusterEvent.Type how = down.remove(event.node());
        final Transport t = transport.get();
        final Cluster c = cluster;
        if (t == null || c == null || event.node().equals(c.selfId())) {
            return;
        }
        final MemberStatus last = how == ClusterEvent.Type.LEFT ? MemberStatus.LEFT
            : how == ClusterEvent.Type.DEAD ? MemberStatus.DEAD : index.status(event.node());
        t.forget(event.node(), goneReason(event.node(), last, event.detail()));
    }

    /**
     * @param node the node removed
     * @param last its status before, as the index saw it, or null
     * @param detail what membership said, or null
     * @return the dead letters' detail for what was buffered for it
     */
    static String goneReason(final String node, final MemberStatus last, final String detail) {
        final String how = last == MemberStatus.LEFT ? "left the cluster" : "declared dead";
        return "node " + node + " is gone: " + how + " and removed by membership after hamlet.gossip.remove-after"
            + (detail == null || detail.isBlank() ? "" : " (" + detail + ")");
    }

    private void dialNow(final String node) {
        final Transport t = transport.get();
        final Cluster c = cluster;
        if (t == null || c == null || node.equals(c.selfId())) {
            return;
        }
        t.dialNow(node, c.member(node).map(Member::url).orElse(null));
    }

    /** Asks for a rebuild; at most one runs at a time, and one more runs after the last request. */
    void requestRebuild() {
        if (requested.getAndIncrement() != 0) {
            return;
        }
        try {
            rebuilds.execute(this::rebuildWhileAsked);
        } catch (final RejectedExecutionException e) {
            // The pool is shutting down with the node: no later send needs a fresher index.
            requested.set(0);
        }
    }

    private void rebuildWhileAsked() {
        int covered = requested.get();
        do {
            rebuild();
            covered = requested.addAndGet(-covered);
        } while (covered != 0);
    }

    private void rebuild() {
        final Cluster c = cluster;
        if (c == null) {
            return;
        }
        final Index built;
        try {
            built = Index.of(c.selfId(), c.members(), c.directory(), c.overloadThreshold());
        } catch (final RuntimeException e) {
            LOG.warn("[{}] cluster directory not read; the previous one stays in use: {}", index.selfId,
                e.toString());
            return;
        }
        synchronized (this) {
            // An unbind while this was being built wins: its index is NONE.
            if (cluster == c) {
                index = built;
            }
        }
    }

    /**
     * The directory as the send path reads it. Immutable.
     *
     * <p>The rule for a bare name that is not an actor of this node: among the
     * other nodes whose directory lists the name, those ALIVE first, else JOINING, else SUSPECT (never DEAD or
     * LEFT), and among those the lowest node id in string order. Deterministic, so that every node sends a name to
     * the same host while they see the same membership.
     */
    static final class Index {
        /** No membership: nothing is known beyond this node. */
        static final Index NONE = new Index(null, Map.of(), Map.of(), Map.of(), 0, Double.MAX_VALUE);

        private final String selfId;
        private final Map<String, MemberStatus> statuses;
        /** The host of each name, chosen by the rule, this node left out (its own actors are looked up live). */
        private final Map<String, String> hosts;
        /** The other nodes that get sends of each group: ALIVE members whose directory lists it. */
        private final Map<String, GroupNodes> groups;
        private final double selfScore;
        private final double threshold;

        private Index(final String selfId, final Map<String, MemberStatus> statuses, final Map<String, String> hosts,
                      final Map<String, GroupNodes> groups, final double selfScore, final double threshold) {
            this.selfId = selfId;
            this.statuses = statuses;
            this.hosts = hosts;
            this.groups = groups;
            this.selfScore = selfScore;
            this.threshold = threshold;
        }

        /**
         * @param selfId this node's id
         * @param members every member known
         * @param directory every named actor of the members
         * @param threshold the load score above which a node gets no group sends while another has room
         * @return the index
         */
        static Index of(final String selfId, final List<Member> members, final List<DirectoryEntry> directory,
                        final double threshold) {
            final Map<String, MemberStatus> statuses = new HashMap<>();
            final Map<String, Double> scores = new HashMap<>();
            for (final Member m : members) {
                statuses.put(m.id(), m.status());
                scores.put(m.id(), m.load().score());
            }
            final Map<String, String> hosts = new HashMap<>();
            final Map<String, TreeMap<String, Double>> groupHosts = new HashMap<>();
            for (final DirectoryEntry e : directory) {
                if (e.node().equals(selfId)) {
                    continue;
                }
                final MemberStatus status = statuses.get(e.node());
                final int rank = rank(status);
                if (rank < 0) {
                    continue;
                }
                hosts.merge(e.name(), e.node(), (kept, other) -> better(kept, other, statuses) ? kept : other);
                if (e.group() != null && status == MemberStatus.ALIVE) {
                    groupHosts.computeIfAbsent(e.group(), g -> new TreeMap<>()).put(e.node(), scores.get(e.node()));
                }
            }
            final Map<String, GroupNodes> groups = new HashMap<>();
            groupHosts.forEach((group, nodes) -> groups.put(group, GroupNodes.of(nodes, threshold)));
            return new Index(selfId, Map.copyOf(statuses), Map.copyOf(hosts), Map.copyOf(groups),
                scores.getOrDefault(selfId, 0.0), threshold);
        }

        /** @return 0 for ALIVE, 1 for JOINING, 2 for SUSPECT: lower is preferred; -1 for a node never chosen */
        private static int rank(final MemberStatus status) {
            if (status == null) {
                return -1;
            }
            return switch (status) {
                case ALIVE -> 0;
                case JOINING -> 1;
                case SUSPECT -> 2;
                default -> -1;
            };
        }

        private static boolean better(final String kept, final String other, final Map<String, MemberStatus> statuses) {
            final int byStatus = Integer.compare(rank(statuses.get(kept)), rank(statuses.get(other)));
            return byStatus != 0 ? byStatus < 0 : kept.compareTo(other) <= 0;
        }

        /** @return whether a membership is in use */
        boolean clustered() {
            return selfId != null;
        }

        /**
         * @param name an actor name not found on this node
         * @return the node to send it to by the rule, or {@code null} when no other up node lists it
         */
        String hostOf(final String name) {
            return hosts.get(name);
        }

        /**
         * @param node a node
         * @return its status when this index was built, or null when not a member
         */
        MemberStatus status(final String node) {
            return statuses.get(node);
        }

        /** @return the other members that are up (alive, joining or suspect) when this index was built */
        java.util.Set<String> upOthers() {
            final java.util.Set<String> up = new java.util.TreeSet<>();
            statuses.forEach((node, status) -> {
                if (!node.equals(selfId) && status.isUp()) {
                    up.add(node);
                }
            });
            return up;
        }

        /**
         * Picks the node for one send to a group, by the power of two choices: two distinct random candidates, the
         * one with the lower load score wins (the first drawn on a tie). The candidates are this node when it has
         * members of the group, and the ALIVE nodes that list it; while any candidate's score is at or under the
         * overload threshold, those above it are left out.
         *
         * @param group the group
         * @param here whether this node has a member of it now
         * @param random the randomness
         * @return the node (this node's id for here), or {@code null} when there is no candidate
         */
        String pickGroupNode(final String group, final boolean here, final RandomGenerator random) {
            final GroupNodes remote = groups.get(group);
            final int remoteCount = remote == null ? 0 : remote.nodes.length;
            if (remoteCount == 0) {
                return here ? selfId : null;
            }
            final int count = remoteCount + (here ? 1 : 0);
            final boolean roomSomewhere = (here && selfScore <= threshold) || remote.roomSomewhere;
            int eligible = 0;
            for (int i = 0; i < count; i++) {
                if (eligible(i, remote, roomSomewhere)) {
                    eligible++;
                }
            }
            if (eligible == 1) {
                return node(nthEligible(0, count, remote, roomSomewhere), remote);
            }
            final int a = random.nextInt(eligible);
            int b = random.nextInt(eligible - 1);
            if (b >= a) {
                b++;
            }
            final int first = nthEligible(a, count, remote, roomSomewhere);
            final int second = nthEligible(b, count, remote, roomSomewhere);
            return node(score(second, remote) < score(first, remote) ? second : first, remote);
        }

        /** Candidate i: the remote nodes in id order, then this node. */
        private boolean eligible(final int i, final GroupNodes remote, final boolean roomSomewhere) {
            return !roomSomewhere || score(i, remote) <= threshold;
        }

        private int nthEligible(final int n, final int count, final GroupNodes remote, final boolean roomSomewhere) {
            int seen = 0;
            for (int i = 0; i < count; i++) {
                if (eligible(i, remote, roomSomewhere) && seen++ == n) {
                    return i;
                }
            }
            throw new IllegalStateException("candidate " + n + " of " + seen);
        }

        private double score(final int i, final GroupNodes remote) {
            return i < remote.nodes.length ? remote.scores[i] : selfScore;
        }

        private String node(final int i, final GroupNodes remote) {
            return i < remote.nodes.length ? remote.nodes[i] : selfId;
        }
    }

    /** The other nodes of one group, in id order, with their load scores. Immutable once built. */
    private static final class GroupNodes {
        final String[] nodes;
        final double[] scores;
        /** Whether one of them is at or under the overload threshold. */
        final boolean roomSomewhere;

        private GroupNodes(final String[] nodes, final double[] scores, final boolean roomSomewhere) {
            this.nodes = nodes;
            this.scores = scores;
            this.roomSomewhere = roomSomewhere;
        }

        static GroupNodes of(final TreeMap<String, Double> byNode, final double threshold) {
            final List<String> ids = new ArrayList<>(byNode.keySet());
            final double[] scores = new double[ids.size()];
            boolean room = false;
            for (int i = 0; i < scores.length; i++) {
                scores[i] = byNode.get(ids.get(i));
                room |= scores[i] <= threshold;
            }
            return new GroupNodes(ids.toArray(String[]::new), scores, room);
        }
    }
}
