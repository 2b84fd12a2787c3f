package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Trace ids across three real nodes (issue 11 item 4): an ask from node1 to a job-router on node2, which hands the
 * job to a listed worker on node3 that does not exist. The dead letter on node3 shows the trace id of node1's ask
 * (the router's fan-out inherited it), and {@code GET /api/trace/{id}} on each node shows the hops of all three:
 * sent on node1, delivered and sent on to node3 on node2, dead-lettered on node3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceIT {
    private static final int NODES = 3;

    private final LoopbackCluster cluster = new LoopbackCluster("trace", NODES);

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.numbered(cluster::nodes);

    @BeforeAll
    void startNodes() throws IOException, InterruptedException {
        cluster.start();
    }

    @AfterAll
    void stopNodes() {
        cluster.close();
    }

    @Test
    void shouldShowTheHopsOfOneAskOnEveryNodeItCrossedAndItsIdInTheDeadLetter() throws Exception {
        final NodeProcess.Reply spawned = node(2).post("/api/actors", "{\"behavior\":\"job-router\","
            + "\"name\":\"trace-router\",\"config\":{\"group\":\"nobody\",\"workers\":[\"node3:ghost\"]}}");
        assertEquals(201, spawned.status(), spawned.body());

        // Until node1 has its link to node2 the ask is refused; then the job goes on to node3, where no ghost is.
        node(1).await("an answer from node2:trace-router", () -> {
            try {
                return node(1).post("/api/ask", "{\"to\":\"node2:trace-router\",\"body\":{\"task\":\"fib\","
                    + "\"n\":5},\"timeoutMs\":3000}").status() == 200;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> "no answer");
        final NodeProcess.Reply letters = node(3).awaitGet("/api/deadletters", "the job's dead letter on node3",
            r -> r.status() == 200 && r.body().contains("node3:ghost"));
        String traceId = null;
        for (final JsonElement letter : letters.at("recent").getAsJsonArray()) {
            if ("node3:ghost".equals(letter.getAsJsonObject().get("to").getAsString())) {
                traceId = letter.getAsJsonObject().get("trace").getAsString();
            }
        }
        assertTrue(traceId != null && traceId.matches("[0-9a-f]{16}"), "the dead letter's trace: " + letters.body());

        for (int n = 1; n <= NODES; n++) {
            final String id = traceId;
            final NodeProcess.Reply trace = node(n).awaitGet("/api/trace/" + id, "the hops on all three nodes",
                r -> r.status() == 200 && nodesOf(r).size() == NODES);
            final JsonArray hops = trace.at("hops").getAsJsonArray();
            assertTrue(has(hops, "node1", "sent", "node2:trace-router"), trace.body());
            assertTrue(has(hops, "node2", "delivered", "node2:trace-router"), trace.body());
            assertTrue(has(hops, "node2", "sent", "node3:ghost"), trace.body());
            assertTrue(has(hops, "node3", "dead-letter", "node3:ghost"), trace.body());
            long last = Long.MIN_VALUE;
            for (final JsonElement hop : hops) {
                final long at = hop.getAsJsonObject().get("epochMicros").getAsLong();
                assertTrue(at >= last, "sorted by time: " + trace.body());
                last = at;
            }
        }
        assertEquals(400, node(1).get("/api/trace/not-a-trace").status());
        final NodeProcess.Reply none = node(1).get("/api/trace/0000000000000001");
        assertEquals(200, none.status(), none.body());
        assertEquals(0, none.at("hops").getAsJsonArray().size(), none.body());
    }

    private static Set<String> nodesOf(final NodeProcess.Reply reply) {
        final Set<String> seen = new TreeSet<>();
        for (final JsonElement hop : reply.at("hops").getAsJsonArray()) {
            seen.add(hop.getAsJsonObject().get("node").getAsString());
        }
        return seen;
    }

    private static boolean has(final JsonArray hops, final String node, final String event, final String to) {
        for (final JsonElement element : hops) {
            final JsonObject hop = element.getAsJsonObject();
            if (node.equals(hop.get("node").getAsString()) && event.equals(hop.get("event").getAsString())
                && to.equals(hop.get("to").getAsString())) {
                return true;
            }
        }
        return false;
    }

    private NodeProcess node(final int number) {
        return cluster.node(number);
    }
}
