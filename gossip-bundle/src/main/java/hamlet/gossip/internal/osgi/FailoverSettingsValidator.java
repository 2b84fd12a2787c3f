package hamlet.gossip.internal.osgi;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import hamlet.gossip.internal.PlacementSettings;
import org.osgi.service.component.annotations.Component;

/**
 * Checks a proposed {@code hamlet.failover} section before the config bundle applies it: an unknown key or a lease
 * setting out of range is refused with its file, line and key, and the settings in force keep running. (The
 * registry checks the values of its own keys in the same section.)
 *
 * <p>Threading: called from the config bundle's watcher thread; stateless.
 */
@Component(service = SettingsValidator.class, property = SettingsValidator.SECTION_PROPERTY + "=failover")
public final class FailoverSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        PlacementSettings.from(proposed);
    }
}
