package hamlet.registry.internal;

import hamlet.api.cluster.Activation;
import hamlet.api.metrics.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cluster actors' activations on this node by cause, and how long a takeover took here: from placement's word
 * that this node takes the actor over (its owner died) to the activation running, the copies of its state
 * gathered from the other members and restored.
 *
 * <p>Threading: {@link #activating} on the failover thread, {@link #activated} on the actor's turn, reads on any.
 */
final class TakeoverMeters {
    static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Map<Activation.Cause, LongAdder> activations = new EnumMap<>(Activation.Cause.class);
    /** Takeovers begun and not yet running, by actor: {epoch, start}; a newer one replaces it (bounded by actors). */
    private final Map<String, long[]> started = new ConcurrentHashMap<>();
    private final Histogram seconds = new Histogram(BOUNDS);

    TakeoverMeters() {
        for (final Activation.Cause cause : Activation.Cause.values()) {
            activations.put(cause, new LongAdder());
        }
    }

    /** @param activation what placement asked of this node */
    void activating(final Activation activation) {
        activations.get(activation.cause()).increment();
        if (activation.cause() == Activation.Cause.TAKEOVER) {
            started.put(activation.actor().name(), new long[] {activation.epoch(), System.nanoTime()});
        }
    }

    /**
     * @param name the actor
     * @param epoch the activation that runs now
     */
    void activated(final String name, final long epoch) {
        final long[] begun = started.get(name);
        if (begun != null && begun[0] == epoch && started.remove(name, begun)) {
            seconds.observe((System.nanoTime() - begun[1]) / 1e9);
        }
    }

    /** @return activations by cause since start */
    Map<Activation.Cause, Long> activations() {
        final Map<Activation.Cause, Long> counts = new EnumMap<>(Activation.Cause.class);
        activations.forEach((cause, adder) -> counts.put(cause, adder.sum()));
        return counts;
    }

    Histogram.Snapshot takeoverSeconds() {
        return seconds.snapshot();
    }
}
