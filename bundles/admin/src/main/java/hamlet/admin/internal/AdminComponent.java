package hamlet.admin.internal;

import hamlet.admin.internal.dashboard.Dashboard;
import hamlet.api.ActorSystem;
import hamlet.api.metrics.MetricSource;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Placement;
import hamlet.api.trace.TraceLog;
import hamlet.api.transport.Transport;
import hamlet.config.ConfigStatus;
import hamlet.config.Sections;
import hamlet.tls.TlsService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wires the admin API: section {@code hamlet.admin} from Configuration Admin, the node's {@link ActorSystem}, and
 * the config service, the {@link Transport}, the {@link NodeIdentity} and the gossip bundle's {@link Cluster} and
 * {@link Placement} when they are there (all optional and dynamic: the API follows them coming and going, and a new
 * identity after an edit of the node's host or port, without a restart), and the tls bundle's {@link TlsService}
 * (optional and dynamic too: with {@code hamlet.admin.https} on, its coming and going replaces the connector). A
 * live edit arrives as {@link #modified} and is applied without a restart.
 *
 * <p>{@code hamlet.admin.token-file} is read here, against the folder of {@code hamlet.conf.file} as the config
 * bundle resolves it, at activation and at each edit of the section. The validator read it too before the section
 * was pushed; if it cannot be read now (removed in between), an edit keeps the settings in force, and at
 * activation the API does not listen at all rather than without its token.
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile TraceLog traceLog;

    private volatile TlsService tls;
    private volatile AdminServer server;
    private final MetricSources metricSources = new MetricSources();
    /** GET /metrics: the JVM's metrics registered once per activation (DS makes a new instance for each). */
    private final NodeMetrics.Scrape metrics = NodeMetrics.create(metricSources, () -> system.nodeId());
    private Path configFolder;
    /** GET / and its event stream; runs for the component's life, whatever becomes of the listener. */
    private Dashboard dashboard;

    @Activate
    void activate(final BundleContext context, final Map<String, Object> properties) throws Exception {
        configFolder = Sections.configFolder(context::getProperty);
        dashboard = Dashboard.start(context, system, metricSources, () -> cluster, () -> placement,
            () -> transport);
        AdminSettings settings;
        try {
            settings = load(properties);
        } catch (final IllegalArgumentException e) {
            // The config bundle validates before it pushes, so this is a bug or a hand-made configuration.
            LOG.error("[{}] {}; the admin API starts with its defaults", system.nodeId(), e.getMessage());
            settings = load(Map.of());
        }
        BearerToken token;
        try {
            token = token(settings);
        } catch (final IllegalArgumentException e) {
            // Validated a moment ago, gone since: listening without the token would open the API to anyone.
            LOG.error("[{}] {}; the admin API does not listen until the file is fixed and hamlet.admin is edited",
                system.nodeId(), e.getMessage());
            return;
        }
        startServer(settings, token);
    }

    @Modified
    void modified(final Map<String, Object> properties) throws Exception {
        final AdminSettings settings;
        final BearerToken token;
        try {
            settings = load(properties);
            token = token(settings);
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] {}; the admin API keeps its settings and token", system.nodeId(), e.getMessage());
            return;
        }
        final AdminServer running = server;
        if (running != null) {
            running.apply(settings, token);
            return;
        }
        // Not listening since activation (its token file was unreadable then): start now.
        startServer(settings, token);
    }

    private void startServer(final AdminSettings settings, final BearerToken token) throws Exception {
        final AdminServer started = new AdminServer(system, () -> configStatus, () -> transport, () -> identity,
            () -> cluster, () -> placement, () -> tls, settings, token, AdminApi.DEFAULT_ASK_GRACE_MS,
            rawRoutes());
        started.traces(() -> traceLog);
        started.start();
        server = started;
    }

    /** @return the paths served beside the JSON API, in the order they are tried */
    private List<RawRoute> rawRoutes() {
        final List<RawRoute> routes = new ArrayList<>();
        routes.add(new MetricsRoute(metrics.registry()));
        routes.addAll(dashboard.routes());
        return routes;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindMetricSource(final MetricSource source) {
        metricSources.add(source);
    }

    void unbindMetricSource(final MetricSource source) {
        metricSources.remove(source);
    }

    /** Greedy: a new TLS service (the tls bundle updated) replaces the old one at once. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void bindTls(final TlsService service) {
        tls = service;
        final AdminServer running = server;
        if (running != null) {
            running.tlsChanged();
        }
    }

    void unbindTls(final TlsService service) {
        if (tls != service) {
            return; // replaced already
        }
        tls = null;
        final AdminServer running = server;
        if (running != null) {
            running.tlsChanged();
        }
    }

    /**
     * @return the token of {@code settings}: its {@code token}, or the content of its token file
     * @throws IllegalArgumentException when the file cannot be read, saying why (never its content)
     */
    private BearerToken token(final AdminSettings settings) {
        if (settings.tokenFile().isEmpty()) {
            return BearerToken.of(settings.token());
        }
        final BearerToken token = BearerToken.of(TokenFile.read(configFolder, settings.tokenFile()));
        final String exposure = TokenFile.exposure(configFolder, settings.tokenFile());
        if (exposure != null) {
            LOG.warn("[{}] {}", system.nodeId(), exposure);
        }
        return token;
    }

    @Deactivate
    void deactivate() {
        final AdminServer running = server;
        if (running != null) {
            running.stop();
        }
        if (dashboard != null) {
            dashboard.stop();
        }
    }

    private AdminSettings load(final Map<String, ?> properties) {
        try {
            return AdminSettings.from(Sections.fromProperties(properties, getClass().getClassLoader()));
        } catch (final com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
