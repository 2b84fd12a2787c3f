package hamlet.registry.internal.osgi;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import hamlet.registry.internal.LocalActorSystem;
import hamlet.registry.internal.RegistrySettings;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.util.Optional;

/**
 * Checks a proposed {@code hamlet.node} section before the config bundle applies it: every key valid, and the node
 * id unchanged while the node runs (addresses carry it; changing it needs a restart).
 *
 * <p>Threading: called from the config bundle's watcher thread; reads a volatile reference.
 */
@Component(service = SettingsValidator.class, property = SettingsValidator.SECTION_PROPERTY + "=node")
public final class NodeSettingsValidator implements SettingsValidator {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RuntimeHandle running;

    @Override
    public void validate(final Config proposed) {
        check(proposed, running);
    }

    /**
     * @param proposed the whole proposed config
     * @param running the registry's handle, or null when the registry is not active
     * @throws IllegalArgumentException naming the key that is wrong
     */
    static void check(final Config proposed, final RuntimeHandle running) {
        final RegistrySettings settings = RegistrySettings.from(proposed);
        final Optional<String> runningId = running == null ? Optional.empty()
            : running.runtime().map(LocalActorSystem::nodeId);
        // A stopped runtime holds no id: the next one starts with whatever is proposed.
        if (runningId.isPresent() && !runningId.get().equals(settings.nodeId())) {
            throw new IllegalArgumentException(RegistrySettings.nodeIdChangeRefused(runningId.get()));
        }
    }
}
