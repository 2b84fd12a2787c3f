package hamlet.tls.internal;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import org.osgi.service.component.annotations.Component;

import java.nio.file.Path;

/**
 * Refuses an edit of section {@code hamlet.tls} that {@link TlsSettings#from} would refuse (its keys and values;
 * the files themselves are checked by the component, which knows the config file's folder). Stateless.
 */
@Component(property = SettingsValidator.SECTION_PROPERTY + "=tls")
public final class TlsSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        TlsSettings.from(proposed, Path.of(""));
    }
}
