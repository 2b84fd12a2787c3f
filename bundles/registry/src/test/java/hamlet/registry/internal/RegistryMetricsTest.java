package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.metrics.Histogram;
import hamlet.api.metrics.MetricWriter;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the registry's metric source writes: counts per behaviour and group, kept when actors stop; sampled times. */
class RegistryMetricsTest {
    /** The series written, by name and labels, as text: {@code name{k=v,...}}. */
    private static final class Recording implements MetricWriter {
        private final Map<String, Double> values = new HashMap<>();
        private final Map<String, Histogram.Snapshot> histograms = new HashMap<>();

        @Override
        public void counter(final String name, final String help, final double value, final String... labels) {
            values.put(key(name, labels), value);
        }

        @Override
        public void gauge(final String name, final String help, final double value, final String... labels) {
            values.put(key(name, labels), value);
        }

        @Override
        public void histogram(final String name, final String help, final Histogram.Snapshot histogram,
                              final String... labels) {
            histograms.put(key(name, labels), histogram);
        }

        private static String key(final String name, final String... labels) {
            return name + "{" + String.join(",", labels) + "}";
        }

        double value(final String name, final String... labels) {
            return values.getOrDefault(key(name, labels), Double.NaN);
        }
    }

    private static Recording collect(final TestNode node) {
        final Recording out = new Recording();
        new RegistryMetrics(() -> Optional.of(node.system)).collect(out);
        return out;
    }

    @Test
    void shouldCountMessagesPerBehaviourAndGroupAndKeepTheCountsOfStoppedActors() {
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> (message, ctx) -> ctx.reply(message.body()));
            final ActorRef a = node.system.spawn(new ActorSpec("a", "echo", "echoes", null));
            final ActorRef b = node.system.spawn(new ActorSpec("b", "echo", "echoes", null));
            for (int i = 0; i < 10; i++) {
                ask(i % 2 == 0 ? a : b, i);
            }
            final Recording before = collect(node);
            assertEquals(10, before.value("hamlet_actor_messages_processed", "behavior", "echo", "group", "echoes"));
            assertEquals(10, before.value("hamlet_actor_messages_sent", "behavior", "echo", "group", "echoes"),
                "each reply is a send with the actor as sender");
            assertEquals(2, before.value("hamlet_actor_actors", "behavior", "echo", "group", "echoes"));
            assertEquals(0, before.value("hamlet_actor_mailbox_depth", "behavior", "echo", "group", "echoes"));

            node.system.stop("a");
            awaitTrue("a stopped", () -> node.system.actor("a").isEmpty());
            final Recording after = collect(node);
            assertEquals(10, after.value("hamlet_actor_messages_processed", "behavior", "echo", "group", "echoes"),
                "a counter does not go down when an actor stops");
            assertEquals(1, after.value("hamlet_actor_actors", "behavior", "echo", "group", "echoes"));
        }
    }

    @Test
    void shouldTimeAboutOneMessageInSixtyFour() {
        try (TestNode node = new TestNode()) {
            node.behavior("sink", spec -> (message, ctx) -> { });
            final ActorRef sink = node.system.spawn("sink", "sink");
            final int messages = 64 * 200;
            // In rounds well under the mailbox's bound: a full mailbox would turn messages into dead letters.
            for (int round = 1; round <= 16; round++) {
                for (int i = 0; i < messages / 16; i++) {
                    sink.tell(i);
                }
                final int handled = round * messages / 16;
                awaitTrue(handled + " handled", () -> node.system.actor("sink").orElseThrow().processed() == handled);
            }
            final Recording out = collect(node);
            final long latency = out.histograms.get("hamlet_actor_message_latency_seconds{}").count();
            final long processing = out.histograms.get("hamlet_actor_processing_seconds{behavior,sink}").count();
            // 200 expected; a binomial count stays within 100..300 but once in billions of runs.
            assertTrue(latency > 100 && latency < 300, "timed " + latency + " of " + messages);
            assertEquals(latency, processing, "a timed message is timed both ways");
            assertEquals(0, out.value("hamlet_registry_dead_letters", "reason", "unknown_actor"));
        }
    }
}
