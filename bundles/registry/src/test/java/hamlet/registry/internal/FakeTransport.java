package hamlet.registry.internal;

import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory transport for one node of a test cluster: hands each envelope to the receiving node's inbox at once,
 * on the sending thread (which keeps the order of one sender, as the real transport's per-link order does). A node
 * can be made "away", so that what is accepted for it is given back as undeliverable, or refused outright.
 */
final class FakeTransport implements Transport {
    /** Every node's inbox of the test cluster, by node id; shared by the nodes' transports. */
    private final Map<String, EnvelopeReceiver> cluster;
    private final String self;
    final Set<String> away = ConcurrentHashMap.newKeySet();
    final AtomicInteger sent = new AtomicInteger();
    volatile SendStatus refuseWith;

    FakeTransport(final Map<String, EnvelopeReceiver> cluster, final String self) {
        this.cluster = cluster;
        this.self = self;
    }

    @Override
    public SendStatus send(final String node, final WireEnvelope envelope) {
        if (refuseWith != null) {
            return refuseWith;
        }
        final EnvelopeReceiver receiver = cluster.get(node);
        if (receiver == null) {
            return SendStatus.UNKNOWN_NODE;
        }
        sent.incrementAndGet();
        if (away.contains(node)) {
            cluster.get(self).onUndeliverable(node, envelope, "node " + node + " stayed away too long");
        } else {
            receiver.onEnvelope(self, envelope);
        }
        return SendStatus.ACCEPTED;
    }

    @Override
    public List<PeerInfo> peers() {
        return List.of();
    }
}
