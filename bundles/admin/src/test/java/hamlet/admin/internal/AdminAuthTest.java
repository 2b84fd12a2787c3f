package hamlet.admin.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.config.ConfigStatus;
import hamlet.testkit.FakeConfigStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API with hamlet.admin.token set, over real HTTP: what a client without the token gets, and what is counted. */
class AdminAuthTest {
    private static final String TOKEN = "s3cr3t-Tok3n";
    private static final String WRONG = "guessed-Tok3n";
    private static final String PASSWORD = "pa55-w0rd";

    private final AdminFakeSystem system = new AdminFakeSystem();
    private final AtomicReference<ConfigStatus> configService = new AtomicReference<>(new FakeConfigStatus());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream stderr = System.err;
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        // slf4j-simple writes to whatever System.err is at each line: the log of this test is read from here.
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        server = new AdminServer(system, configService::get, () -> null, () -> null, () -> null, () -> null,
            withToken(TOKEN), 300);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        System.setErr(stderr);
        stderr.print(log.toString(StandardCharsets.UTF_8));
    }

    private static AdminSettings withToken(final String token) {
        return new AdminSettings("127.0.0.1", 0, 1024 * 1024, 5_000, 60_000, token, "", false);
    }

    private HttpResponse<String> get(final String path, final String authorization) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.boundAddress().getPort() + path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject admin() throws Exception {
        return JsonParser.parseString(get("/api/node", "Bearer " + TOKEN).body()).getAsJsonObject()
            .getAsJsonObject("admin");
    }

    @Test
    void shouldRefuseARequestWithoutTheTokenWith401AndAChallenge() throws Exception {
        final HttpResponse<String> response = get("/api/node", null);
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"hamlet-admin\"", response.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals("this API needs \"Authorization: Bearer <token>\" with the token of hamlet.admin.token or"
                + " token-file; the request had no bearer token",
            JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString());
    }

    @Test
    void shouldRefuseAWrongTokenWith401SayingItIsInvalid() throws Exception {
        final HttpResponse<String> response = get("/api/node", "Bearer " + WRONG);
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"hamlet-admin\", error=\"invalid_token\"",
            response.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(401, get("/api/node", "Basic dXNlcjpwYXNz").statusCode());
    }

    @Test
    void shouldAnswerWithTheToken() throws Exception {
        final HttpResponse<String> response = get("/api/node", "Bearer " + TOKEN);
        assertEquals(200, response.statusCode());
        final JsonObject admin = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("admin");
        assertEquals("bearer", admin.get("auth").getAsString());
        assertFalse(admin.get("https").getAsBoolean());
        assertFalse(response.body().contains(TOKEN), "the node does not show its token");
    }

    @Test
    void shouldRefuseEveryPathBeforeRoutingSoThatNoneIsRevealed() throws Exception {
        assertEquals(401, get("/api/no-such-path", null).statusCode());
        assertEquals(404, get("/api/no-such-path", "Bearer " + TOKEN).statusCode());
        final HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.boundAddress().getPort() + "/api/actors"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"behavior\":\"echo\",\"name\":\"e1\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(401, post.statusCode());
        assertTrue(system.actors().isEmpty(), "nothing was spawned");
    }

    @Test
    void shouldCountRefusalsAndLogThemWithoutWhatWasPresented() throws Exception {
        get("/api/node", null);
        get("/api/node", "Bearer " + WRONG);
        get("/api/actors", "Bearer " + WRONG);
        final JsonObject admin = admin();
        assertEquals(3, admin.getAsJsonObject("counters").get("unauthorized").getAsLong());
        assertEquals(3, admin.getAsJsonObject("errorsByStatus").get("401").getAsLong());

        final String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("[node1] admin API refused GET /api/node from 127.0.0.1: no bearer token (401)"),
            logged);
        assertTrue(logged.contains("[node1] admin API refused GET /api/node from 127.0.0.1: a wrong bearer token"
            + " (401)"), logged);
        assertFalse(logged.contains("/api/actors from"), "the second wrong token within 10 s is not logged: "
            + logged);
        assertFalse(logged.contains(WRONG), logged);
        assertFalse(logged.contains(TOKEN), logged);
    }

    @Test
    void shouldTakeANewTokenAtOnceOnALiveEdit() throws Exception {
        final String next = "n3w-Tok3n";
        server.apply(withToken(next), BearerToken.of(next));
        assertEquals(401, get("/api/node", "Bearer " + TOKEN).statusCode());
        assertEquals(200, get("/api/node", "Bearer " + next).statusCode());
        server.apply(withToken(""), BearerToken.NONE);
        assertEquals(200, get("/api/node", null).statusCode(), "on loopback the token may be dropped again");
    }

    @Test
    void shouldKeepAskingForTheTokenWhileAnAddressOffLoopbackStillServes() throws Exception {
        server.stop();
        server = new AdminServer(system, configService::get, () -> null, () -> null, () -> null, () -> null,
            new AdminSettings("0.0.0.0", 0, 1024 * 1024, 5_000, 60_000, TOKEN, "", false), 300);
        server.start();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
            java.net.InetAddress.getByName("127.0.0.1"))) {
            // Back to loopback without a token, on a port that cannot be bound: the old address stays.
            server.apply(new AdminSettings("127.0.0.1", taken.getLocalPort(), 1024 * 1024, 5_000, 60_000));
            assertEquals("0.0.0.0", server.boundAddress().getHostString());
            assertEquals(401, get("/api/node", null).statusCode(), "still on 0.0.0.0: still the token");
            assertEquals(200, get("/api/node", "Bearer " + TOKEN).statusCode());
        }
        server.apply(new AdminSettings("127.0.0.1", 0, 1024 * 1024, 5_000, 60_000));
        assertEquals("127.0.0.1", server.boundAddress().getHostString());
        assertEquals(200, get("/api/node", null).statusCode(), "on loopback now: no token needed");
    }

    @Test
    void shouldNeverShowSecretsInTheConfigEvenFromAConfigServiceThatDoesNot() throws Exception {
        configService.set(new FakeConfigStatus("hamlet {}", "{\"hamlet\":{\"admin\":{\"host\":\"0.0.0.0\","
            + "\"token\":\"" + TOKEN + "\",\"token-file\":\"\"},\"tls\":{\"key-password\":\"" + PASSWORD + "\","
            + "\"client-secret\":\"\"}}}", 1));
        final HttpResponse<String> response = get("/api/config", "Bearer " + TOKEN);
        assertEquals(200, response.statusCode());
        assertFalse(response.body().contains(TOKEN), response.body());
        assertFalse(response.body().contains(PASSWORD), response.body());
        final JsonObject hamlet = JsonParser.parseString(response.body()).getAsJsonObject()
            .getAsJsonObject("config").getAsJsonObject("hamlet");
        assertEquals("<redacted>", hamlet.getAsJsonObject("admin").get("token").getAsString());
        assertEquals("<redacted>", hamlet.getAsJsonObject("tls").get("key-password").getAsString());
        assertEquals("", hamlet.getAsJsonObject("tls").get("client-secret").getAsString(), "unset shows unset");
        assertEquals("0.0.0.0", hamlet.getAsJsonObject("admin").get("host").getAsString());
    }
}
