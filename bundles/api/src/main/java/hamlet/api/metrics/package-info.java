/**
 * How a bundle shows its metrics to operators without depending on any metrics library: it registers a
 * {@link hamlet.api.metrics.MetricSource} service, and whoever exposes metrics (the admin bundle's
 * {@code GET /metrics}, its dashboard) calls it and writes what it says in its own format.
 *
 * <p>Names follow Prometheus conventions: {@code hamlet_<bundle>_<what>_<unit>}, snake case, base units (seconds,
 * bytes); a counter's name has no {@code _total} (the exposition adds it). Label values come from bounded sets
 * (a behaviour, a group, a peer node, a reason, a state): never an actor's name, a message or anything a remote
 * party chooses freely.
 */
@Export
@Version("1.0.0")
package hamlet.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
