package hamlet.registry.internal.osgi;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import hamlet.registry.internal.ActorsSettings;
import org.osgi.service.component.annotations.Component;

/**
 * Checks a proposed {@code hamlet.actors} section before the config bundle applies it: an entry without a
 * behaviour, with instances below 1 or with a bad name refuses the edit, and the actors in force keep running.
 *
 * <p>Threading: called from the config bundle's watcher thread; stateless.
 */
@Component(service = SettingsValidator.class, property = SettingsValidator.SECTION_PROPERTY + "=actors")
public final class ActorsSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        ActorsSettings.from(proposed);
    }
}
