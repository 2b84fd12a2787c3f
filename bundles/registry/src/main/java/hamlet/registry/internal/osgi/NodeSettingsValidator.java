package hamlet.registry.internal.osgi;

import com.typesafe.config.Config;
import hamlet.api.ActorSystem;
import hamlet.config.SettingsValidator;
import hamlet.registry.internal.RegistrySettings;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Checks a proposed {@code hamlet.node} section before the config bundle applies it: every key valid, and the node
 * id unchanged while the node runs (addresses carry it; changing it needs a restart).
 *
 * <p>Threading: called from the config bundle's watcher thread; reads a volatile reference.
 */
@Component(service = SettingsValidator.class, property = SettingsValidator.SECTION_PROPERTY + "=node")
public final class NodeSettingsValidator implements SettingsValidator {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ActorSystem running;

    @Override
    public void validate(final Config proposed) {
        check(proposed, running);
    }

    /**
     * @param proposed the whole proposed config
     * @param running the node's actor system, or null when none runs
     * @throws IllegalArgumentException naming the key that is wrong
     */
    static void check(final Config proposed, final ActorSystem running) {
        final RegistrySettings settings = RegistrySettings.from(proposed);
        if (running != null) {
            final String runningId;
            try {
                runningId = running.nodeId();
            } catch (final IllegalStateException stopped) {
                return;
            }
            if (!runningId.equals(settings.nodeId())) {
                throw new IllegalArgumentException(RegistrySettings.nodeIdChangeRefused(runningId));
            }
        }
    }
}
