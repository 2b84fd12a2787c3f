package hamlet.registry.internal;

import hamlet.api.metrics.Histogram;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the runtime measures of its actors beyond the counts each cell keeps: the processing time per behaviour and
 * the node-wide latency (from the enqueue to the end of the handling) of one message in {@link #SAMPLE_ONE_IN},
 * the counts of retired actors (so that a behaviour's counters do not go down when an actor stops), and hot swaps.
 *
 * <p>Cost on the hot path: the enqueue draws from the sending thread's own {@link ThreadLocalRandom} (no shared
 * write); a sampled message costs two clock reads and two histogram observations, which amortise to a few
 * nanoseconds a message. Counting messages is the cells' own {@code processed} and {@link SentCount}.
 *
 * <p>Threading: any thread.
 */
final class ActorMeters {
    /** One message in this many is timed: a power of two. */
    static final int SAMPLE_ONE_IN = 64;
    /** Seconds, from a microsecond (an echo) to ten seconds (a stuck actor): the same for both histograms. */
    static final double[] BOUNDS = {0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025,
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** A swap pauses an actor from its snapshot to its first message on the new version. */
    static final double[] SWAP_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5, 5, 10, 30};
    private static final double NS_PER_S = 1e9;

    /** A behaviour and a group: the labels of the per-actor counts. */
    record Key(String behavior, String group) {
    }

    private final Histogram latency = new Histogram(BOUNDS);
    private final Map<String, Histogram> processing = new ConcurrentHashMap<>();
    private final Map<Key, long[]> retired = new ConcurrentHashMap<>();
    private final Histogram swapPause = new Histogram(SWAP_BOUNDS);
    private final LongAdder swapsDone = new LongAdder();
    private final LongAdder swapsFailed = new LongAdder();

    /**
     * On the sending thread, before the message is offered: marks one in {@link #SAMPLE_ONE_IN} with the time.
     *
     * @param envelope the message
     */
    static void stamp(final Envelope envelope) {
        if ((ThreadLocalRandom.current().nextInt() & (SAMPLE_ONE_IN - 1)) == 0) {
            envelope.sampledAtNs = System.nanoTime();
        }
    }

    /**
     * On the turn, after a sampled message was handled.
     *
     * @param behavior the actor's behaviour
     * @param sampledAtNs when it was enqueued
     * @param startNs when its handling began
     * @param endNs when it ended
     */
    void handled(final String behavior, final long sampledAtNs, final long startNs, final long endNs) {
        processing.computeIfAbsent(behavior, b -> new Histogram(BOUNDS)).observe((endNs - startNs) / NS_PER_S);
        latency.observe((endNs - sampledAtNs) / NS_PER_S);
    }

    /**
     * Keeps the counts of an actor that leaves, for its behaviour's and group's totals.
     *
     * @param key its behaviour and group
     * @param processed messages it handled
     * @param sent messages it sent
     */
    void retired(final Key key, final long processed, final long sent) {
        final long[] counts = retired.computeIfAbsent(key, k -> new long[2]);
        synchronized (counts) {
            counts[0] += processed;
            counts[1] += sent;
        }
    }

    /**
     * A swap's outcome, on the actor's turn.
     *
     * @param pauseNs how long the actor waited, or a negative number when it failed
     */
    void swapped(final long pauseNs) {
        if (pauseNs < 0) {
            swapsFailed.increment();
            return;
        }
        swapsDone.increment();
        swapPause.observe(pauseNs / NS_PER_S);
    }

    /** @return the counts of retired actors, {processed, sent} by behaviour and group (a copy) */
    Map<Key, long[]> retired() {
        final Map<Key, long[]> copy = new java.util.HashMap<>();
        retired.forEach((key, counts) -> {
            synchronized (counts) {
                copy.put(key, counts.clone());
            }
        });
        return copy;
    }

    Histogram.Snapshot latency() {
        return latency.snapshot();
    }

    /** @return the processing time by behaviour (the histograms themselves) */
    Map<String, Histogram> processing() {
        return Map.copyOf(processing);
    }

    Histogram.Snapshot swapPause() {
        return swapPause.snapshot();
    }

    long swapsDone() {
        return swapsDone.sum();
    }

    long swapsFailed() {
        return swapsFailed.sum();
    }
}
