package hamlet.shell.internal;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@code cluster:*} commands without Gogo: what the transport knows of the peers, the counters of the transport
 * and of the actor runtime, and the gossip bundle's view of the cluster (its members, the directory of named actors,
 * joining and leaving), for operators. Every service is optional: a node without a transport, with its runtime
 * stopped or without the gossip bundle says so instead of failing.
 *
 * <p>Threading: called from a shell session's thread; reads snapshots from the services and never blocks.
 */
final class ClusterCommands {
    /** The bundle that provides the transport, named when it is absent. */
    static final String TRANSPORT_BUNDLE = "hamlet.transport.jetty";
    /** The bundle that provides the cluster view, named when it is absent. */
    static final String GOSSIP_BUNDLE = "hamlet.gossip";

    private final Supplier<Transport> transport;
    private final Supplier<ActorSystem> system;
    private final Supplier<NodeIdentity> identity;
    private final Supplier<Cluster> cluster;
    private final Supplier<Placement> placement;

    /**
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param system the node's actors, or a supplier of {@code null} while the registry is absent
     */
    ClusterCommands(final Supplier<Transport> transport, final Supplier<ActorSystem> system) {
        this(transport, system, () -> null);
    }

    /**
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param system the node's actors, or a supplier of {@code null} while the registry is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     */
    ClusterCommands(final Supplier<Transport> transport, final Supplier<ActorSystem> system,
                    final Supplier<NodeIdentity> identity) {
        this(transport, system, identity, () -> null);
    }

    /**
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param system the node's actors, or a supplier of {@code null} while the registry is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     * @param cluster the gossip bundle's cluster service, or a supplier of {@code null} while it is absent
     */
    ClusterCommands(final Supplier<Transport> transport, final Supplier<ActorSystem> system,
                    final Supplier<NodeIdentity> identity, final Supplier<Cluster> cluster) {
        this(transport, system, identity, cluster, () -> null);
    }

    /**
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param system the node's actors, or a supplier of {@code null} while the registry is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     * @param cluster the gossip bundle's cluster service, or a supplier of {@code null} while it is absent
     * @param placement the gossip bundle's placement service, or a supplier of {@code null} while it is absent
     */
    ClusterCommands(final Supplier<Transport> transport, final Supplier<ActorSystem> system,
                    final Supplier<NodeIdentity> identity, final Supplier<Cluster> cluster,
                    final Supplier<Placement> placement) {
        this.transport = transport;
        this.system = system;
        this.identity = identity;
        this.cluster = cluster;
        this.placement = placement;
    }

    /**
     * @return a table of the peers (node, URL, link state, the peer's per-start id in hex, envelopes waiting or
     *     unacknowledged, sent and received since start), then how many there are, of which node (with this start's
     *     uid when the node identity is known), and how many are up
     */
    String peers() {
        final Transport running = transport.get();
        if (running == null) {
            throw new CommandException("cluster:peers", "the transport is not available: the " + TRANSPORT_BUNDLE
                + " bundle is not running, so this node has no peers");
        }
        final List<PeerInfo> peers = running.peers();
        if (peers.isEmpty()) {
            return "no peers" + onNode() + "\n";
        }
        final Table table = new Table("NODE", "URL", "STATE", "UID", "OUTBOX", "SENT", "RECEIVED");
        int up = 0;
        for (final PeerInfo peer : peers) {
            table.row(peer.node(), peer.url(), peer.state(), uid(peer.uid()), peer.outbox(), peer.sent(),
                peer.received());
            if (peer.state() == PeerInfo.State.UP) {
                up++;
            }
        }
        return table + plural(peers.size(), "peer") + onNode() + ", " + up + " up\n";
    }

    /**
     * @return one {@code name value} line per counter, the transport's first (named {@code transport.*}) and then
     *     the actor runtime's ({@code registry.*}), each sorted by name; a line saying so for a service that is
     *     absent or counts nothing
     */
    String counters() {
        final Transport transportNow = transport.get();
        final ActorSystem systemNow = system.get();
        if (transportNow == null && systemNow == null) {
            throw new CommandException("cluster:counters", "neither the transport nor the actor runtime is"
                + " available: the " + TRANSPORT_BUNDLE + " and hamlet.registry bundles are not running");
        }
        final Map<String, Long> all = new LinkedHashMap<>();
        final StringBuilder absent = new StringBuilder();
        if (transportNow == null) {
            absent.append("no transport counters: the ").append(TRANSPORT_BUNDLE).append(" bundle is not running\n");
        } else {
            final Map<String, Long> counted = new TreeMap<>(transportNow.counters());
            if (counted.isEmpty()) {
                absent.append("no transport counters: the transport counts nothing yet\n");
            }
            counted.forEach((name, value) -> all.put("transport." + name, value));
        }
        if (systemNow == null) {
            absent.append("no registry counters: the hamlet.registry bundle is not running\n");
        } else {
            final Map<String, Long> counted = new TreeMap<>(systemNow.counters());
            if (counted.isEmpty()) {
                absent.append("no registry counters: the actor runtime is stopped\n");
            }
            counted.forEach((name, value) -> all.put("registry." + name, value));
        }
        final int width = all.keySet().stream().mapToInt(String::length).max().orElse(0);
        final StringBuilder text = new StringBuilder();
        all.forEach((name, value) -> text.append(name).append(" ".repeat(width - name.length() + 2)).append(value)
            .append('\n'));
        return text.append(absent).toString();
    }

    /**
     * @return a table of the members (id, status, incarnation, since when, load score, named actors, URL), this node
     *     marked; then how many there are by status; then whether this node is in the majority, and why
     */
    String members() {
        final Cluster now = running("cluster:members");
        final String self = now.selfId();
        final List<Member> members = now.members();
        final StringBuilder text = new StringBuilder();
        if (members.isEmpty()) {
            text.append("no members known to node ").append(self).append('\n');
        } else {
            final Table table = new Table("ID", "STATUS", "INCARNATION", "SINCE", "LOAD", "ACTORS", "URL");
            final Map<MemberStatus, Integer> counts = new EnumMap<>(MemberStatus.class);
            for (final Member member : members) {
                final double score = member.load().score();
                table.row(member.id().equals(self) ? member.id() + " (this node)" : member.id(),
                    member.status().name().toLowerCase(Locale.ROOT), member.incarnation(),
                    Instant.ofEpochMilli(member.sinceMillis()),
                    String.format(Locale.ROOT, "%.2f", score) + (score > now.overloadThreshold() ? " overloaded" : ""),
                    member.actorCount(), member.url());
                counts.merge(member.status(), 1, Integer::sum);
            }
            final StringJoiner byStatus = new StringJoiner(", ", ": ", "");
            counts.forEach((status, count) -> byStatus.add(count + " " + status.name().toLowerCase(Locale.ROOT)));
            text.append(table).append(plural(members.size(), "member")).append(byStatus).append('\n');
        }
        if (now.inMajority()) {
            text.append("node ").append(self).append(" is in the majority: ").append(now.majorityDetail());
        } else {
            text.append("node ").append(self).append(" is in the minority: ").append(now.majorityDetail())
                .append("; it takes ownership of nothing cluster-wide until it sees a majority again");
        }
        return text.append('\n').toString();
    }

    /**
     * @return {@link #directory}, then, while placement runs, the cluster actors as {@link ClusterActorsView} shows
     *     them, and why this node may not own any when it may not
     */
    String actors() {
        final Cluster now = running("cluster:actors");
        final Placement placementNow = placement.get();
        return directory(now) + (placementNow == null ? "" : ClusterActorsView.render(placementNow));
    }

    /**
     * @return a table of the directory (name, node, group, and for a name hosted on several nodes the other nodes),
     *     then how many named actors on how many nodes, and the names in conflict
     */
    private static String directory(final Cluster now) {
        final List<DirectoryEntry> directory = now.directory();
        if (directory.isEmpty()) {
            return "the directory is empty: no member hosts a named actor\n";
        }
        final Map<String, Set<String>> hosts = new TreeMap<>();
        for (final DirectoryEntry entry : directory) {
            hosts.computeIfAbsent(entry.name(), name -> new TreeSet<>()).add(entry.node());
        }
        final Table table = new Table("NAME", "NODE", "GROUP", "CONFLICT");
        final Set<String> nodes = new TreeSet<>();
        for (final DirectoryEntry entry : directory) {
            final Set<String> others = new TreeSet<>(hosts.get(entry.name()));
            others.remove(entry.node());
            table.row(entry.name(), entry.node(), entry.group(),
                others.isEmpty() ? null : "also on " + String.join(", ", others));
            nodes.add(entry.node());
        }
        final List<String> conflicts = hosts.entrySet().stream().filter(hosted -> hosted.getValue().size() > 1)
            .map(Map.Entry::getKey).toList();
        return table + plural(directory.size(), "named actor") + " on " + plural(nodes.size(), "node")
            + (conflicts.isEmpty() ? ", no conflicts"
                : "; " + plural(conflicts.size(), "name") + " on several nodes (a conflict; GET"
                    + " /api/cluster/actors says where each resolves): " + String.join(", ", conflicts)) + "\n";
    }

    /**
     * @param seed {@code host:port}, {@code ws://host:port} or {@code ws://host:port/hamlet}
     * @return one line saying the join was asked for (it goes on in the background)
     */
    String join(final String seed) {
        final String command = "cluster:join";
        final Cluster now = running(command);
        try {
            now.join(seed);
        } catch (final IllegalArgumentException e) {
            throw new CommandException(command, "seed '" + seed + "' is not an address (give host:port,"
                + " ws://host:port or ws://host:port/hamlet)" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        return "node " + now.selfId() + " asked " + seed + " to let it in; see cluster:members\n";
    }

    /** @return one line saying this node is leaving (the members are told in the background) */
    String leave() {
        final Cluster now = running("cluster:leave");
        now.leave();
        return "node " + now.selfId() + " is leaving the cluster: the members mark it left as they hear it; see"
            + " cluster:members\n";
    }

    private Cluster running(final String command) {
        final Cluster now = cluster.get();
        if (now == null) {
            throw new CommandException(command, "the cluster view is not available: the " + GOSSIP_BUNDLE
                + " bundle (gossip membership) is not running");
        }
        return now;
    }

    /**
     * @return " of node ID (uid HEX)" from the node identity, else " of node ID" from the actor runtime, else
     *     nothing
     */
    private String onNode() {
        final NodeIdentity self = identity.get();
        if (self != null) {
            return " of node " + self.id() + " (uid " + self.uidHex() + ")";
        }
        final ActorSystem now = system.get();
        if (now == null) {
            return "";
        }
        try {
            return " of node " + now.nodeId();
        } catch (final RuntimeException e) {
            return "";
        }
    }

    /**
     * @param uid a peer's per-start id, 0 before its first handshake
     * @return 16 hex digits, or {@code null} (shown as {@code -}) for 0
     */
    static String uid(final long uid) {
        return uid == 0 ? null : String.format("%016x", uid);
    }

    private static String plural(final int count, final String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
