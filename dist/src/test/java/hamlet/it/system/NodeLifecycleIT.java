package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

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
 * A user's session with one node, as a real process of the built distribution: start `bin/hamlet node`, drive it
 * through the admin API, edit its config live (good and broken), stop it with SIGTERM. The steps build on each
 * other, in order, on one node (a boot takes seconds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeLifecycleIT {
    private Path dir;
    private Path conf;
    private int adminPort;
    private NodeProcess node;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = new NodeOutputOnFailure(
        () -> node == null ? Map.of() : Map.of("the node's output", node.dump()));

    @BeforeAll
    void startNode() throws IOException {
        dir = Files.createTempDirectory("hamlet-system-");
        conf = dir.resolve("node.conf");
        adminPort = NodeProcess.freePort();
        writeConf(confText(1000));
        node = NodeProcess.start(NodeProcess.distribution(), adminPort, dir,
            "--conf", conf.toString(), "--data", dir.resolve("data").toString(),
            "--deploy", dir.resolve("deploy").toString());
    }

    @AfterAll
    void killNodeIfStillRunning() {
        if (node != null) {
            node.close();
        }
    }

    /** Line 5 holds the dead-letter key: the live edits below change it. */
    private String confText(final int keep) {
        return "# the system test's node\n"
            + "hamlet {\n"
            + "  node.id = sys1\n"
            + "  admin.port = " + adminPort + "\n"
            + "  registry.dead-letters.keep = " + keep + "\n"
            + "}\n";
    }

    /** Replaces the file the way a careful editor does: write aside, then move into place. */
    private void writeConf(final String text) throws IOException {
        final Path aside = conf.resolveSibling("node.conf.tmp");
        Files.writeString(aside, text, StandardCharsets.UTF_8);
        Files.move(aside, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    @Order(1)
    void shouldAnswerOnTheConfiguredPortWithTheConfiguredIdOnceUp() throws Exception {
        final NodeProcess.Reply info = node.awaitGet("/api/node", "GET /api/node answers 200",
            r -> r.status() == 200);

        assertEquals("sys1", info.at("id").getAsString());
        assertEquals(adminPort, info.at("admin", "port").getAsInt());
        assertTrue(node.stdout().contains("hamlet: node starting, home=" + NodeProcess.distribution()),
            node.stdout());
        node.await("the ready line", () -> node.stdout().contains("hamlet: node ready"), node::stdout);
    }

    @Test
    @Order(2)
    void shouldSpawnEchoAndReturnTheBodyOfAnAsk() throws Exception {
        node.awaitGet("/api/node", "the echo behaviour is registered",
            r -> r.status() == 200 && r.at("behaviors").getAsJsonArray().toString().contains("\"echo\""));

        final NodeProcess.Reply spawned = node.post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"echo\"}");
        assertEquals(201, spawned.status(), spawned.body());
        assertEquals("sys1:echo", spawned.at("address").getAsString());

        final NodeProcess.Reply text = node.post("/api/ask", "{\"to\":\"echo\",\"body\":\"to be or not to be\"}");
        assertEquals(200, text.status(), text.body());
        assertEquals("to be or not to be", text.at("reply").getAsString());

        final NodeProcess.Reply object = node.post("/api/ask", "{\"to\":\"sys1:echo\",\"body\":{\"n\":[1,2]}}");
        assertEquals(200, object.status(), object.body());
        assertEquals("{\"n\":[1,2]}", object.at("reply").toString());
    }

    @Test
    @Order(3)
    void shouldShowADeadLetterForAWrongNameAndAnswer404ToAnAskOfIt() throws Exception {
        final NodeProcess.Reply sent = node.post("/api/send", "{\"to\":\"sys1:nobody\",\"body\":\"hello?\"}");
        assertEquals(202, sent.status(), sent.body());

        final NodeProcess.Reply letters = node.awaitGet("/api/deadletters", "the dead letter is listed",
            r -> r.status() == 200 && r.at("recent").toString().contains("sys1:nobody"));
        assertTrue(letters.at("count").getAsLong() >= 1, letters.body());

        final NodeProcess.Reply ask = node.post("/api/ask", "{\"to\":\"nobody\",\"body\":\"anyone?\"}");
        assertEquals(404, ask.status(), ask.body());
        assertNotNull(ask.at("deadLetter"), ask.body());
        assertNotNull(ask.at("error"), ask.body());
    }

    @Test
    @Order(4)
    void shouldRefuseBadRequestsWithAJsonErrorAndGoOn() throws Exception {
        final NodeProcess.Reply brokenJson = node.post("/api/actors", "{\"behavior\":\"echo\",");
        assertEquals(400, brokenJson.status(), brokenJson.body());
        assertNotNull(brokenJson.at("error"), brokenJson.body());

        final NodeProcess.Reply unknownBehaviour = node.post("/api/actors", "{\"behavior\":\"nope\",\"name\":\"x\"}");
        assertEquals(404, unknownBehaviour.status(), unknownBehaviour.body());
        assertNotNull(unknownBehaviour.at("error"), unknownBehaviour.body());

        final NodeProcess.Reply badAddress = node.post("/api/send", "{\"to\":\"a:b:c\",\"body\":1}");
        assertEquals(400, badAddress.status(), badAddress.body());
        assertNotNull(badAddress.at("error"), badAddress.body());

        final NodeProcess.Reply taken = node.post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"echo\"}");
        assertEquals(409, taken.status(), taken.body());

        assertEquals(200, node.get("/api/node").status());
    }

    @Test
    @Order(5)
    void shouldApplyAValidEditOfTheConfFileWithoutARestart() throws Exception {
        writeConf(confText(7));

        final NodeProcess.Reply config = node.awaitGet("/api/config", "keep = 7 in force",
            r -> r.status() == 200 && keep(r) == 7);

        assertEquals(conf.toString(), config.at("file").getAsString());
        assertTrue(config.at("lastRejection").isJsonNull(), config.body());
    }

    @Test
    @Order(6)
    void shouldRefuseABrokenEditNamingFileAndLineAndKeepServing() throws Exception {
        writeConf(confText(7).replace("keep = 7", "keep = = 7"));

        final NodeProcess.Reply config = node.awaitGet("/api/config", "the broken edit is refused",
            r -> r.status() == 200 && !r.at("lastRejection").isJsonNull());

        assertEquals(conf.toString(), config.at("lastRejection", "file").getAsString(), config.body());
        assertEquals(5, config.at("lastRejection", "line").getAsInt(), config.body());
        assertEquals(7, keep(config), "the last good config stays in force");
        assertEquals(200, node.get("/api/node").status(), "the node goes on");
        final NodeProcess.Reply ask = node.post("/api/ask", "{\"to\":\"echo\",\"body\":\"still here\"}");
        assertEquals("still here", ask.at("reply").getAsString(), ask.body());
    }

    @Test
    @Order(7)
    void shouldExitZeroWithinTenSecondsOfSigterm() throws Exception {
        final int exit = node.terminate(Duration.ofSeconds(10));

        assertEquals(0, exit, node.dump());
        assertTrue(node.stdout().contains("hamlet: node stopped"), node.stdout());
    }

    private static long keep(final NodeProcess.Reply config) {
        final JsonElement keep = config.at("config", "hamlet", "registry", "dead-letters", "keep");
        return keep == null ? -1 : keep.getAsLong();
    }
}
