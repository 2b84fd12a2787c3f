package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7, item 1: no deadlock on the receive path when both nodes redial at once while a resend burst lands in
 * full mailboxes whose senders are remote.
 *
 * <p>Two nodes dial each other (each lists the other as a seed), and every byte between them crosses a
 * {@link LinkProxy}, one per direction, so that the test can cut the link from both sides at once. The nodes
 * address each other by name ({@code node1.hamlet.test}, {@code node2.hamlet.test}); each node's JVM resolves its
 * own name to 127.0.0.1, where it listens, and the other's name to the proxy in front of it (a hosts file of its
 * own, {@code -Djdk.net.hosts.file}), so that the URL a node advertises in its handshake leads through the proxy
 * too: no connection between them can bypass the cut.
 *
 * <p>Traffic: two senders on node1 send numbered messages (10,000/s in all) to two recorders on node2, whose
 * mailboxes hold 4 messages, so that nearly every message comes back to its remote sender as a MAILBOX_FULL dead
 * letter. While it flows the test cuts every proxied connection at once, holds the new connections at the proxies
 * until both nodes have redialed, lets them go on together (the handshakes cross, the one-link rule picks one), and
 * waits until both nodes log the link up again and the resend burst met full mailboxes, 20 times. After: the link is
 * up, remote asks work both ways, and neither JVM reports a Java-level deadlock.
 */
class RedialUnderBurstIT {
    private static final int CUTS = 20;
    /** Per round: a link that does not come back within this is a failure (a deadlocked node never redials). */
    private static final long ROUND_DEADLINE_MS = 20_000;
    private static final Pattern LINK_UP = Pattern.compile("\\] link to (node[12]) up \\(");

    private final List<EditableNode> nodes = new ArrayList<>();
    private final List<LinkProxy> proxies = new ArrayList<>();

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure =
        NodeOutputOnFailure.named(() -> nodes, EditableNode::id, EditableNode::dump)
        .withLinesFirst(() -> proxies);

    @AfterEach
    void stop() {
        proxies.forEach(LinkProxy::close);
        nodes.forEach(EditableNode::close);
    }

    @Test
    void shouldComeBackTwentyTimesWhenBothSidesRedialAtOnceIntoFullMailboxesOfRemoteSenders() throws Exception {
        final long started = System.nanoTime();
        final Path root = Files.createTempDirectory("hamlet-redial-");
        final int port1 = NodeProcess.freePort();
        final int port2 = NodeProcess.freePort();
        // node2 -> node1 crosses proxy b (127.0.0.2), node1 -> node2 crosses proxy a (127.0.0.3).
        final LinkProxy toNode1 = LinkProxy.start("to-node1", new InetSocketAddress("127.0.0.2", port1),
            new InetSocketAddress("127.0.0.1", port1));
        proxies.add(toNode1);
        final LinkProxy toNode2 = LinkProxy.start("to-node2", new InetSocketAddress("127.0.0.3", port2),
            new InetSocketAddress("127.0.0.1", port2));
        proxies.add(toNode2);

        final EditableNode node1 = new EditableNode(root, "node1", "node1.hamlet.test", port1, true)
            .set("hamlet.cluster.seeds", "[" + EditableNode.json("node2.hamlet.test:" + port2) + "]")
            .actors("  sender { behavior = sender, instances = 2 }\n  echo { behavior = echo }");
        node1.env("HAMLET_JAVA_OPTS", "-Djdk.net.hosts.file=" + hostsFile(root, "node1", "127.0.0.1", "127.0.0.3"));
        final EditableNode node2 = new EditableNode(root, "node2", "node2.hamlet.test", port2, true)
            .set("hamlet.cluster.seeds", "[" + EditableNode.json("node1.hamlet.test:" + port1) + "]")
            .set("hamlet.registry.mailbox.capacity", "4")
            .actors("  recorder { behavior = recorder, instances = 2, config { ackEvery = 500 } }\n"
                + "  echo { behavior = echo }");
        node2.env("HAMLET_JAVA_OPTS", "-Djdk.net.hosts.file=" + hostsFile(root, "node2", "127.0.0.2", "127.0.0.1"));
        nodes.add(node1);
        nodes.add(node2);
        node1.start();
        node2.start();
        node1.awaitActors("sender-1", "sender-2", "echo");
        node2.awaitActors("recorder-1", "recorder-2", "echo");
        final NodeProcess n1 = node1.process();
        final NodeProcess n2 = node2.process();
        awaitRound("the first link between node1 and node2",
            () -> EditableNode.isUp(n1, "node2") && EditableNode.isUp(n2, "node1"));
        assertTrue(toNode1.openConnections() + toNode2.openConnections() >= 1,
            "the link crosses a proxy: " + toNode1 + ", " + toNode2);

        for (int s = 1; s <= 2; s++) {
            EditableNode.ask200(n1, "sender-" + s, "{\"task\":\"send\",\"to\":\"node2:recorder-" + s
                + "\",\"count\":0,\"durationMs\":300000,\"rate\":5000,\"window\":2000}");
        }
        // The burst is real: messages come back to their remote senders as MAILBOX_FULL.
        awaitRound("MAILBOX_FULL dead letters at node2 before the first cut",
            () -> EditableNode.nodeCounter(n2, "dead-letters.MAILBOX_FULL") > 1000);

        int bothDialed = 0;
        long settleMs = 0;
        for (int round = 1; round <= CUTS; round++) {
            final long upAt1 = linkUps(n1, "node2");
            final long upAt2 = linkUps(n2, "node1");
            final long dials = EditableNode.transportCounter(n1, "dials")
                + EditableNode.transportCounter(n2, "dials");
            final long dials1 = EditableNode.transportCounter(n1, "dials");
            final long dials2 = EditableNode.transportCounter(n2, "dials");
            final long serial1 = toNode1.accepted();
            final long serial2 = toNode2.accepted();
            // New connections wait at the proxies until both nodes have redialed, then go on together: the two
            // handshakes cross, and each meets the other side's resend burst.
            toNode1.hold();
            toNode2.hold();
            final int cut = LinkProxy.cutAll(toNode1, toNode2);
            assertTrue(cut >= 1, "round " + round + ": a proxied connection to cut");
            final long fullBefore = EditableNode.nodeCounter(n2, "dead-letters.MAILBOX_FULL");
            final int r = round;
            awaitRound("round " + r + ": both nodes redial (a connection waits at each proxy)",
                () -> toNode1.held() >= 1 && toNode2.held() >= 1);
            toNode2.release();
            toNode1.release();
            awaitRound("round " + r + ": both nodes log the link up again, a new proxied connection carries it,"
                + " and both show it UP", () -> linkUps(n1, "node2") > upAt1 && linkUps(n2, "node1") > upAt2
                && (toNode1.liveSince(serial1) || toNode2.liveSince(serial2))
                && EditableNode.isUp(n1, "node2") && EditableNode.isUp(n2, "node1"));
            // The resend burst after the reconnect lands in full mailboxes, and the dead letters go back.
            awaitRound("round " + r + ": the resend burst meets full mailboxes at node2",
                () -> EditableNode.nodeCounter(n2, "dead-letters.MAILBOX_FULL") > fullBefore + 500);
            // Let the burst be acknowledged before the next cut (else what was resent on three cut connections is
            // given up, as the README says, and the run says less about the link).
            final long settleFrom = System.nanoTime();
            awaitRound("round " + r + ": node1's outbox to node2 acknowledged down to the senders' windows",
                () -> outbox(n1, "node2") <= 4000);
            settleMs = Math.max(settleMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - settleFrom));
            if (EditableNode.transportCounter(n1, "dials") > dials1
                && EditableNode.transportCounter(n2, "dials") > dials2) {
                bothDialed++;
            }
            assertTrue(EditableNode.transportCounter(n1, "dials") + EditableNode.transportCounter(n2, "dials")
                > dials, "round " + round + ": the link came back by a redial");
        }

        assertTrue(EditableNode.isUp(n1, "node2") && EditableNode.isUp(n2, "node1"),
            "the link is up after " + CUTS + " cuts");
        final NodeProcess.Reply there = EditableNode.ask(n1, "node2:echo", "\"after the cuts\"", 5000);
        assertEquals(200, there.status(), "a remote ask node1 -> node2 works: " + there.body());
        assertEquals("after the cuts", there.at("reply").getAsString(), there.body());
        final NodeProcess.Reply back = EditableNode.ask(n2, "node1:echo", "\"and back\"", 5000);
        assertEquals(200, back.status(), "a remote ask node2 -> node1 works: " + back.body());
        assertEquals("and back", back.at("reply").getAsString(), back.body());
        for (final EditableNode n : nodes) {
            final String dump = n.process().threadDump();
            assertFalse(dump.contains("Found one Java-level deadlock") || dump.contains("Java-level deadlock"),
                n.id() + " is deadlocked:\n" + deadlockSection(dump));
        }
        final JsonObject sender1 = EditableNode.ask200(n1, "sender-1", "{\"task\":\"stop\"}");
        final JsonObject sender2 = EditableNode.ask200(n1, "sender-2", "{\"task\":\"stop\"}");
        final long full = sender1.getAsJsonObject("deadLetters").has("MAILBOX_FULL")
            ? sender1.getAsJsonObject("deadLetters").get("MAILBOX_FULL").getAsLong() : 0;
        assertTrue(full > 0, "the remote senders were told of MAILBOX_FULL: "
            + LoadCluster.withoutHistograms(sender1));
        System.out.println("RedialUnderBurstIT: node1's dead letters by reason and detail: "
            + deadLetterKinds(n1) + "; node1's transport counters: " + n1.get("/api/transport").at("counters")
            + "; node2's: " + n2.get("/api/transport").at("counters"));
        System.out.println("RedialUnderBurstIT: " + CUTS + " cuts (both nodes redialed in " + bothDialed
            + "), longest wait for the burst's acks " + settleMs + " ms, dials "
            + EditableNode.transportCounter(n1, "dials") + " + "
            + EditableNode.transportCounter(n2, "dials") + ", MAILBOX_FULL at node2 "
            + EditableNode.nodeCounter(n2, "dead-letters.MAILBOX_FULL") + ", senders "
            + LoadCluster.withoutHistograms(sender1) + " " + LoadCluster.withoutHistograms(sender2) + "; "
            + toNode1 + "; " + toNode2 + "; "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
    }

    /**
     * A hosts file for one node's JVM: its own name at 127.0.0.1 (where it listens), the other node's name at the
     * proxy in front of that node, and what the machine's own hosts file says (localhost, the host name).
     */
    private static Path hostsFile(final Path root, final String self, final String node1At, final String node2At)
        throws IOException {
        final StringBuilder hosts = new StringBuilder();
        hosts.append(node1At).append(" node1.hamlet.test\n").append(node2At).append(" node2.hamlet.test\n");
        final Path system = Path.of("/etc/hosts");
        if (Files.isReadable(system)) {
            for (final String line : Files.readAllLines(system)) {
                if (!line.contains("hamlet.test")) {
                    hosts.append(line).append('\n');
                }
            }
        }
        hosts.append("127.0.0.1 localhost\n");
        try {
            hosts.append("127.0.0.1 ").append(InetAddress.getLocalHost().getHostName()).append('\n');
        } catch (final IOException unknown) {
            // the node's JVM will not need it either
        }
        final Path file = root.resolve("hosts-" + self);
        Files.writeString(file, hosts.toString());
        return file;
    }

    private static long outbox(final NodeProcess node, final String peer) throws IOException, InterruptedException {
        final JsonObject p = EditableNode.peer(node, peer);
        return p == null ? Long.MAX_VALUE : p.get("outbox").getAsLong();
    }

    /** How many times the node logged its link to that peer up (dialed or accepted). */
    private static long linkUps(final NodeProcess node, final String peer) {
        final Matcher m = LINK_UP.matcher(node.stderr());
        long n = 0;
        while (m.find()) {
            if (m.group(1).equals(peer)) {
                n++;
            }
        }
        return n;
    }

    /** A condition that may throw what the admin API's client throws. */
    private interface Check {
        boolean holds() throws IOException, InterruptedException;
    }

    /**
     * Polls until the condition holds; on a timeout, fails with both nodes' thread dumps (a deadlocked node shows
     * it there) and their output.
     */
    private void awaitRound(final String what, final Check check) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_DEADLINE_MS);
        String error = "";
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (final IOException e) {
                error = e.toString();
            }
            for (final EditableNode n : nodes) {
                if (!n.process().process().isAlive()) {
                    throw new AssertionError(n.id() + " exited (" + n.process().process().exitValue()
                        + ") while waiting for: " + what);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                final StringBuilder dumps = new StringBuilder();
                for (final EditableNode n : nodes) {
                    String dump;
                    try {
                        dump = n.process().threadDump();
                    } catch (final AssertionError | IOException noDump) {
                        dump = noDump.toString();
                    }
                    dumps.append("==== ").append(n.id()).append(" threads ====\n").append(deadlockSection(dump))
                        .append('\n');
                }
                throw new AssertionError("not within " + ROUND_DEADLINE_MS + " ms: " + what + " " + error + "; "
                    + proxies + "\n" + dumps);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
        }
    }

    /** The recent dead letters of a node, counted by reason and detail (numbers left out). */
    private static java.util.Map<String, Integer> deadLetterKinds(final NodeProcess node)
        throws IOException, InterruptedException {
        final java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (final com.google.gson.JsonElement e : node.get("/api/deadletters").at("recent").getAsJsonArray()) {
            final JsonObject letter = e.getAsJsonObject();
            final String detail = letter.get("detail").isJsonNull() ? "" : letter.get("detail").getAsString();
            kinds.merge(letter.get("reason").getAsString() + ": " + detail.replaceAll("[0-9]+", "N"), 1,
                Integer::sum);
        }
        return kinds;
    }

    /** The JVM's deadlock report when there is one, else the whole dump. */
    private static String deadlockSection(final String dump) {
        final int at = dump.indexOf("Found one Java-level deadlock");
        return at < 0 ? dump : dump.substring(at);
    }
}
