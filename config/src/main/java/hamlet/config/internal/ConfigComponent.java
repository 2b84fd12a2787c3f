package hamlet.config.internal;

import hamlet.config.ConfigStatus;
import hamlet.config.SettingsValidator;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
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
 * push, runs the watcher thread, and offers {@link ConfigStatus}. The logic lives in {@link LiveConfig} and
 * {@link ConfigAgent}.
 */
@Component(service = ConfigStatus.class, immediate = true)
public final class ConfigComponent implements ConfigStatus {
    /** Every state but UNINSTALLED: an installed bundle's keys are known before it resolves or starts. */
    private static final int TRACKED_STATES =
        Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING;
    /** Configuration Admin's "any bundle may bind" location: the sections are for whoever owns them. */
    private static final String ANY_LOCATION = "?";
    private static final long STOP_TIMEOUT_MS = 900;

    @Reference
    private ConfigurationAdmin configurationAdmin;

    private volatile LiveConfig live;
    private BundleTracker<Long> bundleTracker;
    private ServiceTracker<SettingsValidator, SettingsValidator> validatorTracker;
    private volatile WatcherThread watcher;

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
        try {
            final SectionPusher pusher = new SectionPusher((pid, properties) ->
                configurationAdmin.getConfiguration(pid, ANY_LOCATION).update(new Hashtable<>(properties)));
            live = new LiveConfig(file.toString(), pusher, this::validators,
                Overrides.of(System.getenv(), systemProperties()), Clock.systemUTC());
            final ConfigAgent agent = new ConfigAgent(new PathFileSource(file), references, live);
            agent.start(System.nanoTime());
            watcher = new WatcherThread(agent, this::nodeId);
            watcher.start();
        } catch (final RuntimeException e) {
            bundleTracker.close();
            validatorTracker.close();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        watcher.stop(STOP_TIMEOUT_MS);
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
