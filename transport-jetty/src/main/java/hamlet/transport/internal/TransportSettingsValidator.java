package hamlet.transport.internal;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import org.osgi.service.component.annotations.Component;

/**
 * Refuses an edit of section {@code hamlet.transport} that {@link TransportSettings#from} would refuse. Stateless.
 */
@Component(property = SettingsValidator.SECTION_PROPERTY + "=transport")
public final class TransportSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        TransportSettings.from(proposed);
    }
}
