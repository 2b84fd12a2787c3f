package hamlet.registry.internal;

import hamlet.api.DeadLetter;
import hamlet.api.cluster.Activation;
import hamlet.api.metrics.Histogram;
import hamlet.api.metrics.MetricSource;
import hamlet.api.metrics.MetricWriter;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The registry's metrics: per behaviour and group the messages its actors handled and sent, their mailboxes and
 * how many actors; per behaviour the sampled processing time; the node-wide sampled latency from enqueue to the end
 * of handling; dead letters by reason; hot swaps and their pauses; cluster actors, activations by cause and
 * takeover times; the dispatcher's busy time. Read from what the cells and the runtime count anyway.
 *
 * <p>Threading: any thread, two scrapes at once included; reads only.
 */
public final class RegistryMetrics implements MetricSource {
    private final Supplier<Optional<LocalActorSystem>> runtime;
    /** The last value written per per-actor counter series: see {@link #monotone}. */
    private final Map<String, Double> lastWritten = new ConcurrentHashMap<>();

    /** @param runtime the runtime in force, or empty while it is stopped */
    public RegistryMetrics(final Supplier<Optional<LocalActorSystem>> runtime) {
        this.runtime = runtime;
    }

    @Override
    public void collect(final MetricWriter out) {
        final LocalActorSystem system = runtime.get().orElse(null);
        if (system == null) {
            return;
        }
        actors(system, out);
        final ActorMeters meters = system.meters();
        out.histogram("hamlet_actor_message_latency_seconds",
            "Time from a message's enqueue to the end of its handling, one message in "
                + ActorMeters.SAMPLE_ONE_IN + " sampled", meters.latency());
        meters.processing().forEach((behavior, histogram) -> out.histogram("hamlet_actor_processing_seconds",
            "Time an actor took to handle a message, one in " + ActorMeters.SAMPLE_ONE_IN + " sampled",
            histogram.snapshot(), "behavior", behavior));
        for (final DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            out.counter("hamlet_registry_dead_letters", "Messages given up as dead letters, by reason",
                system.deadLetterBox().count(reason), "reason", reason.name().toLowerCase(java.util.Locale.ROOT));
        }
        out.counter("hamlet_registry_hot_swaps", "Actors moved to another version of their behaviour, by outcome",
            meters.swapsDone(), "outcome", "swapped");
        out.counter("hamlet_registry_hot_swaps", "Actors moved to another version of their behaviour, by outcome",
            meters.swapsFailed(), "outcome", "failed");
        out.histogram("hamlet_registry_hot_swap_pause_seconds",
            "How long an actor took no message while it was swapped to another version", meters.swapPause());
        out.counter("hamlet_registry_dispatcher_busy_seconds", "Time the dispatcher's threads spent in actor turns",
            system.dispatcherBusyNanos() / 1e9);
        out.gauge("hamlet_registry_dispatcher_threads", "Threads of the dispatcher",
            system.dispatcherParallelism());
        cluster(system, out);
    }

    private void actors(final LocalActorSystem system, final MetricWriter out) {
        // Retired first: an actor retiring during this scrape is then counted once or not yet, never twice.
        final Map<ActorMeters.Key, long[]> totals = new HashMap<>(system.meters().retired());
        final Map<ActorMeters.Key, long[]> live = new HashMap<>();
        for (final ActorCell cell : system.cellsNow()) {
            final ActorMeters.Key key = new ActorMeters.Key(cell.spec().behavior(),
                LocalActorSystem.groupOf(cell.spec()));
            final long[] counts = totals.computeIfAbsent(key, k -> new long[2]);
            counts[0] += cell.processed();
            counts[1] += cell.sent.get();
            final long[] now = live.computeIfAbsent(key, k -> new long[2]);
            now[0]++;
            now[1] += cell.mailboxSize();
        }
        totals.forEach((key, counts) -> {
            out.counter("hamlet_actor_messages_processed", "Messages handled by the actors of a behaviour and group",
                monotone("p", key, counts[0]), "behavior", key.behavior(), "group", key.group());
            out.counter("hamlet_actor_messages_sent", "Messages sent by the actors of a behaviour and group",
                monotone("s", key, counts[1]), "behavior", key.behavior(), "group", key.group());
        });
        live.forEach((key, now) -> {
            out.gauge("hamlet_actor_actors", "Actors running on this node, by behaviour and group", now[0],
                "behavior", key.behavior(), "group", key.group());
            out.gauge("hamlet_actor_mailbox_depth", "Messages waiting in the mailboxes of a behaviour and group",
                now[1], "behavior", key.behavior(), "group", key.group());
        });
    }

    /**
     * A racing retire can make a sum dip by the retiring actor's count for one scrape; a counter must never go
     * down (Prometheus would read a reset), so the highest value written is kept.
     */
    private double monotone(final String which, final ActorMeters.Key key, final long value) {
        return lastWritten.merge(which + key.behavior() + '\u0000' + key.group(), (double) value, Math::max);
    }

    private static void cluster(final LocalActorSystem system, final MetricWriter out) {
        final ClusterActors cluster = system.clusterActors();
        if (cluster == null) {
            return;
        }
        int activations = 0;
        for (final ActorCell cell : system.cellsNow()) {
            if (cell.role() != null) {
                activations++;
            }
        }
        out.gauge("hamlet_registry_cluster_actors", "Cluster actors whose activation runs on this node",
            activations);
        for (final Map.Entry<Activation.Cause, Long> entry : cluster.takeovers().activations().entrySet()) {
            out.counter("hamlet_registry_cluster_activations", "Cluster actors activated on this node, by cause",
                entry.getValue(), "cause", entry.getKey().name().toLowerCase(java.util.Locale.ROOT));
        }
        final Histogram.Snapshot takeovers = cluster.takeovers().takeoverSeconds();
        out.counter("hamlet_registry_takeovers", "Cluster actors this node took over from a dead owner",
            takeovers.count());
        out.histogram("hamlet_registry_takeover_seconds",
            "Time from placement's takeover to the activation running here, state copies gathered", takeovers);
    }
}
