package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.fail;

import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.WireEnvelope;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A real transport on 127.0.0.1 with a recording receiver, for tests. */
final class TestNode implements EnvelopeReceiver, AutoCloseable {
    /** One delivery. */
    record Delivery(String from, WireEnvelope envelope) {
    }

    final JettyTransport transport;
    final Queue<Delivery> delivered = new ConcurrentLinkedQueue<>();
    final Queue<String> undeliverable = new ConcurrentLinkedQueue<>();
    /** What reclaims handed back, one list per hand-back. */
    final Queue<List<WireEnvelope>> reclaimed = new ConcurrentLinkedQueue<>();
    /** When set, each delivery waits for it to open (a registry that is slow to take a batch). */
    volatile java.util.concurrent.CountDownLatch holdDeliveries;
    /** Opened by the first delivery that waits on {@link #holdDeliveries}. */
    final java.util.concurrent.CountDownLatch deliveryHeld = new java.util.concurrent.CountDownLatch(1);
    /** While set, every delivery is refused, as by a node whose registry is not bound yet; refusals are counted. */
    volatile boolean notReady;
    final java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
    /** Thrown by the next onUndeliverable, once, when set: a registry that fails in the transport's agent. */
    volatile Error failNextUndeliverable;

    TestNode(final TransportSettings settings) throws Exception {
        this(settings, hamlet.tls.internal.DisabledTls.INSTANCE);
    }

    TestNode(final TransportSettings settings, final hamlet.tls.TlsService tls) throws Exception {
        this(settings, tls, FrameLayout.CURRENT_VERSION);
    }

    TestNode(final TransportSettings settings, final hamlet.tls.TlsService tls, final byte version)
        throws Exception {
        transport = new JettyTransport(settings, System::nanoTime, hamlet.api.NodeIdentity.uidOf(null), tls);
        if (version != FrameLayout.CURRENT_VERSION) {
            transport.speakOnly(version);
        }
        transport.receiver(this);
        transport.start();
    }

    /** A node that speaks and decodes protocol version {@code version} at most, as an older release does. */
    static TestNode startSpeaking(final byte version, final String id, final String... seeds) throws Exception {
        return new TestNode(TransportSettings.localTest(id, List.of(seeds)), hamlet.tls.internal.DisabledTls.INSTANCE,
            version);
    }

    static TestNode start(final String id, final String... seeds) throws Exception {
        return new TestNode(TransportSettings.localTest(id, List.of(seeds)));
    }

    @Override
    public boolean onEnvelope(final String fromNode, final WireEnvelope envelope) {
        if (notReady) {
            refusals.incrementAndGet();
            return false;
        }
        final java.util.concurrent.CountDownLatch hold = holdDeliveries;
        if (hold != null) {
            deliveryHeld.countDown();
            try {
                hold.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        delivered.add(new Delivery(fromNode, envelope));
        return true;
    }

    @Override
    public void onUndeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
        final Error failure = failNextUndeliverable;
        if (failure != null) {
            failNextUndeliverable = null;
            throw failure;
        }
        undeliverable.add(toNode + ": " + reason);
    }

    @Override
    public void onReclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
        reclaimed.add(envelopes);
    }

    boolean isUpWith(final String node) {
        return transport.peers().stream().anyMatch(p -> node.equals(p.node()) && p.state() == PeerInfo.State.UP);
    }

    @Override
    public void close() {
        transport.stop();
    }

    static void await(final String what, final long timeoutMs, final BooleanSupplier condition) {
        await(() -> what, timeoutMs, condition);
    }

    static void await(final Supplier<String> what, final long timeoutMs, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what.get());
            }
            // Polling pause between checks of the condition, not a wait for time to pass.
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
        }
    }
}
