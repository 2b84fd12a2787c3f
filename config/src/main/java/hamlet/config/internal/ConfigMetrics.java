package hamlet.config.internal;

import hamlet.api.metrics.MetricWriter;
import hamlet.config.ConfigStatus;

/**
 * The config bundle's metrics: configs applied (the first load and every valid edit), edits refused (the config in
 * force kept), failures of the file watcher, and when the config in force was applied.
 *
 * <p>Threading: any thread; reads the status snapshot only.
 */
final class ConfigMetrics {
    private ConfigMetrics() {
    }

    /**
     * @param status the config service
     * @param out where to write
     */
    static void collect(final ConfigStatus status, final MetricWriter out) {
        out.counter("hamlet_config_reloads", "Configs applied: the first load and every valid edit of the file",
            status.appliedCount());
        out.counter("hamlet_config_reloads_refused",
            "Loads and edits refused as invalid; the config in force was kept", status.rejectedCount());
        out.counter("hamlet_config_watcher_failures", "Failures of the thread that watches the config file",
            status.watcherFailures());
        out.gauge("hamlet_config_last_reload_timestamp_seconds", "When the config in force was applied (Unix time)",
            status.appliedAt().toEpochMilli() / 1000.0);
    }
}
