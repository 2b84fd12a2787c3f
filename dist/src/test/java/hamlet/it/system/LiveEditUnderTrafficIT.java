package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, item 7: live edits of the transport's keys keep the links, their outboxes and windows, and the node's
 * uid. A sender on node1 streams numbered messages to a recorder on node2 (node1 dials node2) while node1's
 * conf/node.conf is edited live, one key at a time, each edit waited for until GET /api/config shows it applied and
 * messages went on arriving after it: the seeds (written host:port, one more added), the cluster name (on both
 * nodes, one after the other: on one side only it would split the cluster), max-frame, max-envelope, dedup-window,
 * retry-max, heartbeat-interval, and last node1's own port (the listener moves; the link, dialed by node1, stays).
 * Then the sender stops, and the recorder must have seen every message exactly once and in order, node1 must have
 * no dead letter, and node1's uid, as node2 sees it, must be the one it had before the edits.
 */
class LiveEditUnderTrafficIT {
    private static final String PAIR = "node1:sender-1";

    private final List<EditableNode> nodes = new ArrayList<>();

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure =
        NodeOutputOnFailure.named(() -> nodes, EditableNode::id, EditableNode::dump);

    @AfterEach
    void stop() {
        nodes.forEach(EditableNode::close);
    }

    @Test
    void shouldDeliverEveryMessageOnceInOrderAndKeepTheUidThroughALiveEditOfEachTransportKey() throws Exception {
        final long started = System.nanoTime();
        final Path root = Files.createTempDirectory("hamlet-live-edit-");
        final int port1 = NodeProcess.freePort();
        final int port2 = NodeProcess.freePort();
        final EditableNode node1 = new EditableNode(root, "node1", "127.0.0.1", port1, true)
            .set("hamlet.cluster.name", EditableNode.json("hamlet"))
            .set("hamlet.cluster.seeds", "[" + EditableNode.json("ws://127.0.0.1:" + port2 + "/hamlet") + "]")
            .set("hamlet.transport.max-frame", EditableNode.json("4MiB"))
            .set("hamlet.transport.max-envelope", EditableNode.json("1MiB"))
            .set("hamlet.transport.dedup-window", "131072")
            .set("hamlet.transport.retry-max", "3")
            .set("hamlet.transport.heartbeat-interval", EditableNode.json("500ms"))
            .actors("  sender { behavior = sender, instances = 1 }\n  echo { behavior = echo }");
        final EditableNode node2 = new EditableNode(root, "node2", "127.0.0.1", port2, true)
            .set("hamlet.cluster.name", EditableNode.json("hamlet"))
            .actors("  recorder { behavior = recorder, instances = 1, config { ackEvery = 500 } }\n"
                + "  echo { behavior = echo }");
        nodes.add(node1);
        nodes.add(node2);
        node1.start();
        node2.start();
        node1.awaitActors("sender-1", "echo");
        node2.awaitActors("recorder-1", "echo");
        final NodeProcess n1 = node1.process();
        final NodeProcess n2 = node2.process();
        n1.await("node1 and node2 linked", () -> up(n1, "node2") && up(n2, "node1"), () -> "not yet");
        final String uid1 = EditableNode.peer(n2, "node1").get("uid").getAsString();
        final String uid2 = EditableNode.peer(n1, "node2").get("uid").getAsString();
        final long deadLettersBefore = n1.get("/api/node").at("deadLetters").getAsLong();

        EditableNode.ask200(n1, "sender-1", "{\"task\":\"send\",\"to\":\"node2:recorder-1\",\"count\":10000000,"
            + "\"rate\":3000,\"window\":3000}");
        awaitMoreReceived(n2, 0, "the stream flows before the edits");

        final int unusedPort = NodeProcess.freePort();
        edit(node1, n2, "hamlet.cluster.seeds", "[" + EditableNode.json("127.0.0.1:" + port2) + ", "
            + EditableNode.json("127.0.0.1:" + unusedPort) + "]");
        edit(node1, n2, "hamlet.cluster.name", EditableNode.json("hamlet-edited"));
        edit(node2, n2, "hamlet.cluster.name", EditableNode.json("hamlet-edited"));
        edit(node1, n2, "hamlet.transport.max-frame", EditableNode.json("8MiB"));
        edit(node1, n2, "hamlet.transport.max-envelope", EditableNode.json("2MiB"));
        edit(node1, n2, "hamlet.transport.dedup-window", "262144");
        edit(node1, n2, "hamlet.transport.retry-max", "5");
        edit(node1, n2, "hamlet.transport.heartbeat-interval", EditableNode.json("300ms"));
        final int newPort1 = NodeProcess.freePort();
        edit(node1, n2, "hamlet.node.port", Integer.toString(newPort1));
        n1.await("node1 listens on its new port " + newPort1, () -> accepts(newPort1), () -> "refused");
        n1.await("node1 released its old port " + port1, () -> !accepts(port1), () -> "still accepting");
        assertTrue(up(n1, "node2") && up(n2, "node1"), "the link node1 dialed survived the listener's move");
        final NodeProcess.Reply back = EditableNode.ask(n2, "node1:echo", "\"after the edits\"", 5000);
        assertEquals(200, back.status(), "node2 reaches node1 after the port edit: " + back.body());
        awaitMoreReceived(n2, received(n2), "the stream flows after the port edit");

        final JsonObject sender = EditableNode.ask200(n1, "sender-1", "{\"task\":\"stop\"}");
        final long sent = sender.get("sent").getAsLong();
        assertTrue(sent > 0, LoadCluster.withoutHistograms(sender));
        final JsonObject[] stats = new JsonObject[1];
        n2.await("all " + sent + " messages at node2's recorder", () -> {
            try {
                stats[0] = EditableNode.ask200(n2, "recorder-1", "{\"task\":\"stats\"}");
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            final JsonObject pair = stats[0].getAsJsonObject("senders").getAsJsonObject(PAIR);
            return pair != null && pair.get("last").getAsLong() >= sent && pair.get("received").getAsLong() >= sent;
        }, () -> stats[0] == null ? "no stats" : LoadCluster.withoutHistograms(stats[0]));
        final String seen = "sender: " + LoadCluster.withoutHistograms(sender) + "\nrecorder: "
            + LoadCluster.withoutHistograms(stats[0]) + "\nnode1 transport: " + n1.get("/api/transport").body()
            + "\nnode2 transport: " + n2.get("/api/transport").body();
        final JsonObject pair = stats[0].getAsJsonObject("senders").getAsJsonObject(PAIR);
        assertEquals(1, pair.get("first").getAsLong(), seen);
        assertEquals(sent, pair.get("last").getAsLong(), seen);
        assertEquals(sent, pair.get("received").getAsLong(), "every message exactly once: " + seen);
        assertEquals(0, pair.get("duplicates").getAsLong(), seen);
        assertEquals(0, pair.get("gaps").getAsLong(), seen);
        assertEquals(0, pair.get("outOfOrder").getAsLong(), seen);
        assertEquals(0, sender.getAsJsonObject("deadLetters").size(), "no dead letter came back: " + seen);
        assertEquals(deadLettersBefore, n1.get("/api/node").at("deadLetters").getAsLong(),
            "no dead letter on node1: " + n1.get("/api/deadletters").body());
        assertEquals(uid1, EditableNode.peer(n2, "node1").get("uid").getAsString(),
            "node1 kept its uid through the edits (node2's view): " + seen);
        assertEquals(uid2, EditableNode.peer(n1, "node2").get("uid").getAsString(),
            "node2 kept its uid through its cluster-name edit (node1's view): " + seen);
        System.out.println("LiveEditUnderTrafficIT: " + sent + " messages through 9 live edits, exactly once in"
            + " order; uid " + uid1 + " kept; " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
            + " ms; " + seen.replace('\n', ' '));
    }

    /** One live edit, waited for until applied, and until more messages reached node2 after it. */
    private static void edit(final EditableNode node, final NodeProcess receiver, final String key,
                             final String jsonValue) throws IOException, InterruptedException {
        final long before = received(receiver);
        node.edit(key, jsonValue);
        awaitMoreReceived(receiver, before, "the stream flows after " + node.id() + "'s edit of " + key);
    }

    /** What node2's transport received from node1 so far. */
    private static long received(final NodeProcess node2) throws IOException, InterruptedException {
        final JsonObject peer = EditableNode.peer(node2, "node1");
        assertNotNull(peer, "node2 knows node1");
        return peer.get("received").getAsLong();
    }

    private static void awaitMoreReceived(final NodeProcess node2, final long than, final String what)
        throws InterruptedException {
        final long[] last = {-1};
        node2.await(what, () -> {
            try {
                last[0] = received(node2);
                return last[0] > than + 1000;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> "node2 received " + last[0] + " from node1, waiting for more than " + (than + 1000));
    }

    private static boolean up(final NodeProcess node, final String peer) {
        try {
            return EditableNode.up(node, peer);
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(final int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (final IOException refused) {
            return false;
        }
    }
}
