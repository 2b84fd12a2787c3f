package hamlet.gossip.internal.osgi;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import hamlet.gossip.internal.GossipSettings;
import org.osgi.service.component.annotations.Component;

/**
 * Checks a proposed {@code hamlet.gossip} section before the config bundle applies it, so that a bad value (a probe
 * timeout not below the probe interval, a count out of range, an unknown key) is refused with its file, line and key,
 * and the settings in force keep running.
 *
 * <p>Threading: called from the config bundle's watcher thread; stateless.
 */
@Component(service = SettingsValidator.class, property = SettingsValidator.SECTION_PROPERTY + "=gossip")
public final class GossipSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        GossipSettings.from(proposed);
    }
}
