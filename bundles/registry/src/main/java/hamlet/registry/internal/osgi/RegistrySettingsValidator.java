package hamlet.registry.internal.osgi;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import hamlet.registry.internal.RegistrySettings;
import org.osgi.service.component.annotations.Component;

/**
 * Checks a proposed {@code hamlet.registry} section before the config bundle applies it, so that a value out of
 * range is refused with a message naming its key instead of reaching the running registry.
 *
 * <p>Threading: called from the config bundle's watcher thread; stateless.
 */
@Component(service = SettingsValidator.class, property = SettingsValidator.SECTION_PROPERTY + "=registry")
public final class RegistrySettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        RegistrySettings.from(proposed);
    }
}
