package hamlet.transport.internal;

import hamlet.api.metrics.MetricWriter;
import hamlet.api.transport.PeerInfo;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The transport's metrics: per peer (label {@code peer}, a member's node id: a bounded set) frames, bytes,
 * envelopes, acks, resends and duplicates each way and the envelopes per DATA frame; peers by link state;
 * connections refused by reason; the open connections and the outbox. Read from what the links and the transport
 * count anyway.
 *
 * <p>Threading: any thread; reads only.
 */
final class TransportMetrics {
    private TransportMetrics() {
    }

    /**
     * @param transport the running transport
     * @param out where to write
     */
    static void collect(final JettyTransport transport, final MetricWriter out) {
        for (final PeerLink link : transport.linksNow()) {
            perPeer(link, out);
        }
        final Map<PeerInfo.State, Integer> states = new EnumMap<>(PeerInfo.State.class);
        for (final PeerInfo.State state : PeerInfo.State.values()) {
            states.put(state, 0);
        }
        for (final PeerInfo peer : transport.peers()) {
            states.merge(peer.state(), 1, Integer::sum);
        }
        states.forEach((state, count) -> out.gauge("hamlet_transport_peers",
            "Peers by the state of their link (seeds not reached yet count as connecting)", count,
            "state", state.name().toLowerCase(Locale.ROOT)));
        final Map<String, Long> counters = transport.counters();
        counters.forEach((name, value) -> {
            if (name.startsWith("rejected.")) {
                refused(out, name.substring("rejected.".length()), value);
            } else if (name.startsWith(JettyTransport.REFUSED_TLS)) {
                refused(out, "tls_" + name.substring(JettyTransport.REFUSED_TLS.length()), value);
            }
        });
        out.gauge("hamlet_transport_connections_open", "WebSocket connections open, dialed and accepted",
            counters.getOrDefault("connections.open", 0L));
        out.gauge("hamlet_transport_outbox_bytes", "Bytes of envelopes waiting or unacknowledged, over every peer",
            counters.getOrDefault("outbox.bytes", 0L));
        out.counter("hamlet_transport_control_dropped", "Control-lane messages (gossip) dropped: queue full or no link",
            counters.getOrDefault("control.dropped", 0L));
    }

    private static void refused(final MetricWriter out, final String reason, final long value) {
        out.counter("hamlet_transport_connections_refused",
            "Connections refused or closed for breaking the protocol or failing TLS, by reason", value,
            "reason", reason.toLowerCase(Locale.ROOT).replace('-', '_'));
    }

    private static void perPeer(final PeerLink link, final MetricWriter out) {
        final String peer = link.nodeId();
        final LinkTraffic traffic = link.traffic();
        out.counter("hamlet_transport_frames_sent", "WebSocket frames written to a peer", traffic.framesOut(),
            "peer", peer);
        out.counter("hamlet_transport_frames_received", "WebSocket frames read from a peer", traffic.framesIn(),
            "peer", peer);
        out.counter("hamlet_transport_sent_bytes", "Bytes of frames written to a peer (WebSocket payload)",
            traffic.bytesOut(), "peer", peer);
        out.counter("hamlet_transport_received_bytes", "Bytes of frames read from a peer (WebSocket payload)",
            traffic.bytesIn(), "peer", peer);
        out.counter("hamlet_transport_envelopes_sent", "Envelopes written to a peer, resends included", link.sent(),
            "peer", peer);
        out.counter("hamlet_transport_envelopes_received", "Envelopes from a peer taken by the registry",
            link.received(), "peer", peer);
        out.counter("hamlet_transport_envelopes_resent", "Envelopes written again after a reconnect", link.resent(),
            "peer", peer);
        out.counter("hamlet_transport_duplicates_dropped", "Envelopes from a peer dropped as already delivered",
            link.duplicates() + link.tooOld(), "peer", peer);
        out.counter("hamlet_transport_acks_sent", "Cumulative acknowledgements written to a peer",
            traffic.acksOut(), "peer", peer);
        out.counter("hamlet_transport_acks_received", "Cumulative acknowledgements read from a peer",
            traffic.acksIn(), "peer", peer);
        out.counter("hamlet_transport_acks_refused", "Acknowledgements from a peer refused (another uid, too high)",
            link.acksRefused(), "peer", peer);
        out.histogram("hamlet_transport_batch_envelopes", "Envelopes per DATA frame written to a peer",
            traffic.batches(), "peer", peer);
        out.gauge("hamlet_transport_outbox_envelopes", "Envelopes for a peer waiting or unacknowledged",
            link.info(false).outbox(), "peer", peer);
    }
}
