package hamlet.config.internal;

import hamlet.api.NodeIdentity;
import hamlet.api.metrics.MetricSource;
import hamlet.api.metrics.MetricWriter;
import hamlet.config.ConfigStatus;
import hamlet.config.SettingsValidator;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.ServiceTracker;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wires the config bundle: tracks the bundles' reference.conf files and the validators, does the first load and
 * push, runs the watcher thread, and offers {@link ConfigStatus} and, from the first applied config on, the node's
 * {@link NodeIdentity} (see {@link NodeIdentityPublisher}). The logic lives in {@link LiveConfig} and
 * {@link ConfigAgent}.
 */
@Component(service = {ConfigStatus.class, MetricSource.class}, immediate = true)
public final class ConfigComponent implements ConfigStatus, MetricSource {
    /** Every state but UNINSTALLED: an installed bundle's keys are known before it resolves or starts. */
    private static final int TRACKED_STATES =
        Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING;
    /** Configuration Admin's "any bundle may bind" location: the sections are for whoever owns them. */
    private static final String ANY_LOCATION = "?";
    private static final long STOP_TIMEOUT_MS = 900;
    /**
     * The kernel's framework property saying it reports boot vetoes, and the service property of one (the kernel's
     * FrameworkSettings; matched by name, as bundles cannot see the launcher's classes).
     */
    static final String BOOT_VETOES_REPORTED = "hamlet.boot.vetoes.reported";
    static final String BOOT_VETO = "hamlet.boot.veto";

    @Reference
    private ConfigurationAdmin configurationAdmin;

    private volatile LiveConfig live;
    private BundleTracker<Long> bundleTracker;
    private ServiceTracker<SettingsValidator, SettingsValidator> validatorTracker;
    private volatile WatcherThread watcher;
    /** The validators the bundles declare, used by the first load only, before their services are registered. */
    private volatile List<NamedValidator> declared = List.of();
    private ServiceRegistration<Object> veto;
    private NodeIdentityPublisher identity;

    @Activate
    void activate(final BundleContext context) {
        final Path file = ConfigFileLocator.locate(context::getProperty, Path.of("").toAbsolutePath());
        final ReferenceSet references = new ReferenceSet();
        final ReferenceTracker referenceTracker = new ReferenceTracker(references, this::nodeId);
        referenceTracker.read(context.getBundle());
        bundleTracker = new BundleTracker<>(context, TRACKED_STATES, referenceTracker);
        validatorTracker = new ServiceTracker<>(context, SettingsValidator.class, null);
        bundleTracker.open();
        validatorTracker.open();
        identity = new NodeIdentityPublisher(NodeIdentity.uidOf(context.getProperty(Constants.FRAMEWORK_UUID)),
            next -> {
                final ServiceRegistration<NodeIdentity> registration =
                    context.registerService(NodeIdentity.class, next, null);
                return registration::unregister;
            });
        try {
            final SectionPusher pusher = new SectionPusher((pid, properties) ->
                configurationAdmin.getConfiguration(pid, ANY_LOCATION).update(new Hashtable<>(properties)));
            final boolean vetoesReported = Boolean.parseBoolean(context.getProperty(BOOT_VETOES_REPORTED));
            live = new LiveConfig(file.toString(), pusher, this::validators,
                Overrides.of(System.getenv(), systemProperties()), Clock.systemUTC(), vetoesReported,
                identity::onApplied);
            final ConfigAgent agent = new ConfigAgent(new PathFileSource(file), references, live);
            declared = DeclaredValidators.of(context.getBundles(), this::nodeId);
            try {
                agent.start(System.nanoTime());
            } finally {
                // From now on each bundle's validator is its service: a declared one could outlive an update.
                declared = List.of();
            }
            live.startRefusal().ifPresent(refusal -> veto = context.registerService(Object.class, new Object(),
                new Hashtable<>(Map.of(BOOT_VETO, vetoLine(refusal)))));
            watcher = new WatcherThread(agent, this::nodeId);
            watcher.start();
        } catch (final RuntimeException e) {
            identity.close();
            bundleTracker.close();
            validatorTracker.close();
            throw e;
        }
    }

    /** The one line the kernel prints for a file refused at start, e.g. "config refused at start: FILE:5: ...". */
    static String vetoLine(final Refusal refusal) {
        final String suffix = " (line " + refusal.line() + ")";
        final String message = refusal.message().endsWith(suffix)
            ? refusal.message().substring(0, refusal.message().length() - suffix.length()) : refusal.message();
        return "config refused at start: " + refusal.where() + ": " + message;
    }

    @Deactivate
    void deactivate() {
        if (veto != null) {
            try {
                veto.unregister();
            } catch (final IllegalStateException e) {
                // already gone with the bundle
            }
            veto = null;
        }
        watcher.stop(STOP_TIMEOUT_MS);
        identity.close();
        bundleTracker.close();
        validatorTracker.close();
    }

    private String nodeId() {
        final LiveConfig current = live;
        return current == null ? "?" : current.nodeId();
    }

    private List<NamedValidator> validators() {
        final List<NamedValidator> validators = new ArrayList<>();
        for (final Map.Entry<ServiceReference<SettingsValidator>, SettingsValidator> entry
            : validatorTracker.getTracked().entrySet()) {
            final Object section = entry.getKey().getProperty(SettingsValidator.SECTION_PROPERTY);
            validators.add(new NamedValidator(String.valueOf(section), entry.getValue()));
        }
        // A section whose validator service is there already is checked by it alone.
        for (final NamedValidator candidate : declared) {
            if (validators.stream().noneMatch(v -> v.section().equals(candidate.section())
                && v.validator().getClass().getName().equals(candidate.validator().getClass().getName()))) {
                validators.add(candidate);
            }
        }
        validators.sort(Comparator.comparing(NamedValidator::section));
        return validators;
    }

    private static Map<String, String> systemProperties() {
        final Map<String, String> properties = new HashMap<>();
        for (final String name : System.getProperties().stringPropertyNames()) {
            final String value = System.getProperty(name);
            if (value != null) {
                properties.put(name, value);
            }
        }
        return properties;
    }

    @Override
    public String file() {
        return live.status().file();
    }

    @Override
    public String effective() {
        return live.status().effective();
    }

    @Override
    public String effectiveJson() {
        return live.status().effectiveJson();
    }

    @Override
    public Instant appliedAt() {
        return live.status().appliedAt();
    }

    /** The config bundle's metrics ({@link ConfigMetrics}). Any thread. */
    @Override
    public void collect(final MetricWriter out) {
        if (live != null) {
            ConfigMetrics.collect(this, out);
        }
    }

    @Override
    public long appliedCount() {
        return live.status().appliedCount();
    }

    @Override
    public long rejectedCount() {
        return live.status().rejectedCount();
    }

    @Override
    public long watcherFailures() {
        final WatcherThread current = watcher;
        return current == null ? 0 : current.failures();
    }

    @Override
    public Optional<Rejection> lastRejection() {
        return live.status().lastRejection();
    }
}
