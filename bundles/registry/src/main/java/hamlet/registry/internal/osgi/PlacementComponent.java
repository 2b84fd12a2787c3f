package hamlet.registry.internal.osgi;

import hamlet.api.cluster.Activation;
import hamlet.api.cluster.Placement;
import hamlet.api.cluster.PlacementListener;
import hamlet.config.Sections;
import hamlet.registry.internal.ClusterActors;
import hamlet.registry.internal.FailoverSettings;
import hamlet.registry.internal.LocalActorSystem;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Wires the runtime's {@link ClusterActors} to the gossip bundle's {@link Placement}: registered as the
 * {@link PlacementListener} whiteboard service only while a Placement service and the runtime are there (both
 * references are mandatory, so Declarative Services registers this service exactly then), and fed section
 * {@code hamlet.failover} (optional: without it, the defaults of {@code reference.conf}), applied live.
 *
 * <p>Threading: Declarative Services calls activate, modified and deactivate; placement's notifier thread calls the
 * listener methods, which return at once (see {@link ClusterActors}).
 */
@Component(service = PlacementListener.class, configurationPid = "hamlet.failover",
    configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public final class PlacementComponent implements PlacementListener {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementComponent.class);

    @Reference
    private RuntimeHandle handle;

    @Reference
    private Placement placement;

    private ClusterActors clusterActors;

    @Activate
    void start(final Map<String, Object> properties) {
        final LocalActorSystem runtime = handle.runtime().orElseThrow(() -> new IllegalStateException(
            "placement bound while the actor runtime of this node is stopped"));
        clusterActors = runtime.clusterActors();
        apply(properties);
        clusterActors.bind(placement);
    }

    @Modified
    void reconfigure(final Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void stop() {
        clusterActors.unbind(placement);
    }

    private void apply(final Map<String, Object> properties) {
        try {
            clusterActors.apply(FailoverSettings.from(Sections.fromProperties(properties,
                PlacementComponent.class.getClassLoader())));
        } catch (final IllegalArgumentException e) {
            // The gossip bundle's validator refuses such edits first; this is the last line of defence.
            LOG.error("[{}] hamlet.failover not applied, the settings in force stay: {}", clusterActors.nodeId(),
                e.getMessage());
        }
    }

    @Override
    public void activate(final Activation activation) {
        clusterActors.activate(activation);
    }

    @Override
    public void deactivate(final String name, final long epoch, final String handTo, final long nextEpoch,
                           final String reason) {
        clusterActors.deactivate(name, epoch, handTo, nextEpoch, reason);
    }

    @Override
    public void forward(final String name, final String owner, final long epoch) {
        clusterActors.forward(name, owner, epoch);
    }
}
