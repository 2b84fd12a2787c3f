package hamlet.transport.internal;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import org.osgi.service.component.annotations.Component;

/**
 * Refuses an edit of section {@code hamlet.cluster} (name, seeds) that {@link TransportSettings#from} would refuse.
 * Stateless.
 */
@Component(property = SettingsValidator.SECTION_PROPERTY + "=cluster")
public final class ClusterSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        TransportSettings.from(proposed);
    }
}
