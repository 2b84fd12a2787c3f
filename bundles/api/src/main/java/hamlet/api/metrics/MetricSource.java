package hamlet.api.metrics;

/**
 * One bundle's metrics, read at every scrape. Register an implementation as an OSGi service.
 *
 * <p>Threading: {@link #collect} is called on the reader's thread (an HTTP thread of the admin bundle, the
 * dashboard's sampler), possibly from two threads at once. It reads counters the bundle keeps anyway; it must not
 * block, take a lock its own hot path waits on, or call into another bundle.
 */
@FunctionalInterface
public interface MetricSource {
    /**
     * Writes every metric of this source as it is now.
     *
     * @param out where to write; valid only during the call
     */
    void collect(MetricWriter out);
}
