package hamlet.admin.internal;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.Transport;
import hamlet.config.ConfigStatus;
import hamlet.config.Sections;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Wires the admin API: section {@code hamlet.admin} from Configuration Admin, the node's {@link ActorSystem}, and
 * the config service, the {@link Transport}, the {@link NodeIdentity} and the gossip bundle's {@link Cluster} and
 * {@link Placement} when they are there (all optional and dynamic: the API follows them coming and going, and a new
 * identity after an edit of the node's host or port, without a restart). A live edit arrives as {@link #modified} and is applied without a
 * restart.
 */
@Component(configurationPid = AdminSettings.SECTION, configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
public final class AdminComponent {
    private static final Logger LOG = LoggerFactory.getLogger(AdminComponent.class);

    @Reference
    private ActorSystem system;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigStatus configStatus;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Transport transport;

    /** The config bundle offers a new one before it withdraws the old one: rebinding leaves no gap. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile NodeIdentity identity;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Cluster cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Placement placement;

    private AdminServer server;

    @Activate
    void activate(final Map<String, Object> properties) throws Exception {
        AdminSettings settings;
        try {
            settings = load(properties);
        } catch (final IllegalArgumentException e) {
            // The config bundle validates before it pushes, so this is a bug or a hand-made configuration.
            LOG.error("[{}] {}; the admin API starts with its defaults", system.nodeId(), e.getMessage());
            settings = load(Map.of());
        }
        server = new AdminServer(system, () -> configStatus, () -> transport, () -> identity, () -> cluster,
            () -> placement, settings, AdminApi.DEFAULT_ASK_GRACE_MS);
        server.start();
    }

    @Modified
    void modified(final Map<String, Object> properties) {
        try {
            server.apply(load(properties));
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] {}; the admin API keeps its settings", system.nodeId(), e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        server.stop();
    }

    private AdminSettings load(final Map<String, ?> properties) {
        try {
            return AdminSettings.from(Sections.fromProperties(properties, getClass().getClassLoader()));
        } catch (final com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
