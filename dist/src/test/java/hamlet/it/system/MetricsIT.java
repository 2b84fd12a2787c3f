package hamlet.it.system;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} of a live three-node cluster under traffic, read as an operator would: the families of every
 * bundle are there with values that make sense (members by state, counters that grew with the traffic, the JVM's
 * figures), nothing was refused, {@code promtool check metrics} finds no problem at all (its lint warnings
 * included), OpenMetrics comes when asked for, and every metric the shipped Grafana dashboard queries is on a node's
 * page. promtool comes from Debian's prometheus package, installed when missing and possible (root, apt-get);
 * elsewhere those checks are skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {
    private static final int NODES = 3;
    private static final String ECHO = "{\"behavior\":\"echo\",\"name\":\"echo\",\"group\":\"echoes\"}";
    /** Dashboard metrics a plain cluster cannot show: written only with TLS on (TlsClusterIT checks them there). */
    private static final Map<String, String> ONLY_WITH_TLS = Map.of("hamlet_tls_certificate_expiry_seconds",
        "no certificate without TLS");
    private static final Pattern OUR_NAMES = Pattern.compile("\\b(?:hamlet|jvm|process)_[a-zA-Z0-9_]+");

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final int[] adminPorts = new int[NODES];
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path home;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.numbered(() -> nodes);

    @BeforeAll
    void startCluster() throws IOException, InterruptedException {
        home = NodeProcess.distribution();
        final Path dir = Files.createTempDirectory("hamlet-metrics-");
        final int[] transportPorts = new int[NODES];
        for (int i = 0; i < NODES; i++) {
            transportPorts[i] = NodeProcess.freePort();
            adminPorts[i] = NodeProcess.freePort();
        }
        for (int i = 0; i < NODES; i++) {
            final Path nodeDir = Files.createDirectories(dir.resolve("node" + (i + 1)));
            final Path conf = nodeDir.resolve("node.conf");
            Files.writeString(conf, "hamlet {\n"
                + "  node { id = node" + (i + 1) + ", host = \"127.0.0.1\", port = " + transportPorts[i] + " }\n"
                + "  admin { host = \"127.0.0.1\", port = " + adminPorts[i] + " }\n"
                + "  cluster.seeds = [\"127.0.0.1:" + transportPorts[0] + "\"]\n"
                + "}\n");
            nodes.add(NodeProcess.start(home, adminPorts[i], nodeDir, "--conf", conf.toString(),
                "--data", nodeDir.resolve("data").toString()));
        }
        for (int i = 1; i <= NODES; i++) {
            final int n = i;
            node(n).await("node" + n + "'s /metrics shows 3 alive members", () -> {
                final MetricsPage page = scrapeQuietly(n);
                return page != null && page.value("hamlet_gossip_members", "state", "alive") == NODES;
            }, () -> String.valueOf(scrapeQuietly(n) == null ? "no page" : "members: "
                + scrapeQuietly(n).value("hamlet_gossip_members", "state", "alive")));
        }
        for (int i = 2; i <= NODES; i++) {
            final NodeProcess.Reply spawned = node(i).post("/api/actors", ECHO);
            assertEquals(201, spawned.status(), spawned.body());
        }
    }

    @AfterAll
    void stopCluster() {
        for (final NodeProcess node : nodes) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void shouldCountTheTrafficInEveryBundlesFamilies() throws Exception {
        final double before = orZero(scrape(2).value("hamlet_actor_messages_processed_total",
            "behavior", "echo", "group", "echoes"));
        final int asks = 50;
        for (int i = 0; i < asks; i++) {
            final NodeProcess.Reply reply = node(1).post("/api/ask",
                "{\"to\":\"node" + (2 + i % 2) + ":echo\",\"body\":\"ping " + i + "\",\"timeoutMs\":5000}");
            assertEquals(200, reply.status(), reply.body());
        }
        // One message in 64 is timed: send until node2 has timed some (a deadline, not a count, bounds it).
        final int[] sent = {0};
        node(2).await("node2's latency histogram has samples", () -> {
            try {
                for (int i = 0; i < 100; i++) {
                    node(1).post("/api/send", "{\"to\":\"node2:echo\",\"body\":\"tell " + sent[0]++ + "\"}");
                }
                return orZero(scrape(2).value("hamlet_actor_message_latency_seconds_count")) > 0;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> sent[0] + " tells sent");
        final MetricsPage one = scrape(1);
        final MetricsPage two = scrape(2);
        final double processed = two.value("hamlet_actor_messages_processed_total", "behavior", "echo",
            "group", "echoes");
        assertTrue(processed - before >= asks / 2.0, "echo on node2 handled the asks: " + before + " -> " + processed);
        assertTrue(two.value("hamlet_actor_messages_sent_total", "behavior", "echo", "group", "echoes") >= asks / 2.0,
            "echo's replies counted as sent");
        assertEquals(1, two.value("hamlet_actor_actors", "behavior", "echo", "group", "echoes"));
        assertTrue(two.value("hamlet_actor_processing_seconds_count", "behavior", "echo") > 0, two.text());
        assertTrue(one.value("hamlet_transport_frames_sent_total", "peer", "node2") > 0);
        assertTrue(one.value("hamlet_transport_sent_bytes_total", "peer", "node2") > 0);
        assertTrue(one.value("hamlet_transport_envelopes_sent_total", "peer", "node2") >= asks / 2.0);
        assertTrue(two.value("hamlet_transport_received_bytes_total", "peer", "node1") > 0);
        assertTrue(two.value("hamlet_transport_batch_envelopes_count", "peer", "node1") > 0);
        assertEquals(2, one.value("hamlet_transport_peers", "state", "up"), "node1's links to node2 and node3");
        for (int n = 1; n <= NODES; n++) {
            final MetricsPage page = scrape(n);
            assertEquals(NODES, page.value("hamlet_gossip_members", "state", "alive"), "node" + n);
            assertTrue(page.value("hamlet_gossip_probes_total") > 0, "node" + n + " probes");
            assertEquals(1, page.value("hamlet_gossip_in_majority"), "node" + n);
            assertTrue(page.value("hamlet_config_reloads_total") >= 1, "node" + n + " loaded its config");
            assertEquals(0, page.value("hamlet_tls_enabled"), "node" + n);
            assertTrue(page.value("process_cpu_seconds_total") > 0, "node" + n + " CPU");
            assertTrue(page.value("jvm_memory_used_bytes", "area", "heap") > 0, "node" + n + " heap");
            assertTrue(page.value("jvm_threads_current") > 10, "node" + n + " threads");
            assertTrue(page.value("process_start_time_seconds") > 1.7e9, "node" + n + " start time");
            assertEquals(0, page.value("hamlet_admin_metric_samples_refused_total"),
                "node" + n + ": no bundle wrote a sample that breaks the rules");
            assertEquals(0, page.value("hamlet_admin_metric_source_failures_total"), "node" + n);
        }
    }

    @Test
    @Order(2)
    void shouldPassPromtoolCheckMetricsOnEveryNodeLintIncluded() throws Exception {
        final Promtool.Found promtool = Promtool.find();
        Assumptions.assumeTrue(promtool.path() != null, () -> "skipped: " + promtool.whyNot());
        for (int n = 1; n <= NODES; n++) {
            final Promtool.Result checked = Promtool.run(promtool.path(), scrape(n).text(), "check", "metrics");
            System.out.printf("promtool check metrics on node%d: exit %d%s%n", n, checked.exit(),
                checked.output().isBlank() ? ", nothing to report" : ":\n" + checked.output());
            assertEquals(0, checked.exit(), "node" + n + ": " + checked.output());
            assertTrue(checked.output().isBlank(), "node" + n + ": promtool reported " + checked.output());
        }
        final Promtool.Result config = Promtool.run(promtool.path(), null, "check", "config",
            home.resolve("prometheus/prometheus.yml").toString());
        assertEquals(0, config.exit(), "the shipped prometheus.yml: " + config.output());
    }

    @Test
    @Order(3)
    void shouldServeOpenMetricsWhenTheScraperAsksForIt() throws Exception {
        final HttpResponse<String> reply = http.send(HttpRequest.newBuilder(metricsUri(2))
            .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;q=0.5")
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode());
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
        assertTrue(reply.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(reply.body().contains("# TYPE hamlet_actor_messages_processed counter"), "node2 runs echo: "
            + reply.body());
    }

    @Test
    @Order(4)
    void shouldHaveOnTheNodesEveryMetricTheGrafanaDashboardQueries() throws Exception {
        final Path dashboard = home.resolve("grafana/hamlet.json");
        assertTrue(Files.isRegularFile(dashboard), "the distribution ships " + dashboard);
        final Set<String> queried = new TreeSet<>();
        final List<String> expressions = new ArrayList<>();
        collectQueries(JsonParser.parseString(Files.readString(dashboard)), expressions);
        for (final String expr : expressions) {
            final Matcher m = OUR_NAMES.matcher(expr);
            while (m.find()) {
                queried.add(m.group());
            }
        }
        assertTrue(queried.size() > 30, "the dashboard's queries name our metrics: " + queried);
        final Set<String> present = new TreeSet<>();
        for (int n = 1; n <= NODES; n++) {
            present.addAll(scrape(n).names());
        }
        final Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(present);
        missing.removeAll(ONLY_WITH_TLS.keySet());
        assertEquals(Set.of(), missing, "metrics the dashboard queries that no node serves");
        System.out.printf("the Grafana dashboard queries %d metrics in %d expressions; all on the nodes (%s: %s)%n",
            queried.size(), expressions.size(), ONLY_WITH_TLS.keySet(), ONLY_WITH_TLS.values());
    }

    /** Every PromQL expression of the dashboard: panels' targets and template variables' queries. */
    private static void collectQueries(final JsonElement element, final List<String> out) {
        if (element.isJsonArray()) {
            for (final JsonElement e : (JsonArray) element) {
                collectQueries(e, out);
            }
        } else if (element.isJsonObject()) {
            for (final Map.Entry<String, JsonElement> entry : ((JsonObject) element).entrySet()) {
                final JsonElement value = entry.getValue();
                if (("expr".equals(entry.getKey()) || "query".equals(entry.getKey()) || "definition".equals(
                    entry.getKey())) && value.isJsonPrimitive()) {
                    out.add(value.getAsString());
                } else {
                    collectQueries(value, out);
                }
            }
        }
    }

    private NodeProcess node(final int number) {
        return nodes.get(number - 1);
    }

    private URI metricsUri(final int number) {
        return URI.create("http://127.0.0.1:" + adminPorts[number - 1] + "/metrics");
    }

    private MetricsPage scrape(final int number) throws IOException, InterruptedException {
        return MetricsPage.scrape(node(number));
    }

    private MetricsPage scrapeQuietly(final int number) {
        try {
            return scrape(number);
        } catch (final IOException | AssertionError e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static double orZero(final double value) {
        return Double.isNaN(value) ? 0 : value;
    }
}
