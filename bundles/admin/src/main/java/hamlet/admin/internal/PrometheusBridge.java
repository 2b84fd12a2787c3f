package hamlet.admin.internal;

import hamlet.api.metrics.MetricSource;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.function.Supplier;

/**
 * The bundles' {@link MetricSource}s as one collector of the Prometheus client library: at each scrape every source
 * writes into a fresh {@link ScrapeFamilies}, which keeps what follows the rules; a source that throws is left out
 * whole, counted and logged, and the others are served. The refusal counters themselves are part of the page.
 *
 * <p>Threading: {@link #collect} on whichever thread scrapes (Jetty's, the dashboard's), possibly two at once; each
 * scrape has its own families.
 */
final class PrometheusBridge implements MultiCollector {
    private final Supplier<List<MetricSource>> sources;
    private final MetricRefusals refusals;
    private final int seriesCap;

    /**
     * @param sources the sources bound now, read at each scrape
     * @param refusals where refused samples and failed sources are counted
     * @param seriesCap the most series one family may have
     */
    PrometheusBridge(final Supplier<List<MetricSource>> sources, final MetricRefusals refusals, final int seriesCap) {
        this.sources = sources;
        this.refusals = refusals;
        this.seriesCap = seriesCap;
    }

    @Override
    public MetricSnapshots collect() {
        final ScrapeFamilies families = new ScrapeFamilies(refusals, seriesCap);
        for (final MetricSource source : sources.get()) {
            families.begin();
            try {
                source.collect(families);
                families.commit();
            } catch (final RuntimeException | LinkageError e) {
                // A LinkageError too: a source of a bundle being updated may reach classes that went away.
                families.rollback();
                refusals.source(source, e);
            }
        }
        final List<MetricSnapshot> all = new java.util.ArrayList<>(families.snapshots());
        all.addAll(refusals.snapshots());
        return new MetricSnapshots(all);
    }
}
