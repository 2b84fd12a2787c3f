package hamlet.gossip.internal.osgi;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.ClusterListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells cluster events to the log (one line each, member events at info, directory events at debug) and to every
 * {@link ClusterListener}, in order, on its own thread, so that a slow or failing listener never holds up the
 * membership. Its queue is bounded; what goes over is dropped, counted and logged (listeners then read the
 * {@code Cluster} snapshot, which is always current).
 */
final class EventNotifier implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventNotifier.class);
    static final int QUEUE_LIMIT = 16_384;

    private final String nodeId;
    private final BlockingQueue<ClusterEvent> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
    private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private volatile boolean running = true;

    EventNotifier(final String nodeId) {
        this.nodeId = nodeId;
    }

    void add(final ClusterListener listener) {
        listeners.add(listener);
    }

    void remove(final ClusterListener listener) {
        listeners.remove(listener);
    }

    /** The gossip agent's thread: queues events, never blocks. */
    void publish(final List<ClusterEvent> events) {
        for (final ClusterEvent e : events) {
            if (!queue.offer(e) && dropped.incrementAndGet() % 1_000 == 1) {
                LOG.warn("[{}] gossip: cluster events dropped ({} so far): listeners are slower than membership",
                    nodeId, dropped.get());
            }
        }
    }

    long dropped() {
        return dropped.get();
    }

    long listenerFailures() {
        return listenerFailures.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running || !queue.isEmpty()) {
            final ClusterEvent e;
            try {
                e = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (final InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
            if (e == null) {
                continue;
            }
            log(e);
            for (final ClusterListener listener : listeners) {
                try {
                    listener.onClusterEvent(e);
                } catch (final Throwable t) {
                    listenerFailures.incrementAndGet();
                    LOG.error("[{}] gossip: cluster listener {} failed on {}", nodeId, listener, e.type(), t);
                }
            }
        }
    }

    private void log(final ClusterEvent e) {
        switch (e.type()) {
            case ACTOR_ADDED, ACTOR_REMOVED -> LOG.debug("[{}] cluster: {} {} on {}", nodeId,
                e.type().name().toLowerCase(), e.actor(), e.node());
            case MINORITY -> LOG.warn("[{}] cluster: this node is in the MINORITY: {}", nodeId, e.detail());
            case MAJORITY -> LOG.info("[{}] cluster: this node is in the majority: {}", nodeId, e.detail());
            case ACTIVATED, DEACTIVATED -> LOG.info("[{}] placement: cluster actor {} {} on {}: {}", nodeId,
                e.actor(), e.type().name().toLowerCase(), e.node(), e.detail());
            case REFUSED -> LOG.warn("[{}] placement: refused for cluster actor {}: {}", nodeId, e.actor(),
                e.detail());
            default -> LOG.info("[{}] cluster: member {} {}: {}", nodeId, e.node(), e.type().name().toLowerCase(),
                e.detail());
        }
    }
}
