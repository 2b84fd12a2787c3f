package hamlet.it.system;

import com.google.gson.JsonElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gossip membership between three real nodes on loopback that know one seed (node1, which is its own seed): they
 * find each other, share their directories so that a bare actor name and a group reach other nodes, notice a node
 * stalled like a long GC pause (SIGSTOP), buffer what is sent to it and deliver it once it is back by itself, and see
 * a node that is stopped (SIGTERM) as left at once rather than dead after a timeout. The network-namespace lab
 * ({@code hamlet.it.lab}) does the same with real cable pulls and packet loss, where it can run as root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipIT {
    private static final int NODES = 3;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Path> confs = new ArrayList<>();
    private final int[] transportPorts = new int[NODES];

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.numbered(() -> nodes);

    @BeforeAll
    void startNodes() throws IOException, InterruptedException {
        final Path home = NodeProcess.distribution();
        final Path dir = Files.createTempDirectory("hamlet-membership-");
        final int[] adminPorts = new int[NODES];
        for (int i = 0; i < NODES; i++) {
            transportPorts[i] = NodeProcess.freePort();
            adminPorts[i] = NodeProcess.freePort();
        }
        final long start = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            final Path nodeDir = Files.createDirectories(dir.resolve("node" + (i + 1)));
            final Path deploy = Files.createDirectories(nodeDir.resolve("deploy"));
            Files.copy(home.resolve("examples/hamlet-example-counter-v1.jar"),
                deploy.resolve("hamlet-example-counter-v1.jar"));
            final Path conf = nodeDir.resolve("node.conf");
            Files.writeString(conf, "hamlet {\n"
                + "  node { id = node" + (i + 1) + ", host = \"127.0.0.1\", port = " + transportPorts[i] + " }\n"
                + "  admin { host = \"127.0.0.1\", port = " + adminPorts[i] + " }\n"
                + "  cluster.seeds = [\"127.0.0.1:" + transportPorts[0] + "\"]\n"
                // Short, so that the last scenario sees a dead node's buffered messages given up within the test.
                + "  gossip.remove-after = 6s\n"
                + "}\n");
            confs.add(conf);
            nodes.add(NodeProcess.start(home, adminPorts[i], nodeDir, "--conf", conf.toString(),
                "--data", nodeDir.resolve("data").toString(), "--deploy", deploy.toString()));
        }
        for (int i = 1; i <= NODES; i++) {
            awaitStatuses(i, "alive", "alive", "alive");
        }
        System.out.printf("three nodes found each other from one seed %d ms after the first was started%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        for (final NodeProcess node : nodes) {
            node.awaitGet("/api/node", "the counter behaviour deployed", r -> r.status() == 200
                && r.at("behaviors").toString().contains("counter"));
        }
    }

    @AfterAll
    void stopNodes() {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    @Order(1)
    void shouldReachAnActorOnAnotherNodeByItsBareNameAndAGroupAcrossNodes() throws Exception {
        spawn(3, "{\"behavior\":\"echo\",\"name\":\"echo-on-3\"}");
        spawn(2, "{\"behavior\":\"echo\",\"name\":\"echo-g2\",\"group\":\"echoes\"}");
        spawn(3, "{\"behavior\":\"echo\",\"name\":\"echo-g3\",\"group\":\"echoes\"}");
        node(1).awaitGet("/api/cluster/actors", "node1's directory lists the actors of node2 and node3",
            r -> r.status() == 200 && r.body().contains("echo-on-3") && r.body().contains("echo-g2")
                && r.body().contains("echo-g3"));

        final NodeProcess.Reply bare = node(1).post("/api/ask", "{\"to\":\"echo-on-3\",\"body\":\"hi\"}");
        assertEquals(200, bare.status(), bare.body());
        assertEquals("hi", bare.at("reply").getAsString(), bare.body());

        for (int i = 0; i < 10; i++) {
            final NodeProcess.Reply group = node(1).post("/api/ask", "{\"to\":\"*:echoes\",\"body\":\"g" + i + "\"}");
            assertEquals(200, group.status(), "node1 has no echoes of its own: the group reaches node2 or node3; "
                + group.body());
            assertEquals("g" + i, group.at("reply").getAsString(), group.body());
        }
    }

    @Test
    @Order(2)
    void shouldDeclareAStalledNodeDeadBufferItsMessagesAndWelcomeItBackByItself() throws Exception {
        spawn(3, "{\"behavior\":\"counter\",\"name\":\"tally\"}");
        final long pid = node(3).pid();
        final long stoppedAt = System.nanoTime();
        signal("STOP", pid);
        try {
            final long[] deadAfterMs = new long[2];
            for (int i = 1; i <= 2; i++) {
                awaitStatus(i, "node3", "dead");
                deadAfterMs[i - 1] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
            }
            System.out.printf("node3 stopped (SIGSTOP): declared dead by node1 after %d ms, by node2 after %d ms"
                + " (polled every 50 ms)%n", deadAfterMs[0], deadAfterMs[1]);
            assertTrue(deadAfterMs[0] <= 3_000 && deadAfterMs[1] <= 3_000,
                "detection within the bound (2 s, plus the polling and the JVMs' own pauses on a busy machine)");
            for (int i = 0; i < 20; i++) {
                final NodeProcess.Reply sent = node(1).post("/api/send", "{\"to\":\"node3:tally\",\"body\":" + i
                    + "}");
                assertEquals(202, sent.status(), "taken and buffered for node3: " + sent.body());
            }
        } finally {
            signal("CONT", pid);
        }
        final long resumedAt = System.nanoTime();
        for (int i = 1; i <= NODES; i++) {
            awaitStatuses(i, "alive", "alive", "alive");
        }
        System.out.printf("node3 resumed (SIGCONT): alive again on every node after %d ms (joining for "
            + "stable-after first)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt));
        final NodeProcess.Reply count = node(1).post("/api/ask", "{\"to\":\"node3:tally\",\"body\":\"count\"}");
        assertEquals(200, count.status(), count.body());
        assertEquals(21, count.at("reply", "count").getAsInt(),
            "the 20 messages buffered while node3 was away arrived, none lost, none twice: " + count.body());
        assertEquals(0, deadCount(1) + deadCount(2), "no other node was declared dead");
    }

    @Test
    @Order(3)
    void shouldRefuseABadGossipEditAndApplyAGoodOneLive() throws Exception {
        final Path conf = confs.get(0);
        final String original = Files.readString(conf);
        final NodeProcess.Reply before = node(1).get("/api/config");
        final long rejected = before.at("rejectedCount").getAsLong();
        final long applied = before.at("appliedCount").getAsLong();

        Files.writeString(conf, original.replace("\n}\n", "\n  gossip.probe-timeout = 300ms\n}\n"));
        final NodeProcess.Reply refused = node(1).awaitGet("/api/config", "the bad edit refused",
            r -> r.status() == 200 && r.at("rejectedCount").getAsLong() > rejected);
        assertTrue(refused.at("lastRejection").toString().contains("hamlet.gossip.probe-timeout"), refused.body());

        Files.writeString(conf, original.replace("\n}\n", "\n  gossip.suspicion-mult = 4\n}\n"));
        node(1).awaitGet("/api/config", "the good edit applied",
            r -> r.status() == 200 && r.at("appliedCount").getAsLong() > applied);
        node(1).await("the gossip bundle says it applied the edit", () -> node(1).dump()
            .contains("gossip settings changed; applied from the next protocol period"), () -> "no such log line");
        awaitStatuses(1, "alive", "alive", "alive");
    }

    @Test
    @Order(4)
    void shouldSeeAStoppedNodeAsLeftAtOnce() throws Exception {
        final long before = System.nanoTime();
        assertEquals(0, node(2).terminate(Duration.ofSeconds(30)), "node2 exits cleanly on SIGTERM");
        awaitStatus(1, "node2", "left");
        final long leftAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
        System.out.printf("node2 stopped (SIGTERM): seen as left by node1 %d ms after the signal%n", leftAfterMs);
        final NodeProcess.Reply members = node(1).get("/api/cluster/members");
        assertTrue(members.at("majority").getAsBoolean(),
            "a member that left does not count against the majority: " + members.body());
        assertTrue(node(3).get("/api/cluster/members").body().contains("\"left\""), "node3 sees it left too");
    }

    @Test
    @Order(5)
    void shouldGiveUpWhatWasBufferedForADeadNodeOnceItIsRemoved() throws Exception {
        final long deadLettersBefore = node(1).get("/api/node").at("deadLetters").getAsLong();
        node(3).process().destroyForcibly();
        for (int i = 0; i < 5; i++) {
            final NodeProcess.Reply sent = node(1).post("/api/send", "{\"to\":\"node3:tally\",\"body\":" + i + "}");
            assertEquals(202, sent.status(), sent.body());
        }
        awaitStatus(1, "node3", "dead");
        final long deadAt = System.nanoTime();
        final NodeProcess.Reply letters = node(1).awaitGet("/api/deadletters", "the 5 messages for node3 given up",
            r -> r.status() == 200 && r.at("count").getAsLong() >= deadLettersBefore + 5);
        final long removedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadAt);
        System.out.printf("node3 killed: its 5 buffered messages became dead letters %d ms after it was seen dead"
            + " (remove-after 6 s)%n", removedAfterMs);
        assertTrue(letters.body().contains("node node3 is gone: declared dead and removed by membership"),
            letters.body());
        assertTrue(removedAfterMs >= 4_000, "kept until removal, not dropped when the node was declared dead");
        node(1).awaitGet("/api/cluster/members", "node3 removed from node1's members",
            r -> r.status() == 200 && statusOf(r, "node3") == null);
    }

    private NodeProcess node(final int i) {
        return nodes.get(i - 1);
    }

    private void spawn(final int i, final String spec) throws Exception {
        final NodeProcess.Reply r = node(i).post("/api/actors", spec);
        assertEquals(201, r.status(), r.body());
    }

    private void awaitStatuses(final int observer, final String... statuses) throws InterruptedException {
        node(observer).awaitGet("/api/cluster/members", "node" + observer + " sees " + statuses.length + " members "
            + String.join("/", statuses), r -> {
                if (r.status() != 200) {
                    return false;
                }
                final List<String> seen = new ArrayList<>();
                for (final JsonElement m : r.at("members").getAsJsonArray()) {
                    seen.add(m.getAsJsonObject().get("status").getAsString());
                }
                return seen.equals(List.of(statuses));
            });
    }

    private void awaitStatus(final int observer, final String member, final String status)
        throws InterruptedException {
        node(observer).awaitGet("/api/cluster/members", "node" + observer + " sees " + member + " " + status,
            r -> r.status() == 200 && status.equals(statusOf(r, member)));
    }

    private static String statusOf(final NodeProcess.Reply r, final String member) {
        for (final JsonElement m : r.at("members").getAsJsonArray()) {
            if (m.getAsJsonObject().get("id").getAsString().equals(member)) {
                return m.getAsJsonObject().get("status").getAsString();
            }
        }
        return null;
    }

    /** @return how many times the node's log says a member other than node3 was declared dead */
    private long deadCount(final int observer) {
        return node(observer).dump().lines()
            .filter(l -> l.contains("cluster: member") && l.contains(" dead:") && !l.contains("member node3 "))
            .count();
    }

    private static void signal(final String signal, final long pid) throws IOException, InterruptedException {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
}
