package hamlet.admin.internal;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.function.Supplier;

/**
 * Builds what {@code GET /metrics} serves: a registry of its own (never the library's static default one, which
 * would outlive the admin component and keep its classes) holding the JVM's and the process's metrics from the
 * library's instrumentation (CPU, heap and pools, GC time, threads, uptime, open files) and the bundles' sources
 * through the {@link PrometheusBridge}. Made once per admin component activation.
 */
final class NodeMetrics {
    private NodeMetrics() {
    }

    /**
     * @param sources the bundles' metric sources
     * @param nodeId this node's id, for log lines
     * @return the registry to scrape
     */
    static Scrape create(final MetricSources sources, final Supplier<String> nodeId) {
        final PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        final MetricRefusals refusals = new MetricRefusals(nodeId,
            new LogLimiter(MetricRefusals.LOG_INTERVAL_NS, System::nanoTime));
        registry.register(new PrometheusBridge(sources::all, refusals, ScrapeFamilies.DEFAULT_SERIES_CAP));
        return new Scrape(registry, refusals);
    }

    /**
     * @param registry what to scrape
     * @param refusals its refusal counters, for tests
     */
    record Scrape(PrometheusRegistry registry, MetricRefusals refusals) {
    }
}
