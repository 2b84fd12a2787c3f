package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.google.gson.JsonElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three real nodes on loopback, linked by the transport (node1 dials node2 and node3, node2 dials node3), driven
 * through node1's admin API: remote asks, a DeadLetter from a remote unknown actor, and the job flow of the demo
 * (a job-router on node1 handing jobs to workers on node2 and node3).
 *
 * <p>Last, a raw WebSocket client breaks the wire protocol against node1's transport port in several ways: each
 * time that one connection is closed with a reason, and node1 goes on serving its real peers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final int NODES = 3;

    private final LoopbackCluster cluster = new LoopbackCluster("cluster", NODES);

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.numbered(cluster::nodes);

    @BeforeAll
    void startNodes() throws IOException, InterruptedException {
        cluster.start();
        for (final NodeProcess node : cluster.nodes()) {
            node.awaitGet("/api/node", "the node's API with the example behaviours", r -> r.status() == 200
                && r.at("behaviors") != null && r.at("behaviors").toString().contains("job-router"));
        }
    }

    @AfterAll
    void stopNodes() {
        cluster.close();
    }

    @Test
    @Order(1)
    void shouldAnswerAnAskOfAnActorOnAnotherNode() throws Exception {
        spawn(2, "{\"behavior\":\"echo\",\"name\":\"echo\"}");
        spawn(3, "{\"behavior\":\"echo\",\"name\":\"echo\"}");

        for (final String target : List.of("node2:echo", "node3:echo")) {
            final NodeProcess.Reply reply = awaitAsk(target, "\"hello " + target + "\"");
            assertEquals("hello " + target, reply.at("reply").getAsString());
        }
        final NodeProcess.Reply json = node(1).post("/api/ask",
            "{\"to\":\"node2:echo\",\"body\":{\"n\":[1,2,3]}}");
        assertEquals(200, json.status(), json.body());
        assertEquals("{\"n\":[1,2,3]}", json.at("reply").toString(), "a JSON body crosses as JSON");
    }

    @Test
    @Order(2)
    void shouldGiveTheSenderADeadLetterFromTheOtherNodeForAnUnknownActor() throws Exception {
        final NodeProcess.Reply reply = node(1).post("/api/ask", "{\"to\":\"node2:nobody\",\"body\":\"hello?\"}");

        assertEquals(404, reply.status(), reply.body());
        assertEquals("UNKNOWN_ACTOR", reply.at("deadLetter", "reason").getAsString(), reply.body());
        assertTrue(reply.at("deadLetter", "detail").getAsString().contains("node2"), reply.body());
        node(2).awaitGet("/api/deadletters", "the dead letter kept on node2",
            r -> r.status() == 200 && r.body().contains("node2:nobody"));
    }

    @Test
    @Order(3)
    void shouldRouteJobsFromNode1ToWorkersOnNode2AndNode3AndBringEveryResultBack() throws Exception {
        final List<String> workers = new ArrayList<>();
        for (int w = 1; w <= 2; w++) {
            spawn(2, "{\"behavior\":\"worker\",\"name\":\"worker-a-" + w + "\"}");
            spawn(3, "{\"behavior\":\"worker\",\"name\":\"worker-b-" + w + "\"}");
            workers.add("\"node2:worker-a-" + w + "\"");
            workers.add("\"node3:worker-b-" + w + "\"");
        }
        spawn(1, "{\"behavior\":\"job-router\",\"name\":\"job-router\",\"config\":{\"workers\":" + workers + "}}");

        final Map<String, Integer> perWorker = new TreeMap<>();
        final int jobs = 40;
        for (int i = 1; i <= jobs; i++) {
            final NodeProcess.Reply reply = node(1).post("/api/ask",
                "{\"to\":\"job-router\",\"body\":{\"task\":\"fib\",\"n\":" + (10 + i) + ",\"id\":" + i + "}}");
            assertEquals(200, reply.status(), reply.body());
            final JsonElement result = reply.at("reply");
            assertEquals(i, result.getAsJsonObject().get("id").getAsInt(), reply.body());
            perWorker.merge(result.getAsJsonObject().get("worker").getAsString(), 1, Integer::sum);
        }

        assertEquals(4, perWorker.size(), "every worker took jobs: " + perWorker);
        assertEquals(jobs, perWorker.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    @Order(4)
    void shouldCloseOnlyTheConnectionThatBreaksTheProtocolAndGoOnServingPeers() throws Exception {
        final URI transport = URI.create("ws://127.0.0.1:" + cluster.transportPort(1) + "/hamlet");
        final long dialsBefore = node(1).get("/api/transport").at("counters", "dials").getAsLong();
        final byte[] noise = new byte[256];
        new Random(7).nextBytes(noise);

        assertClosedWithPolicyViolation(transport, ws -> ws.sendBinary(ByteBuffer.wrap(noise), true));
        assertClosedWithPolicyViolation(transport, ws -> ws.sendText("{\"hello\": \"there\"}", true));
        // The right magic and version (2), then a data frame where the handshake must come first.
        assertClosedWithPolicyViolation(transport,
            ws -> ws.sendBinary(ByteBuffer.wrap(new byte[] {0x48, 0x4D, 2, 2, 0, 0, 0, 0}), true));
        // The previous protocol version, 1: refused, not decoded.
        assertClosedWithPolicyViolation(transport,
            ws -> ws.sendBinary(ByteBuffer.wrap(new byte[] {0x48, 0x4D, 1, 1, 0, 0, 0, 0}), true));
        // A well-formed header on a frame over hamlet.transport.max-frame (4 MiB by default): "message too big".
        final ByteBuffer huge = ByteBuffer.allocate(5 * 1024 * 1024).put(new byte[] {0x48, 0x4D, 2, 1}).rewind();
        final Closed oversize = closedAfter(transport, ws -> ws.sendBinary(huge, true));
        assertEquals(1009, oversize.code(), oversize.toString());

        assertEquals(200, node(1).get("/api/node").status(), "node1 goes on");
        final NodeProcess.Reply reply = awaitAsk("node2:echo", "\"still linked\"");
        assertEquals("still linked", reply.at("reply").getAsString(), "node1 still serves its peers");
        // And its links never dropped: node1 dials node2 and node3, and would have dialed again after a drop.
        final NodeProcess.Reply links = node(1).get("/api/transport");
        assertEquals(dialsBefore, links.at("counters", "dials").getAsLong(), links.body());
        for (final JsonElement peer : links.at("peers").getAsJsonArray()) {
            assertEquals("UP", peer.getAsJsonObject().get("state").getAsString(), links.body());
        }
    }

    /** What the node said when it closed the raw connection. */
    private record Closed(int code, String reason) {
    }

    private static void assertClosedWithPolicyViolation(final URI transport, final Consumer<WebSocket> misbehave)
        throws Exception {
        final Closed closed = closedAfter(transport, misbehave);
        assertEquals(1008, closed.code(), closed.toString());
        assertTrue(!closed.reason().isBlank(), "a close gives its reason: " + closed);
    }

    private static Closed closedAfter(final URI transport, final Consumer<WebSocket> misbehave) throws Exception {
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        final WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(transport, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(final WebSocket socket, final int code, final String reason) {
                    closed.complete(new Closed(code, reason));
                    return null;
                }

                @Override
                public void onError(final WebSocket socket, final Throwable error) {
                    closed.complete(new Closed(1006, String.valueOf(error)));
                }
            }).get(10, TimeUnit.SECONDS);
        misbehave.accept(ws);
        try {
            return closed.get(20, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }

    private NodeProcess node(final int number) {
        return cluster.node(number);
    }

    private void spawn(final int number, final String body) throws IOException, InterruptedException {
        final NodeProcess.Reply reply = node(number).post("/api/actors", body);
        assertEquals(201, reply.status(), reply.body());
    }

    /** Asks from node1 until the link to the target's node is up (until then the transport knows no such node). */
    private NodeProcess.Reply awaitAsk(final String to, final String body) throws InterruptedException {
        final NodeProcess.Reply[] last = new NodeProcess.Reply[1];
        node(1).await("an answer from " + to, () -> {
            try {
                last[0] = node(1).post("/api/ask", "{\"to\":\"" + to + "\",\"body\":" + body
                    + ",\"timeoutMs\":2000}");
                return last[0].status() == 200;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> last[0] == null ? "no answer" : last[0].status() + " " + last[0].body());
        return last[0];
    }
}
