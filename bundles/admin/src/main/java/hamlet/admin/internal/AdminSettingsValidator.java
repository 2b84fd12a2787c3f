package hamlet.admin.internal;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import org.osgi.service.component.annotations.Component;

/**
 * Refuses an edit of section {@code hamlet.admin} that {@link AdminSettings#from} would refuse, before the config
 * bundle applies anything. Stateless.
 */
@Component(property = SettingsValidator.SECTION_PROPERTY + "=admin")
public final class AdminSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        AdminSettings.from(proposed);
    }
}
