package hamlet.admin.internal;

import hamlet.api.metrics.Histogram;
import hamlet.api.metrics.MetricSource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bridge from the bundles' metric sources to the client library: what it keeps, what it refuses and counts. */
class PrometheusBridgeTest {
    private final List<MetricSource> sources = new ArrayList<>();
    private final MetricRefusals refusals = new MetricRefusals(() -> "node1", new LogLimiter(0, System::nanoTime));

    private String scrape(final int seriesCap) throws Exception {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusBridge(() -> sources, refusals, seriesCap));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private String scrape() throws Exception {
        return scrape(ScrapeFamilies.DEFAULT_SERIES_CAP);
    }

    @Test
    void shouldWriteCountersGaugesAndHistogramsAsTheSourcesSay() throws Exception {
        final Histogram histogram = new Histogram(0.001, 0.01, 0.1);
        histogram.observe(0.0005);
        histogram.observe(0.05);
        histogram.observe(5);
        sources.add(out -> {
            out.counter("hamlet_test_messages", "Messages", 12, "peer", "node2");
            out.gauge("hamlet_test_depth", "Depth", 3);
            out.histogram("hamlet_test_seconds", "Time", histogram.snapshot(), "behavior", "echo");
        });
        final String page = scrape();
        assertTrue(page.contains("# TYPE hamlet_test_messages_total counter"), page);
        assertTrue(page.contains("hamlet_test_messages_total{peer=\"node2\"} 12.0"), page);
        assertTrue(page.contains("hamlet_test_depth 3.0"), page);
        assertTrue(page.contains("hamlet_test_seconds_bucket{behavior=\"echo\",le=\"0.001\"} 1"), page);
        assertTrue(page.contains("hamlet_test_seconds_bucket{behavior=\"echo\",le=\"0.1\"} 2"), page);
        assertTrue(page.contains("hamlet_test_seconds_bucket{behavior=\"echo\",le=\"+Inf\"} 3"), page);
        assertTrue(page.contains("hamlet_test_seconds_count{behavior=\"echo\"} 3"), page);
        assertTrue(page.contains("hamlet_admin_metric_samples_refused_total{reason=\"bad_name\"} 0.0"), page);
    }

    @Test
    void shouldRefuseAndCountSamplesThatBreakTheRulesAndServeTheRest() throws Exception {
        sources.add(out -> {
            out.counter("hamlet bad name", "x", 1);
            out.counter("hamlet_test_things_total", "x", 1);
            out.gauge("jvm_threads_current", "outside the namespace", 1);
            out.counter("hamlet_test_odd", "x", 1, "peer");
            out.counter("hamlet_test_reserved", "x", 1, "le", "1");
            out.counter("hamlet_test_negative", "x", -1);
            out.counter("hamlet_test_kept", "x", 1, "peer", "a");
            out.gauge("hamlet_test_kept", "x", 1, "peer", "b");
            out.counter("hamlet_test_kept", "x", 1, "node", "b");
            out.counter("hamlet_test_kept", "x", 2, "peer", "a");
        });
        final String page = scrape();
        assertTrue(page.contains("hamlet_test_kept_total{peer=\"a\"} 1.0"), page);
        assertFalse(page.contains("bad name") || page.contains("things_total_total") || page.contains("odd")
            || page.contains("reserved") || page.contains("negative") || page.contains("jvm_threads_current"), page);
        assertEquals(3, refusals.count(MetricRefusals.Reason.BAD_NAME));
        assertEquals(2, refusals.count(MetricRefusals.Reason.BAD_LABELS));
        assertEquals(1, refusals.count(MetricRefusals.Reason.BAD_VALUE));
        assertEquals(1, refusals.count(MetricRefusals.Reason.TYPE_CONFLICT));
        assertEquals(1, refusals.count(MetricRefusals.Reason.LABEL_CONFLICT));
        assertEquals(1, refusals.count(MetricRefusals.Reason.DUPLICATE_SERIES));
        assertTrue(page.contains("hamlet_admin_metric_samples_refused_total{reason=\"type_conflict\"} 1.0"), page);
    }

    @Test
    void shouldCapTheSeriesOfOneFamily() throws Exception {
        sources.add(out -> {
            for (int i = 0; i < 7; i++) {
                out.gauge("hamlet_test_wide", "x", i, "peer", "n" + i);
            }
        });
        final String page = scrape(5);
        assertTrue(page.contains("hamlet_test_wide{peer=\"n4\"}"), page);
        assertFalse(page.contains("hamlet_test_wide{peer=\"n5\"}"), page);
        assertEquals(2, refusals.count(MetricRefusals.Reason.SERIES_CAP));
    }

    @Test
    void shouldLeaveOutASourceThatThrowsWholeAndServeTheOthers() throws Exception {
        sources.add(out -> out.gauge("hamlet_test_before", "x", 1));
        sources.add(out -> {
            out.gauge("hamlet_test_half", "x", 1);
            out.gauge("hamlet_test_before", "x", 2, "peer", "x");
            throw new IllegalStateException("broken source");
        });
        sources.add(out -> out.gauge("hamlet_test_after", "x", 3));
        final String page = scrape();
        assertTrue(page.contains("hamlet_test_before 1.0"), page);
        assertTrue(page.contains("hamlet_test_after 3.0"), page);
        assertFalse(page.contains("hamlet_test_half"), page);
        assertEquals(1, refusals.sourceFailures());
        assertTrue(page.contains("hamlet_admin_metric_source_failures_total 1.0"), page);
        // The second source's label conflict was counted before it threw; what it wrote is gone all the same.
        assertEquals(1, refusals.count(MetricRefusals.Reason.LABEL_CONFLICT));
    }

    @Test
    void shouldAnswerOpenMetricsOnlyWhenAskedFor() {
        final MetricsRoute route = new MetricsRoute(new PrometheusRegistry());
        assertTrue(route.writerFor(null).getContentType().startsWith("text/plain; version=0.0.4"));
        assertTrue(route.writerFor("*/*").getContentType().startsWith("text/plain"));
        assertTrue(route.writerFor("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
            .getContentType().startsWith("application/openmetrics-text"));
    }
}
