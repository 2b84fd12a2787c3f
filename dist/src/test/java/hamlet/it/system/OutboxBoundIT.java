package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, item 6: the outbox for a peer that is away is bounded in bytes. node1 has
 * {@code hamlet.transport.outbox-max-bytes = 4MiB} and {@code node-outbox-max-bytes = 8MiB}; node2 is linked, then
 * killed. Messages of 512 KiB for node2's actors go in through POST /api/send, one at a time, each until node1 either
 * queued it (node2's outbox grew) or refused it (a dead letter), until refused, and a few more. The outbox then
 * holds at most 4 MiB ({@code outbox.bytes} in GET /api/transport), the overflow became NO_TRANSPORT dead letters
 * whose detail names outbox-max-bytes, and the dead-letter counters of GET /api/node counted them. GET /api/node shows
 * no heap figure, so the heap itself is not checked here. Then node2 starts again, and what was queued reaches it.
 */
class OutboxBoundIT {
    private static final int BODY_CHARS = 512 * 1024;
    private static final long PEER_CAP = 4L * 1024 * 1024;
    private static final long NODE_CAP = 8L * 1024 * 1024;
    /** Sends after the first refusal: each must be refused too. */
    private static final int MORE = 3;

    private final List<EditableNode> nodes = new ArrayList<>();

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure =
        NodeOutputOnFailure.named(() -> nodes, EditableNode::id, EditableNode::dump);

    @AfterEach
    void stop() {
        nodes.forEach(EditableNode::close);
    }

    @Test
    void shouldBoundTheOutboxOfAnAbsentPeerInBytesDeadLetterTheOverflowAndDeliverTheRestWhenItReturns()
        throws Exception {
        final long started = System.nanoTime();
        final Path root = Files.createTempDirectory("hamlet-outbox-");
        final int port2 = NodeProcess.freePort();
        final EditableNode node1 = new EditableNode(root, "node1", "127.0.0.1", NodeProcess.freePort(), false)
            .set("hamlet.cluster.seeds", "[" + EditableNode.json("127.0.0.1:" + port2) + "]")
            .set("hamlet.transport.outbox-max-bytes", EditableNode.json("4MiB"))
            .set("hamlet.transport.node-outbox-max-bytes", EditableNode.json("8MiB"))
            // node2's restart must not outlast what waits for it.
            .set("hamlet.transport.buffer-max-age", EditableNode.json("2m"));
        final EditableNode node2 = new EditableNode(root, "node2", "127.0.0.1", port2, false)
            .actors("  sink { behavior = echo, instances = 2 }");
        nodes.add(node1);
        nodes.add(node2);
        node1.start();
        node2.start();
        node2.awaitActors("sink-1", "sink-2");
        final NodeProcess n1 = node1.process();
        n1.await("node1 linked to node2", () -> EditableNode.isUp(n1, "node2"), () -> "not yet");
        final String firstUid = EditableNode.peer(n1, "node2").get("uid").getAsString();

        node2.kill();
        n1.await("node1 sees node2 gone", () -> !EditableNode.isUp(n1, "node2"), () -> "still UP");

        final String body = "x".repeat(BODY_CHARS);
        final long noTransportBefore = EditableNode.nodeCounter(n1, "dead-letters.NO_TRANSPORT");
        final long totalBefore = EditableNode.nodeCounter(n1, "dead-letters.total");
        int queued = 0;
        int refused = 0;
        for (int i = 1; refused <= MORE && i <= 100; i++) {
            final int outboxBefore = outbox(n1);
            final long lettersBefore = EditableNode.nodeCounter(n1, "dead-letters.NO_TRANSPORT");
            final JsonObject send = new JsonObject();
            send.addProperty("to", "node2:sink-" + (1 + i % 2));
            send.addProperty("body", body);
            final NodeProcess.Reply r = n1.post("/api/send", send.toString());
            assertEquals(202, r.status(), "send " + i + ": " + r.body());
            final boolean[] wasRefused = new boolean[1];
            final int n = i;
            n1.await("send " + i + " queued for node2 or refused", () -> {
                try {
                    if (EditableNode.nodeCounter(n1, "dead-letters.NO_TRANSPORT") > lettersBefore) {
                        wasRefused[0] = true;
                        return true;
                    }
                    return outbox(n1) > outboxBefore;
                } catch (final IOException e) {
                    return false;
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, () -> "message " + n);
            if (wasRefused[0]) {
                refused++;
            } else {
                assertEquals(0, refused, "once refused, a message of the same size is refused again");
                queued++;
            }
        }
        final JsonObject transport = n1.get("/api/transport").json().getAsJsonObject();
        final long outboxBytes = transport.getAsJsonObject("counters").get("outbox.bytes").getAsLong();
        final String seen = "queued " + queued + ", refused " + refused + "; node1's transport: "
            + transport.toString();
        assertTrue(queued >= 1, "some messages were queued for node2: " + seen);
        assertTrue(refused == MORE + 1, "sends over the bound were refused: " + seen);
        assertTrue(outboxBytes <= PEER_CAP, "node2's outbox holds at most outbox-max-bytes: " + seen);
        assertTrue(outboxBytes <= NODE_CAP, "all outboxes hold at most node-outbox-max-bytes: " + seen);
        assertTrue(outboxBytes >= (long) queued * BODY_CHARS, "what was queued is counted in bytes: " + seen);
        assertTrue((long) (queued + 1) * BODY_CHARS > PEER_CAP - 64 * 1024,
            "refused only near the bound, not before: " + seen);
        assertEquals(queued, outbox(n1), "node2's outbox holds what was queued: " + seen);

        final JsonObject letters = n1.get("/api/deadletters").json().getAsJsonObject();
        int named = 0;
        for (final JsonElement e : letters.getAsJsonArray("recent")) {
            final JsonObject letter = e.getAsJsonObject();
            if (letter.get("to").getAsString().startsWith("node2:sink-")) {
                assertEquals("NO_TRANSPORT", letter.get("reason").getAsString(), letter.get("detail").toString());
                assertTrue(letter.get("detail").getAsString().contains("outbox-max-bytes"),
                    "the dead letter names outbox-max-bytes: " + letter.get("detail"));
                named++;
            }
        }
        assertEquals(refused, named, "one dead letter per refused message: " + withoutBodies(letters));
        assertEquals(noTransportBefore + refused, EditableNode.nodeCounter(n1, "dead-letters.NO_TRANSPORT"),
            "dead-letters.NO_TRANSPORT counted them");
        assertEquals(totalBefore + refused, EditableNode.nodeCounter(n1, "dead-letters.total"),
            "dead-letters.total counted them");

        node2.start();
        final NodeProcess n2 = node2.process();
        node2.awaitActors("sink-1", "sink-2");
        n1.await("node1 linked to node2's new run", () -> EditableNode.isUp(n1, "node2")
            && !firstUid.equals(uid(n1)), () -> "not yet");
        final int expected = queued;
        final int[] arrived = new int[3];
        n1.await("the " + queued + " queued messages reach node2 and node1's outbox empties", () -> {
            try {
                arrived[0] = processed(n2);
                arrived[1] = unknownActorLetters(n2);
                arrived[2] = outbox(n1);
                return arrived[0] + arrived[1] >= expected && arrived[2] == 0;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> "handled by node2's sinks " + arrived[0] + ", arrived before they were spawned " + arrived[1]
            + ", node1's outbox " + arrived[2]);
        assertEquals(queued, arrived[0] + arrived[1], "each queued message arrived once");
        assertEquals(0, EditableNode.transportCounter(n1, "outbox.bytes"), "the outbox is empty once acknowledged");
        assertEquals(totalBefore + refused, EditableNode.nodeCounter(n1, "dead-letters.total"),
            "nothing queued was given up");
        assertNotEquals(firstUid, uid(n1), "node2's second run has a new uid");
        System.out.println("OutboxBoundIT: " + queued + " messages of 512 KiB queued (outbox.bytes " + outboxBytes
            + "), " + refused + " refused as NO_TRANSPORT naming outbox-max-bytes; after node2's restart "
            + arrived[0] + " handled, " + arrived[1] + " arrived before the sinks were spawned (UNKNOWN_ACTOR); "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
    }

    private static String uid(final NodeProcess node1) {
        try {
            final JsonObject p = EditableNode.peer(node1, "node2");
            return p == null || p.get("uid").isJsonNull() ? null : p.get("uid").getAsString();
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** node1's outbox for node2, in envelopes. */
    private static int outbox(final NodeProcess node1) throws IOException, InterruptedException {
        final JsonObject p = EditableNode.peer(node1, "node2");
        if (p == null) {
            throw new AssertionError("node1 forgot node2: " + node1.get("/api/transport").body());
        }
        return p.get("outbox").getAsInt();
    }

    /** Messages node2's sinks handled. */
    private static int processed(final NodeProcess node2) throws IOException, InterruptedException {
        int sum = 0;
        for (final JsonElement e : node2.get("/api/actors").json().getAsJsonArray()) {
            final JsonObject actor = e.getAsJsonObject();
            if (actor.get("name").getAsString().startsWith("sink-")) {
                sum += actor.get("processed").getAsInt();
            }
        }
        return sum;
    }

    /** Messages for the sinks that reached node2 before they were spawned. */
    private static int unknownActorLetters(final NodeProcess node2) throws IOException, InterruptedException {
        int n = 0;
        for (final JsonElement e : node2.get("/api/deadletters").at("recent").getAsJsonArray()) {
            final JsonObject letter = e.getAsJsonObject();
            if ("UNKNOWN_ACTOR".equals(letter.get("reason").getAsString())
                && letter.get("to").getAsString().contains("sink-")) {
                n++;
            }
        }
        return n;
    }

    private static String withoutBodies(final JsonObject letters) {
        final JsonObject copy = letters.deepCopy();
        for (final JsonElement e : copy.getAsJsonArray("recent")) {
            e.getAsJsonObject().remove("body");
        }
        return copy.toString();
    }
}
