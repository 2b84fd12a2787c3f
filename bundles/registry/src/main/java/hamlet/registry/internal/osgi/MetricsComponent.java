package hamlet.registry.internal.osgi;

import hamlet.api.metrics.MetricSource;
import hamlet.api.metrics.MetricWriter;
import hamlet.registry.internal.RegistryMetrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Offers the registry's metrics ({@link RegistryMetrics}) as a {@link MetricSource} service, reading the runtime in
 * force through the bundle's internal {@link RuntimeHandle}.
 */
@Component(service = MetricSource.class, immediate = true)
public final class MetricsComponent implements MetricSource {
    @Reference
    private RuntimeHandle handle;

    private RegistryMetrics metrics;

    @Activate
    void activate() {
        metrics = new RegistryMetrics(handle::runtime);
    }

    @Override
    public void collect(final MetricWriter out) {
        metrics.collect(out);
    }
}
