package hamlet.registry.internal;

import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory transport for one node of a test cluster: hands each envelope to the receiving node's inbox at once,
 * on the sending thread (which keeps the order of one sender, as the real transport's per-link order does). A node
 * can be made "away", so that what is accepted for it is given back as undeliverable, or refused outright.
 *
 * <p>It also watches the rule that broke the first real transport (a deadlock, review finding C1): a send made on a
 * thread that is inside one of these transports' deliveries ({@code onEnvelope} or {@code onUndeliverable}) is
 * counted in {@link #reentrantSends}, because the real transport holds its link's inbound lock there.
 */
final class FakeTransport implements Transport {
    /** Whether this thread is inside a delivery of any FakeTransport (the real one's I/O or timer thread). */
    private static final ThreadLocal<Boolean> DELIVERING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** Every node's inbox of the test cluster, by node id; shared by the nodes' transports. */
    private final Map<String, EnvelopeReceiver> cluster;
    private final String self;
    final Set<String> away = ConcurrentHashMap.newKeySet();
    final AtomicInteger sent = new AtomicInteger();
    /** Sends made from inside a delivery: each one is a re-entry the real transport would deadlock on. */
    final AtomicInteger reentrantSends = new AtomicInteger();
    /** The thread of each send, oldest first. */
    final Queue<Thread> sendThreads = new ConcurrentLinkedQueue<>();
    volatile SendStatus refuseWith;
    /** Every {@link #forget}, as "node: reason". */
    final Queue<String> forgotten = new ConcurrentLinkedQueue<>();
    /** Every {@link #dialNow}'s node. */
    final Queue<String> dialedNow = new ConcurrentLinkedQueue<>();

    FakeTransport(final Map<String, EnvelopeReceiver> cluster, final String self) {
        this.cluster = cluster;
        this.self = self;
    }

    @Override
    public SendStatus send(final String node, final WireEnvelope envelope) {
        sendThreads.add(Thread.currentThread());
        if (DELIVERING.get()) {
            reentrantSends.incrementAndGet();
        }
        if (refuseWith != null) {
            return refuseWith;
        }
        final EnvelopeReceiver receiver = cluster.get(node);
        if (receiver == null) {
            return SendStatus.UNKNOWN_NODE;
        }
        sent.incrementAndGet();
        final boolean outer = !DELIVERING.get();
        DELIVERING.set(Boolean.TRUE);
        try {
            if (away.contains(node)) {
                cluster.get(self).onUndeliverable(node, envelope, "node " + node + " stayed away too long");
            } else {
                receiver.onEnvelope(self, envelope);
            }
        } finally {
            if (outer) {
                DELIVERING.remove();
            }
        }
        return SendStatus.ACCEPTED;
    }

    /**
     * Hands an envelope to an inbox as this transport's delivery thread would: marked as inside a delivery, so that
     * a send the inbox makes on this thread is counted in {@link #reentrantSends}.
     *
     * @param inbox the receiving node's inbox
     * @param fromNode the sending node
     * @param envelope the envelope
     * @return what the inbox answered
     */
    static boolean deliver(final EnvelopeReceiver inbox, final String fromNode, final WireEnvelope envelope) {
        DELIVERING.set(Boolean.TRUE);
        try {
            return inbox.onEnvelope(fromNode, envelope);
        } finally {
            DELIVERING.remove();
        }
    }

    @Override
    public List<PeerInfo> peers() {
        return List.of();
    }

    @Override
    public boolean sendControl(final String node, final int channel, final byte[] payload) {
        return false;
    }

    @Override
    public boolean sendControlTo(final String url, final int channel, final byte[] payload) {
        return false;
    }

    /** Gives up nothing: this transport buffers nothing ({@link #away} hands back at once). */
    @Override
    public void forget(final String node, final String reason) {
        forgotten.add(node + ": " + reason);
    }

    @Override
    public void dialNow(final String node, final String url) {
        dialedNow.add(node);
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of("sent", (long) sent.get());
    }
}
