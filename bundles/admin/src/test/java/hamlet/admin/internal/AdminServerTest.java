package hamlet.admin.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.DeadLetter;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.config.ConfigStatus;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeCluster;
import hamlet.testkit.FakeConfigStatus;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API over real HTTP: a Jetty server on a free loopback port, a fake ActorSystem and ConfigStatus
 * behind it, driven with java.net.http.HttpClient.
 */
class AdminServerTest {
    private static final long GRACE_MS = 300;

    private final AdminFakeSystem system = new AdminFakeSystem();
    private final FakeConfigStatus configStatus = new FakeConfigStatus();
    private final AtomicReference<ConfigStatus> configService = new AtomicReference<>(configStatus);
    private final FakeTransport transport = new FakeTransport();
    private final AtomicReference<Transport> transportService = new AtomicReference<>(transport);
    private final AtomicReference<NodeIdentity> identityService =
        new AtomicReference<>(new NodeIdentity("node1", "127.0.0.1", 7701, 0x00c0ffee12345678L));
    private final AtomicReference<Cluster> clusterService = new AtomicReference<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        server = new AdminServer(system, configService::get, transportService::get, identityService::get,
            clusterService::get, () -> null, AdminSettings.localTest(), GRACE_MS);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    // ------------------------------------------------------------------ GET /api/node

    @Test
    void shouldDescribeNodeWhenGetNode() throws Exception {
        system.spawn("echo", "e1");
        final Reply reply = get("/api/node");
        assertEquals(200, reply.status);
        assertEquals("application/json; charset=utf-8", reply.header("Content-Type"));
        assertEquals(null, reply.header("Server"), "the server does not say what it runs");
        final JsonObject node = reply.object();
        assertEquals("node1", node.get("id").getAsString());
        assertEquals("127.0.0.1", node.get("host").getAsString());
        assertEquals(7701, node.get("port").getAsInt());
        assertEquals("00c0ffee12345678", node.get("uid").getAsString(), "16 hex digits, as text");
        assertEquals(1, node.get("actors").getAsInt());
        assertEquals(0, node.get("deadLetters").getAsInt());
        assertEquals("[\"broken\",\"echo\",\"job-router\",\"silent\",\"stuck\",\"worker\"]",
            node.get("behaviors").toString());
        final JsonObject admin = node.getAsJsonObject("admin");
        assertEquals("127.0.0.1", admin.get("host").getAsString());
        assertEquals(port(), admin.get("port").getAsInt());
        assertTrue(admin.get("listening").getAsBoolean());
    }

    @Test
    void shouldGiveNullHostPortAndUidAndTheRuntimesIdWhenNodeIdentityIsAbsent() throws Exception {
        identityService.set(null);
        final JsonObject node = get("/api/node").object();
        assertTrue(node.get("host").isJsonNull());
        assertTrue(node.get("port").isJsonNull());
        assertTrue(node.get("uid").isJsonNull());
        assertEquals("node1", node.get("id").getAsString(), "from the actor runtime");
    }

    @Test
    void shouldFollowTheNodeIdentityServiceNotTheConfigJson() throws Exception {
        configService.set(null);
        identityService.set(new NodeIdentity("node1", "10.1.2.3", 7711, 0xfedcba9876543210L));
        JsonObject node = get("/api/node").object();
        assertEquals("10.1.2.3", node.get("host").getAsString(), "no config service needed");
        assertEquals(7711, node.get("port").getAsInt());
        assertEquals("fedcba9876543210", node.get("uid").getAsString());

        identityService.set(new NodeIdentity("node1", "node1.example", 7712, 0xfedcba9876543210L));
        node = get("/api/node").object();
        assertEquals("node1.example", node.get("host").getAsString(), "a live edit's new identity at once");
        assertEquals(7712, node.get("port").getAsInt());
    }

    @Test
    void shouldCountErrorsByStatusWhenClientsGetThemWrong() throws Exception {
        get("/nope");
        get("/nope");
        post("/api/send", "{");
        final JsonObject admin = get("/api/node").object().getAsJsonObject("admin");
        assertEquals(3, admin.get("errors").getAsLong());
        assertEquals(2, admin.getAsJsonObject("errorsByStatus").get("404").getAsLong());
        assertEquals(1, admin.getAsJsonObject("errorsByStatus").get("400").getAsLong());
        assertEquals(3, admin.get("responses").getAsLong(), "the GET being answered is counted after it is built");
    }

    @Test
    void shouldShowRegistryCountersWhenGetNode() throws Exception {
        system.counter("remote.received", 12).counter("remote.refused", 1);
        system.addDeadLetter(new DeadLetter("node1:gone", null, "x", DeadLetter.Reason.MAILBOX_FULL, "full",
            FakeActorSystem.AT));
        final JsonObject counters = get("/api/node").object().getAsJsonObject("counters");
        assertEquals(12, counters.get("remote.received").getAsLong());
        assertEquals(1, counters.get("remote.refused").getAsLong());
        assertEquals(1, counters.get("dead-letters.total").getAsLong());
        assertEquals(1, counters.get("dead-letters.MAILBOX_FULL").getAsLong());
        assertEquals(0, counters.get("dead-letters.UNKNOWN_ACTOR").getAsLong());
        final List<String> names = new ArrayList<>(counters.keySet());
        assertEquals(names.stream().sorted().toList(), names, "sorted by name");
    }

    // ------------------------------------------------------------------ GET /api/transport

    @Test
    void shouldShowPeersAndCountersWhenGetTransport() throws Exception {
        transport.peer(new PeerInfo("node2", "ws://127.0.0.1:7702/hamlet", PeerInfo.State.UP, 0xfedcba9876543210L, 3,
                40, 41))
            .peer(new PeerInfo(null, "ws://10.0.0.9:7701/hamlet", PeerInfo.State.CONNECTING, 0, 2, 0, 0))
            .counter("rejected.WRONG_CLUSTER", 2).counter("envelopes.resent", 5).counter("duplicates.dropped", 1);
        final Reply reply = get("/api/transport");
        assertEquals(200, reply.status);
        final JsonObject json = reply.object();
        assertEquals("running", json.get("transport").getAsString());
        final JsonArray peers = json.getAsJsonArray("peers");
        assertEquals(2, peers.size());
        final JsonObject seed = peers.get(0).getAsJsonObject();
        assertTrue(seed.get("node").isJsonNull(), "a seed not reached yet has no node id: null, not dropped");
        assertTrue(seed.get("uid").isJsonNull(), "no handshake yet, no uid");
        assertEquals("CONNECTING", seed.get("state").getAsString());
        final JsonObject node2 = peers.get(1).getAsJsonObject();
        assertEquals("{\"node\":\"node2\",\"url\":\"ws://127.0.0.1:7702/hamlet\",\"state\":\"UP\","
            + "\"uid\":\"fedcba9876543210\",\"outbox\":3,\"sent\":40,\"received\":41}", node2.toString());
        assertEquals("{\"duplicates.dropped\":1,\"envelopes.resent\":5,\"rejected.WRONG_CLUSTER\":2}",
            json.getAsJsonObject("counters").toString(), "sorted by name");
    }

    @Test
    void shouldAnswer200WithEmptyPeersAndCountersWhenTransportIsAbsent() throws Exception {
        transportService.set(null);
        final Reply reply = get("/api/transport");
        assertEquals(200, reply.status);
        assertEquals("{\"transport\":\"absent\",\"peers\":[],\"counters\":{}}", reply.object().toString());
        transportService.set(transport.counter("peers", 1));
        assertEquals(1, get("/api/transport").object().getAsJsonObject("counters").get("peers").getAsLong(),
            "a transport that comes back is shown at once");
    }

    @Test
    void shouldRefuseOtherMethodsOnTransportWith405() throws Exception {
        final Reply reply = post("/api/transport", "{}");
        assertEquals(405, reply.status);
        assertEquals("GET", reply.header("Allow"));
    }

    // ------------------------------------------------------------------ /api/cluster/*

    @Test
    void shouldServeTheClusterOverHttpWhileTheGossipBundleRuns() throws Exception {
        Reply reply = get("/api/cluster/members");
        assertEquals(503, reply.status);
        assertTrue(reply.error().contains("the hamlet.gossip bundle (gossip membership) is not running"),
            reply.error());
        assertEquals(503, post("/api/cluster/join", "{\"seed\":\"127.0.0.1:7702\"}").status);
        assertFalse(get("/api/node").object().has("cluster"));

        final FakeCluster cluster = new FakeCluster("node1").member(FakeCluster.member("node1", MemberStatus.ALIVE));
        clusterService.set(cluster);
        reply = get("/api/cluster/members");
        assertEquals(200, reply.status);
        assertEquals("alive", reply.object().getAsJsonArray("members").get(0).getAsJsonObject().get("status")
            .getAsString());
        assertEquals(202, post("/api/cluster/join", "{\"seed\":\"127.0.0.1:7702\"}").status);
        assertEquals(List.of("127.0.0.1:7702"), cluster.joins());
        assertEquals(400, post("/api/cluster/join", "{\"seed\":\"bad seed\"}").status);
        assertEquals(202, send("POST", "/api/cluster/leave", new byte[0]).status);
        assertEquals(1, get("/api/node").object().getAsJsonObject("cluster").getAsJsonObject("members")
            .get("alive").getAsInt());
    }

    // ------------------------------------------------------------------ actors

    @Test
    void shouldListBehavioursWithVersionsLastSwapAndRejectedJarsWhenGetBehaviors() throws Exception {
        final JsonObject json = get("/api/behaviors").json.getAsJsonObject();
        final JsonArray behaviors = json.getAsJsonArray("behaviors");
        assertEquals(2, behaviors.size());
        final JsonObject counter = behaviors.get(0).getAsJsonObject();
        assertEquals("counter", counter.get("name").getAsString());
        assertEquals("2.0.0", counter.get("version").getAsString());
        assertEquals("hamlet.example.counter", counter.get("bundle").getAsString());
        assertEquals("AVAILABLE", counter.get("state").getAsString());
        assertEquals("[\"2.0.0\",\"1.0.0\"]", counter.get("versions").toString());
        assertEquals(3, counter.get("actors").getAsInt());
        final JsonObject swap = counter.getAsJsonObject("lastSwap");
        assertEquals("1.0.0", swap.get("from").getAsString());
        assertEquals("3.0.0", swap.get("to").getAsString());
        assertEquals("2026-01-02T03:04:05Z", swap.get("at").getAsString());
        assertEquals(2, swap.get("moved").getAsInt());
        assertEquals(1, swap.get("failed").getAsInt());
        assertEquals("failed", swap.get("result").getAsString());
        assertEquals("counter-3: restore failed: boom", swap.get("failure").getAsString());
        final JsonObject gone = behaviors.get(1).getAsJsonObject();
        assertEquals("MISSING", gone.get("state").getAsString());
        assertTrue(gone.get("version").isJsonNull());
        assertEquals(1, gone.get("suspended").getAsInt());
        assertTrue(gone.get("lastSwap").isJsonNull(), "no swap yet is null, not dropped");

        final JsonArray rejected = json.getAsJsonArray("rejected");
        assertEquals(2, rejected.size());
        final JsonObject notABundle = rejected.get(0).getAsJsonObject();
        assertEquals("file:/deploy/notes.jar", notABundle.get("location").getAsString());
        assertTrue(notABundle.get("behavior").isJsonNull());
        assertTrue(notABundle.get("reason").getAsString().contains("not a zip file"));
        final JsonObject unresolved = rejected.get(1).getAsJsonObject();
        assertEquals("counter", unresolved.get("behavior").getAsString());
        assertEquals("4.0.0", unresolved.get("version").getAsString());
        assertTrue(unresolved.get("reason").getAsString().startsWith("does not resolve"));
        assertEquals("2026-01-02T03:04:05Z", unresolved.get("at").getAsString());
    }

    @Test
    void shouldRefuseOtherMethodsOnBehaviorsWith405() throws Exception {
        final Reply post = post("/api/behaviors", "{}");
        assertEquals(405, post.status);
        assertEquals("GET", post.header("Allow"));
    }

    @Test
    void shouldListActorsWithAgreedFields() throws Exception {
        system.spawn(new hamlet.api.ActorSpec("w1", "worker", "worker", null));
        system.spawn("echo", "e1");
        final JsonArray actors = get("/api/actors").json.getAsJsonArray();
        assertEquals(2, actors.size());
        final JsonObject first = actors.get(0).getAsJsonObject();
        assertEquals("e1", first.get("name").getAsString());
        assertEquals("node1:e1", first.get("address").getAsString());
        assertEquals("echo", first.get("behavior").getAsString());
        assertTrue(first.get("group").isJsonNull(), "a missing group is written as null, not dropped");
        assertEquals("RUNNING", first.get("state").getAsString());
        assertEquals(0, first.get("mailbox").getAsInt());
        assertEquals(7, first.get("processed").getAsLong());
        assertEquals(1, first.get("restarts").getAsInt());
        assertEquals("worker", actors.get(1).getAsJsonObject().get("group").getAsString());
    }

    @Test
    void shouldSpawnWith201AndLocationWhenBehaviourIsKnown() throws Exception {
        final Reply reply = post("/api/actors",
            "{\"behavior\":\"worker\",\"name\":\"w1\",\"group\":\"worker\",\"config\":{\"x\":1}}");
        assertEquals(201, reply.status);
        assertEquals("/api/actors/w1", reply.header("Location"));
        final JsonObject actor = reply.object();
        assertEquals("w1", actor.get("name").getAsString());
        assertEquals("node1:w1", actor.get("address").getAsString());
        assertEquals("worker", actor.get("group").getAsString());
        assertTrue(system.actor("w1").isPresent());
    }

    @Test
    void shouldRefuseSpawnOfUnknownBehaviourWith404NamingTheKnownOnes() throws Exception {
        final Reply reply = post("/api/actors", "{\"behavior\":\"ecco\",\"name\":\"e1\"}");
        assertEquals(404, reply.status);
        assertEquals("unknown behaviour 'ecco'; known: broken, echo, job-router, silent, stuck, worker",
            reply.error());
    }

    @Test
    void shouldRefuseSpawnOfTakenNameWith409() throws Exception {
        system.spawn("echo", "e1");
        final Reply reply = post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"e1\"}");
        assertEquals(409, reply.status);
        assertEquals("actor name 'e1' is taken on node node1", reply.error());
    }

    @Test
    void shouldRefuseSpawnWith400WhenNameIsInvalid() throws Exception {
        final Reply reply = post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"bad name\"}");
        assertEquals(400, reply.status);
        assertTrue(reply.error().startsWith("actor name 'bad name' has ' ' at position 3"), reply.error());
    }

    @Test
    void shouldRefuseSpawnWith400WhenFieldsAreMissingOrOfWrongType() throws Exception {
        assertEquals("\"name\" is missing", post("/api/actors", "{\"behavior\":\"echo\"}").error());
        assertEquals("\"behavior\" is missing", post("/api/actors", "{\"name\":\"e1\"}").error());
        assertEquals("\"name\" must be a string, got the number 42",
            post("/api/actors", "{\"behavior\":\"echo\",\"name\":42}").error());
        assertEquals("\"group\" must be a string, got an array",
            post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"e1\",\"group\":[]}").error());
        assertEquals("\"config\" must be an object, got the string \"x\"",
            post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"e1\",\"config\":\"x\"}").error());
        assertEquals(400, post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"e1\",\"config\":\"x\"}").status);
        assertTrue(system.actors().isEmpty());
    }

    @Test
    void shouldAnswer500AndKeepServingWhenBehaviourFailsToCreate() throws Exception {
        final Reply reply = post("/api/actors", "{\"behavior\":\"broken\",\"name\":\"b1\"}");
        assertEquals(500, reply.status);
        assertEquals("behaviour 'broken' failed to create actor 'b1'", reply.error());
        assertEquals(200, get("/api/node").status);
    }

    @Test
    void shouldStopActorWhenDeleted() throws Exception {
        system.spawn("echo", "e1");
        final Reply reply = delete("/api/actors/e1");
        assertEquals(200, reply.status);
        assertEquals("e1", reply.object().get("stopped").getAsString());
        assertFalse(system.actor("e1").isPresent());
    }

    @Test
    void shouldAnswer404WhenDeletingUnknownActor() throws Exception {
        final Reply reply = delete("/api/actors/ghost");
        assertEquals(404, reply.status);
        assertEquals("no actor 'ghost' on node node1", reply.error());
    }

    @Test
    void shouldAnswer400WhenDeletingAnInvalidName() throws Exception {
        final Reply reply = delete("/api/actors/-x");
        assertEquals(400, reply.status);
        assertEquals("actor name '-x' must start with a letter or digit", reply.error());
    }

    // ------------------------------------------------------------------ send

    @Test
    void shouldSendJsonStringAsJavaString() throws Exception {
        system.spawn("echo", "e1");
        final Reply reply = post("/api/send", "{\"to\":\"e1\",\"body\":\"hello\"}");
        assertEquals(202, reply.status);
        assertTrue(reply.object().get("sent").getAsBoolean());
        assertEquals("hello", system.sent().get(0).body());
        assertEquals("e1", system.sent().get(0).to().toString());
    }

    @Test
    void shouldSendOtherJsonAsJsonElement() throws Exception {
        post("/api/send", "{\"to\":\"node1:e1\",\"body\":{\"task\":\"fib\",\"n\":10}}");
        post("/api/send", "{\"to\":\"*:worker\",\"body\":42}");
        post("/api/send", "{\"to\":\"e1\",\"body\":[true]}");
        assertEquals(JsonParser.parseString("{\"task\":\"fib\",\"n\":10}"), system.sent().get(0).body());
        assertEquals("*:worker", system.sent().get(1).to().toString());
        assertInstanceOf(JsonElement.class, system.sent().get(1).body());
        assertEquals(42, ((JsonElement) system.sent().get(1).body()).getAsInt());
        assertInstanceOf(JsonArray.class, system.sent().get(2).body());
    }

    @Test
    void shouldRefuseSendWith400NamingTheAddressProblem() throws Exception {
        final Reply reply = post("/api/send", "{\"to\":\"a:b:c\",\"body\":\"x\"}");
        assertEquals(400, reply.status);
        assertEquals("address 'a:b:c' has more than one ':'; expected node:name, name or *:group", reply.error());
        assertEquals("address is empty; expected node:name, name or *:group",
            post("/api/send", "{\"to\":\"\",\"body\":\"x\"}").error());
        assertTrue(system.sent().isEmpty());
    }

    @Test
    void shouldRefuseSendWith400WhenBodyOrAddressIsMissing() throws Exception {
        assertEquals("\"body\" is missing; give the message as \"body\": any JSON value",
            post("/api/send", "{\"to\":\"e1\"}").error());
        assertEquals("\"body\" is missing; give the message as \"body\": any JSON value",
            post("/api/send", "{\"to\":\"e1\",\"body\":null}").error());
        assertEquals("\"to\" is missing", post("/api/send", "{\"body\":1}").error());
        assertEquals("\"to\" must be a string, got an object", post("/api/send", "{\"to\":{},\"body\":1}").error());
        assertTrue(system.sent().isEmpty());
    }

    // ------------------------------------------------------------------ ask

    @Test
    void shouldReturnReplyWhenAskIsAnswered() throws Exception {
        system.spawn("echo", "e1");
        final Reply text = post("/api/ask", "{\"to\":\"e1\",\"body\":\"hi\"}");
        assertEquals(200, text.status);
        assertEquals("{\"reply\":\"hi\"}", text.json.toString());
        final Reply object = post("/api/ask", "{\"to\":\"node1:e1\",\"body\":{\"a\":[1,2]}}");
        assertEquals("{\"reply\":{\"a\":[1,2]}}", object.json.toString());
    }

    @Test
    void shouldUseRequestTimeoutOrTheDefault() throws Exception {
        system.spawn("echo", "e1");
        post("/api/ask", "{\"to\":\"e1\",\"body\":\"hi\",\"timeoutMs\":1234}");
        post("/api/ask", "{\"to\":\"e1\",\"body\":\"hi\"}");
        assertEquals(Duration.ofMillis(1234), system.sent().get(0).timeout());
        assertEquals(Duration.ofMillis(AdminSettings.localTest().askTimeoutMs()), system.sent().get(1).timeout());
    }

    @Test
    void shouldAnswer504WhenAskTimesOut() throws Exception {
        system.spawn("silent", "s1");
        final Reply reply = post("/api/ask", "{\"to\":\"s1\",\"body\":\"hi\",\"timeoutMs\":50}");
        assertEquals(504, reply.status);
        assertEquals("no reply from s1 within 50 ms", reply.error());
    }

    @Test
    void shouldAnswer504WhenRuntimeNeverCompletesTheAsk() throws Exception {
        system.spawn("stuck", "s1");
        final long start = System.nanoTime();
        final Reply reply = post("/api/ask", "{\"to\":\"s1\",\"body\":\"hi\",\"timeoutMs\":50}");
        assertEquals(504, reply.status);
        assertEquals("no reply from s1 within 50 ms", reply.error());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 50 + GRACE_MS);
    }

    @Test
    void shouldServeOtherRequestsWhileManyAsksWait() throws Exception {
        system.spawn("stuck", "s1");
        final List<CompletableFuture<HttpResponse<String>>> asks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            asks.add(client.sendAsync(request("/api/ask").POST(HttpRequest.BodyPublishers.ofString(
                "{\"to\":\"s1\",\"body\":" + i + ",\"timeoutMs\":1000}")).build(),
                HttpResponse.BodyHandlers.ofString()));
        }
        awaitTrue(() -> system.sent().size() == 40, "all 40 asks reach the runtime");
        // 40 asks waiting, more than the pool has threads: a GET is still answered at once.
        assertEquals(200, get("/api/node").status);
        assertFalse(asks.get(0).isDone());
        for (final CompletableFuture<HttpResponse<String>> ask : asks) {
            assertEquals(504, ask.get().statusCode());
        }
    }

    @Test
    void shouldAnswer404WithDeadLetterWhenAskIsUndeliverable() throws Exception {
        final Reply reply = post("/api/ask", "{\"to\":\"ghost\",\"body\":{\"n\":1}}");
        assertEquals(404, reply.status);
        assertEquals("not delivered to ghost: UNKNOWN_ACTOR (no actor 'ghost' on node1)", reply.error());
        final JsonObject letter = reply.object().getAsJsonObject("deadLetter");
        assertEquals("ghost", letter.get("to").getAsString());
        assertEquals("ask-1", letter.get("from").getAsString());
        assertEquals("UNKNOWN_ACTOR", letter.get("reason").getAsString());
        assertEquals("2026-01-02T03:04:05Z", letter.get("at").getAsString());
        assertEquals("{\"n\":1}", letter.get("body").toString());
    }

    @Test
    void shouldRefuseAskWith400WhenTimeoutIsNotAllowed() throws Exception {
        final String expected = "\"timeoutMs\" must be a whole number of milliseconds from 1 to 60000"
            + " (hamlet.admin.max-ask-timeout), got ";
        assertEquals(expected + "0", post("/api/ask", "{\"to\":\"e1\",\"body\":1,\"timeoutMs\":0}").error());
        assertEquals(expected + "1.5", post("/api/ask", "{\"to\":\"e1\",\"body\":1,\"timeoutMs\":1.5}").error());
        assertEquals(expected + "60001", post("/api/ask", "{\"to\":\"e1\",\"body\":1,\"timeoutMs\":60001}").error());
        assertEquals(expected + "the string \"5s\"",
            post("/api/ask", "{\"to\":\"e1\",\"body\":1,\"timeoutMs\":\"5s\"}").error());
        assertEquals(400, post("/api/ask", "{\"to\":\"e1\",\"body\":1,\"timeoutMs\":-1}").status);
        assertTrue(system.sent().isEmpty());
    }

    @Test
    void shouldRefuseAskWith400WhenAddressIsMalformed() throws Exception {
        final Reply reply = post("/api/ask", "{\"to\":\"*:\",\"body\":1}");
        assertEquals(400, reply.status);
        assertEquals("group name '' in address '*:' is empty", reply.error());
    }

    // ------------------------------------------------------------------ dead letters, config

    @Test
    void shouldListDeadLettersWithCount() throws Exception {
        post("/api/send", "{\"to\":\"ghost\",\"body\":\"lost\"}");
        final JsonObject json = get("/api/deadletters").object();
        assertEquals(1, json.get("count").getAsLong());
        final JsonObject letter = json.getAsJsonArray("recent").get(0).getAsJsonObject();
        assertEquals("ghost", letter.get("to").getAsString());
        assertTrue(letter.get("from").isJsonNull());
        assertEquals("UNKNOWN_ACTOR", letter.get("reason").getAsString());
        assertEquals("no actor 'ghost' on node1", letter.get("detail").getAsString());
        assertEquals("lost", letter.get("body").getAsString());
    }

    @Test
    void shouldRenderADeadLetterBodyAsNestedDeadLetter() throws Exception {
        final hamlet.api.DeadLetter inner = new hamlet.api.DeadLetter("a", null, "x",
            hamlet.api.DeadLetter.Reason.NO_SENDER, "reply with no sender", AdminFakeSystem.AT);
        system.addDeadLetter(new hamlet.api.DeadLetter("b", "a", inner, hamlet.api.DeadLetter.Reason.ACTOR_STOPPED,
            "stopped", AdminFakeSystem.AT));
        final JsonObject body = get("/api/deadletters").object().getAsJsonArray("recent").get(0).getAsJsonObject()
            .getAsJsonObject("body");
        assertEquals("NO_SENDER", body.getAsJsonObject("deadLetter").get("reason").getAsString());
    }

    @Test
    void shouldShowConfigInForceWithNullRejection() throws Exception {
        final Reply reply = get("/api/config");
        assertEquals(200, reply.status);
        final JsonObject json = reply.object();
        assertEquals("/opt/hamlet/conf/node.conf", json.get("file").getAsString());
        assertEquals("2026-01-02T03:04:05Z", json.get("appliedAt").getAsString());
        assertEquals(3, json.get("appliedCount").getAsLong());
        assertEquals(0, json.get("rejectedCount").getAsLong());
        assertTrue(json.has("lastRejection") && json.get("lastRejection").isJsonNull());
        assertEquals(7701, json.getAsJsonObject("config").getAsJsonObject("node").get("port").getAsInt());
    }

    @Test
    void shouldShowLastRejectionWithFileAndLine() throws Exception {
        configStatus.reject(new ConfigStatus.Rejection("/opt/hamlet/conf/node.conf", 12,
            "hamlet.admin.port must be between 0 and 65535, got 70000", Instant.parse("2026-01-02T03:05:00Z")));
        final JsonObject rejection = get("/api/config").object().getAsJsonObject("lastRejection");
        assertEquals("/opt/hamlet/conf/node.conf", rejection.get("file").getAsString());
        assertEquals(12, rejection.get("line").getAsInt());
        assertEquals("hamlet.admin.port must be between 0 and 65535, got 70000",
            rejection.get("message").getAsString());
        assertEquals("2026-01-02T03:05:00Z", rejection.get("at").getAsString());
    }

    @Test
    void shouldAnswer503WhenConfigServiceIsAbsent() throws Exception {
        configService.set(null);
        final Reply reply = get("/api/config");
        assertEquals(503, reply.status);
        assertTrue(reply.error().startsWith("the config status is not available"), reply.error());
    }

    // ------------------------------------------------------------------ bad requests

    @Test
    void shouldAnswer404ForUnknownPath() throws Exception {
        final Reply reply = get("/api/nodes");
        assertEquals(404, reply.status);
        assertTrue(reply.error().startsWith("no such path: /api/nodes; the API has GET /api/node"), reply.error());
        assertTrue(reply.error().endsWith(", GET /api/transport, GET /api/cluster/members, GET /api/cluster/actors,"
            + " POST /api/cluster/join, POST /api/cluster/leave, GET /api/trace/{id}"), "every path is listed: "
            + reply.error());
        assertEquals(404, get("/").status);
        assertEquals(404, delete("/api/actors/a/b").status);
    }

    @Test
    void shouldAcceptTrailingSlash() throws Exception {
        assertEquals(200, get("/api/node/").status);
    }

    @Test
    void shouldAnswer405WithAllowForWrongMethod() throws Exception {
        final Reply put = send("PUT", "/api/node", "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(405, put.status);
        assertEquals("GET", put.header("Allow"));
        assertEquals("method PUT is not allowed on /api/node; allowed: GET", put.error());
        final Reply getSend = get("/api/send");
        assertEquals(405, getSend.status);
        assertEquals("POST", getSend.header("Allow"));
        assertEquals("GET, POST", delete("/api/actors").header("Allow"));
        assertEquals("DELETE", post("/api/actors/e1", "{}").header("Allow"));
    }

    @Test
    void shouldAnswer400ForMalformedJson() throws Exception {
        final Reply reply = post("/api/actors", "{\"behavior\": echo}");
        assertEquals(400, reply.status);
        assertTrue(reply.error().startsWith("malformed JSON in request body: "), reply.error());
        assertFalse(reply.error().contains("See https://"), reply.error());
        assertEquals(400, post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"e1\"} trailing").status);
        assertEquals(400, post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"e1\",}").status);
        assertTrue(system.actors().isEmpty());
    }

    @Test
    void shouldAnswer400WhenBodyIsNotAnObject() throws Exception {
        assertEquals("request body must be a JSON object, got an array", post("/api/send", "[1]").error());
        assertEquals("request body must be a JSON object, got the string \"x\"",
            post("/api/send", "\"x\"").error());
        assertEquals("request body is empty; expected a JSON object", post("/api/send", "").error());
    }

    @Test
    void shouldAnswer400WhenBodyIsNotUtf8() throws Exception {
        final Reply reply = send("POST", "/api/send", new byte[] {'{', (byte) 0xC3, '(', '}'});
        assertEquals(400, reply.status);
        assertEquals("request body is not valid UTF-8", reply.error());
    }

    @Test
    void shouldAnswer413WhenDeclaredBodyIsOverTheLimit() throws Exception {
        server.apply(new AdminSettings("127.0.0.1", 0, 1000, 5_000, 60_000));
        final Reply reply = send("POST", "/api/send", new byte[1001]);
        assertEquals(413, reply.status);
        assertEquals("request body is larger than 1000 bytes (hamlet.admin.max-body)", reply.error());
        assertEquals(200, get("/api/node").status);
    }

    @Test
    void shouldAnswer413WhenChunkedBodyGrowsOverTheLimit() throws Exception {
        server.apply(new AdminSettings("127.0.0.1", 0, 1000, 5_000, 60_000));
        final byte[] big = ("{\"to\":\"e1\",\"body\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
        final HttpResponse<String> response = client.send(request("/api/send").POST(
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertTrue(system.sent().isEmpty());
        assertEquals(202, post("/api/send", "{\"to\":\"e1\",\"body\":\"small\"}").status);
    }

    @Test
    void shouldAnswerGarbageWithJsonErrorAndKeepServing() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5_000);
            final OutputStream out = socket.getOutputStream();
            out.write("GARBAGE WITHOUT A VERSION\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("{\"error\":\"bad HTTP request"), answer);
        }
        assertEquals(200, get("/api/node").status);
        assertEquals(1, server.stats().errors(400));
    }

    @Test
    void shouldAnswerBadUriEncodingWithJsonError() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /api/actors/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close"
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("application/json"), answer);
        }
    }

    // ------------------------------------------------------------------ live edits

    @Test
    void shouldRebindToNewPortWhenPortIsEdited() throws Exception {
        final int oldPort = port();
        final int newPort = freePort();
        server.apply(new AdminSettings("127.0.0.1", newPort, 1024 * 1024, 5_000, 60_000));
        assertEquals(newPort, port());
        assertEquals(200, get("/api/node").status);
        assertEquals(newPort, get("/api/node").object().getAsJsonObject("admin").get("port").getAsInt());
        assertThrows(ConnectException.class, () -> client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + oldPort + "/api/node")).build(),
            HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void shouldKeepOldPortAndRunOnWhenNewPortIsTaken() throws Exception {
        final int oldPort = port();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            server.apply(new AdminSettings("127.0.0.1", taken.getLocalPort(), 1024 * 1024, 5_000, 60_000));
            assertEquals(oldPort, port(), "the old address is bound again");
            assertEquals(200, get("/api/node").status);
            final int freed = taken.getLocalPort();
            taken.close();
            server.apply(new AdminSettings("127.0.0.1", freed, 1024 * 1024, 5_000, 60_000));
            assertEquals(freed, port(), "the same edit applied again binds once the port is free");
        }
    }

    @Test
    void shouldRunWithoutListeningWhenStartPortIsTakenAndBindOnNextEdit() throws Exception {
        server.stop();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            server = new AdminServer(system, configService::get, transportService::get, identityService::get,
                clusterService::get, () -> null, new AdminSettings("127.0.0.1", taken.getLocalPort(), 1024 * 1024, 5_000, 60_000),
                GRACE_MS);
            server.start();
            assertNull(server.boundAddress());
        }
        server.apply(AdminSettings.localTest());
        assertNotEquals(null, server.boundAddress());
        assertEquals(200, get("/api/node").status);
    }

    @Test
    void shouldNameItsThreadsHamletAdmin() throws Exception {
        get("/api/node");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().startsWith(AdminServer.THREAD_NAME)));
    }

    // ------------------------------------------------------------------ helpers

    private int port() {
        return server.boundAddress().getPort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private HttpRequest.Builder request(final String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(10));
    }

    private Reply get(final String path) throws Exception {
        return reply(client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Reply delete(final String path) throws Exception {
        return reply(client.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Reply post(final String path, final String json) throws Exception {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8));
    }

    private Reply send(final String method, final String path, final byte[] body) throws Exception {
        return reply(client.send(request(path).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString()));
    }

    private static Reply reply(final HttpResponse<String> response) {
        return new Reply(response.statusCode(), JsonParser.parseString(response.body()), response);
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** A response, its body parsed as JSON (every response of the API is JSON). */
    private static final class Reply {
        final int status;
        final JsonElement json;
        final HttpResponse<String> response;

        Reply(final int status, final JsonElement json, final HttpResponse<String> response) {
            this.status = status;
            this.json = json;
            this.response = response;
        }

        JsonObject object() {
            return json.getAsJsonObject();
        }

        String error() {
            return object().get("error").getAsString();
        }

        String header(final String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }
}
