package hamlet.shell.internal;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@code cluster:*} commands without Gogo: what the transport knows of the peers, and the counters of the
 * transport and of the actor runtime, for operators. Both services are optional: a node without a transport, or
 * with its runtime stopped, says so instead of failing.
 *
 * <p>Threading: called from a shell session's thread; reads snapshots from the services and never blocks.
 */
final class ClusterCommands {
    /** The bundle that provides the transport, named when it is absent. */
    static final String TRANSPORT_BUNDLE = "hamlet.transport.jetty";

    private final Supplier<Transport> transport;
    private final Supplier<ActorSystem> system;
    private final Supplier<NodeIdentity> identity;

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
        this.transport = transport;
        this.system = system;
        this.identity = identity;
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
