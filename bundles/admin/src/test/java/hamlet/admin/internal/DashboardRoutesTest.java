package hamlet.admin.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.admin.internal.dashboard.Dashboard;
import hamlet.testkit.FakeConfigStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard on a real admin server: its files without the token, its event stream behind it. */
class DashboardRoutesTest {
    private static final String TOKEN = "d4shb0ard-T0ken";

    private final AdminFakeSystem system = new AdminFakeSystem();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Dashboard dashboard;
    private AdminServer server;

    private void start(final String token) throws Exception {
        dashboard = Dashboard.start(null, system, new MetricSources(), () -> null, () -> null, () -> null);
        final AdminSettings settings = new AdminSettings("127.0.0.1", 0, 1024 * 1024, 5_000, 60_000, token, "",
            false);
        server = new AdminServer(system, FakeConfigStatus::new, () -> null, () -> null, () -> null, () -> null,
            () -> null, settings, BearerToken.of(token), 300, dashboard.routes());
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        if (dashboard != null) {
            dashboard.stop();
        }
    }

    private HttpRequest.Builder request(final String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.boundAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10));
    }

    @Test
    void shouldServeThePageAndItsFilesWithTheirTypesAndCacheHeaders() throws Exception {
        start("");
        final HttpResponse<String> page = client.send(request("/").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        assertTrue(page.body().contains("/dashboard/app.js"));
        assertEquals("text/javascript; charset=utf-8", client.send(request("/dashboard/app.js").build(),
            HttpResponse.BodyHandlers.ofString()).headers().firstValue("Content-Type").orElse(null));
        assertEquals("text/css; charset=utf-8", client.send(request("/dashboard/style.css").build(),
            HttpResponse.BodyHandlers.ofString()).headers().firstValue("Content-Type").orElse(null));

        final String etag = page.headers().firstValue("ETag").orElseThrow();
        final HttpResponse<String> again = client.send(request("/").header("If-None-Match", etag).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode());
        assertEquals(404, client.send(request("/dashboard/nothing.js").build(),
            HttpResponse.BodyHandlers.ofString()).statusCode(), "anything else is the JSON API's 404");
    }

    @Test
    void shouldServeThePageWithoutTheTokenButNotItsData() throws Exception {
        start(TOKEN);
        assertEquals(200, client.send(request("/").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, client.send(request("/dashboard/app.js").build(), HttpResponse.BodyHandlers.ofString())
            .statusCode());
        assertEquals(401, client.send(request("/api/dashboard/events").build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(401, client.send(request("/api/node").build(), HttpResponse.BodyHandlers.ofString())
            .statusCode());
        final HttpResponse<InputStream> stream = client.send(request("/api/dashboard/events")
            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        stream.body().close();
    }

    @Test
    void shouldStreamInitThenATickEverySecond() throws Exception {
        start("");
        final HttpResponse<InputStream> response = client.send(request("/api/dashboard/events").build(),
            HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElse(null));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            final List<String> names = new ArrayList<>();
            JsonObject init = null;
            String event = null;
            while (names.size() < 2) {
                final String line = in.readLine();
                if (line == null) {
                    break;
                }
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                    names.add(event);
                } else if (line.startsWith("data: ") && "init".equals(event) && init == null) {
                    init = JsonParser.parseString(line.substring(6)).getAsJsonObject();
                }
            }
            assertEquals(List.of("init", "tick"), names);
            assertEquals("node1", init.get("self").getAsString());
            assertTrue(init.getAsJsonObject("history").has("node1"), init.toString());
        }
    }
}
