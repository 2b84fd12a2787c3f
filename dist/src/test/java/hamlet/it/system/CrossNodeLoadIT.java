package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real nodes, numbered messages between them as fast as flow control allows: none lost, none duplicated,
 * order kept per sender-receiver pair. First one pair alone (node1 to node2, 100,000 messages), then all six
 * ordered pairs of the three nodes at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossNodeLoadIT {
    /** Two streams may arrive at one recorder at once: both windows must fit its mailbox (8192 by default). */
    private static final int WINDOW = 3000;

    private LoadCluster cluster;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = new NodeOutputOnFailure(
        () -> cluster == null ? Map.of() : Map.of("the nodes' output", cluster.dump()));

    @BeforeAll
    void startNodes() throws IOException, InterruptedException {
        Assertions.assertTrue(LoadCluster.available(), "the distribution has no transport or no load bundle: "
            + "the build that made it is broken");
        cluster = LoadCluster.start(3, "    sender { behavior = sender, instances = 2 }\n"
            + "    recorder { behavior = recorder, instances = 2, config { ackEvery = 500 } }");
        try {
            for (int from = 1; from <= 3; from++) {
                for (int to = 1; to <= 3; to++) {
                    if (from != to) {
                        cluster.awaitAsk(from, "node" + to + ":recorder-2", "{\"task\":\"stats\"}");
                    }
                }
            }
        } catch (final AssertionError e) {
            // A failure here is not a test's, so the extension above does not show the nodes: show all of them,
            // since the node that could not reach another says little about why.
            throw new AssertionError(e.getMessage() + "\n---- every node's output ----\n" + cluster.dump(), e);
        }
    }

    @AfterAll
    void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void shouldDeliverOneHundredThousandMessagesFromNode1ToNode2ExactlyOnceInOrder() throws Exception {
        final int count = 100_000;
        cluster.ask200(1, "sender-1", send("node2:recorder-1", count));

        final JsonObject stats = cluster.awaitStats(2, "recorder-1", "all " + count + " messages at node2",
            s -> s.get("received").getAsLong() >= count);

        final JsonObject pair = stats.getAsJsonObject("senders").getAsJsonObject("node1:sender-1");
        final String seen = LoadCluster.withoutHistograms(stats);
        assertEquals(count, pair.get("received").getAsLong(), seen);
        assertEquals(1, pair.get("first").getAsLong(), seen);
        assertEquals(count, pair.get("last").getAsLong(), seen);
        assertEquals(0, pair.get("duplicates").getAsLong(), seen);
        assertEquals(0, pair.get("gaps").getAsLong(), seen);
        assertEquals(0, pair.get("outOfOrder").getAsLong(), seen);
        final JsonObject sender = cluster.ask200(1, "sender-1", "{\"task\":\"stats\"}");
        assertEquals(count, sender.get("sent").getAsLong());
        assertEquals(0, sender.getAsJsonObject("deadLetters").size(), LoadCluster.withoutHistograms(sender));
    }

    @Test
    @Order(2)
    void shouldKeepEveryPairExactlyOnceInOrderWhenAllSixPairsSendAtOnce() throws Exception {
        final int count = 20_000;
        final List<String> streams = new ArrayList<>();
        for (int from = 1; from <= 3; from++) {
            // sender-1 to the next node, sender-2 to the one after: each recorder-2 hears two senders.
            final int next = from % 3 + 1;
            final int after = next % 3 + 1;
            cluster.ask200(from, "sender-1", send("node" + next + ":recorder-2", count));
            cluster.ask200(from, "sender-2", send("node" + after + ":recorder-2", count));
            streams.add("node" + from + ":sender-1");
            streams.add("node" + from + ":sender-2");
        }

        for (int node = 1; node <= 3; node++) {
            final JsonObject stats = cluster.awaitStats(node, "recorder-2", "both streams at node" + node,
                s -> s.get("received").getAsLong() >= 2L * count);
            final String seen = LoadCluster.withoutHistograms(stats);
            assertEquals(2, stats.getAsJsonObject("senders").size(), seen);
            for (final String stream : stats.getAsJsonObject("senders").keySet()) {
                final JsonObject pair = stats.getAsJsonObject("senders").getAsJsonObject(stream);
                assertEquals(true, streams.remove(stream), "an unexpected or repeated stream " + stream);
                assertEquals(count, pair.get("received").getAsLong(), seen);
                assertEquals(1, pair.get("first").getAsLong(), seen);
                assertEquals(count, pair.get("last").getAsLong(), seen);
                assertEquals(0, pair.get("duplicates").getAsLong() + pair.get("gaps").getAsLong()
                    + pair.get("outOfOrder").getAsLong(), seen);
            }
        }
        assertEquals(List.of(), streams, "every stream was heard");
    }

    private static String send(final String to, final int count) {
        return "{\"task\":\"send\",\"to\":\"" + to + "\",\"count\":" + count + ",\"window\":" + WINDOW + "}";
    }
}
