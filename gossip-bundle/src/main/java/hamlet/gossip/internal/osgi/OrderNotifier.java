package hamlet.gossip.internal.osgi;

import hamlet.api.cluster.PlacementListener;
import hamlet.gossip.internal.Placer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries placement's orders to the registry's {@link PlacementListener}, in order, on its own thread, so that the
 * agent never runs another bundle's code. The queue is bounded; an order that does not fit is counted and logged at
 * error (placement then believes an actor runs that does not: the operator sees it in the counters; it cannot
 * happen below {@value #QUEUE_LIMIT} orders in flight, far above what the move rate allows).
 */
final class OrderNotifier implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OrderNotifier.class);
    static final int QUEUE_LIMIT = 65_536;

    private final String nodeId;
    private final BlockingQueue<Placer.Order> queue = new ArrayBlockingQueue<>(QUEUE_LIMIT);
    private final List<PlacementListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;

    OrderNotifier(final String nodeId) {
        this.nodeId = nodeId;
    }

    void add(final PlacementListener listener) {
        listeners.add(listener);
    }

    void remove(final PlacementListener listener) {
        listeners.remove(listener);
    }

    /** The agent's thread: queues, never blocks. */
    void publish(final List<Placer.Order> orders) {
        for (final Placer.Order o : orders) {
            if (!queue.offer(o)) {
                dropped.incrementAndGet();
                LOG.error("[{}] placement: order dropped, the registry is not keeping up: {}", nodeId, o);
            }
        }
    }

    long dropped() {
        return dropped.get();
    }

    long failures() {
        return failures.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            final Placer.Order order;
            try {
                order = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (order == null) {
                continue;
            }
            if (listeners.isEmpty()) {
                LOG.warn("[{}] placement: no registry to carry out {}", nodeId, order);
            }
            for (final PlacementListener l : listeners) {
                try {
                    deliver(l, order);
                } catch (final Throwable t) {
                    failures.incrementAndGet();
                    LOG.error("[{}] placement: the registry failed to carry out {}", nodeId, order, t);
                }
            }
        }
    }

    private static void deliver(final PlacementListener l, final Placer.Order order) {
        if (order instanceof Placer.Activate a) {
            l.activate(a.activation());
        } else if (order instanceof Placer.Deactivate d) {
            l.deactivate(d.name(), d.epoch(), d.handTo(), d.nextEpoch(), d.reason());
        } else if (order instanceof Placer.Forward f) {
            l.forward(f.name(), f.owner(), f.epoch());
        }
    }
}
