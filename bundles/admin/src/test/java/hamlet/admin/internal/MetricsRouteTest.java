package hamlet.admin.internal;

import hamlet.testkit.FakeConfigStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /metrics on a real admin server: the JVM's families and a bundle's, in either format. */
class MetricsRouteTest {
    private final AdminFakeSystem system = new AdminFakeSystem();
    private final MetricSources sources = new MetricSources();
    private final HttpClient client = HttpClient.newHttpClient();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        sources.add(out -> out.counter("hamlet_test_messages", "Messages", 5, "behavior", "echo"));
        final NodeMetrics.Scrape scrape = NodeMetrics.create(sources, () -> "node1");
        server = new AdminServer(system, FakeConfigStatus::new, () -> null, () -> null, () -> null, () -> null,
            () -> null, AdminSettings.localTest(), BearerToken.of(""), 300,
            List.of(new MetricsRoute(scrape.registry())));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(final String accept) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.boundAddress().getPort() + "/metrics"));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheJvmAndTheBundlesInPrometheusTextByDefault() throws Exception {
        final HttpResponse<String> reply = get(null);
        assertEquals(200, reply.statusCode());
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        final String page = reply.body();
        assertTrue(page.contains("hamlet_test_messages_total{behavior=\"echo\"} 5.0"), page);
        assertTrue(page.contains("jvm_memory_used_bytes{area=\"heap\"}"), page);
        assertTrue(page.contains("process_cpu_seconds_total"), page);
        assertTrue(page.contains("jvm_threads_current"), page);
        assertTrue(page.contains("process_start_time_seconds"), page);
    }

    @Test
    void shouldServeOpenMetricsWhenTheAcceptHeaderAsksForIt() throws Exception {
        final HttpResponse<String> reply = get("application/openmetrics-text; version=1.0.0");
        assertEquals(200, reply.statusCode());
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(reply.body().endsWith("# EOF\n"), reply.body());
        assertTrue(reply.body().contains("# TYPE hamlet_test_messages counter"), reply.body());
    }
}
