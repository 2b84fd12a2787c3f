package hamlet.admin.internal;

import hamlet.api.metrics.MetricSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link MetricSource} services of the running bundles, as the admin component's dynamic reference follows
 * them. Thread-safe: bound and unbound on the framework's threads, read by every scrape and by the dashboard.
 */
public final class MetricSources {
    private final CopyOnWriteArrayList<MetricSource> sources = new CopyOnWriteArrayList<>();

    void add(final MetricSource source) {
        sources.addIfAbsent(source);
    }

    void remove(final MetricSource source) {
        sources.remove(source);
    }

    /** @return the sources bound now, in the order they came */
    public List<MetricSource> all() {
        return List.copyOf(sources);
    }
}
