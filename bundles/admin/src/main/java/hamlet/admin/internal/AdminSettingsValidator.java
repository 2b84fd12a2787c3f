package hamlet.admin.internal;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import org.osgi.service.component.annotations.Component;

import java.nio.file.Path;

/**
 * Refuses an edit of section {@code hamlet.admin} that {@link AdminSettings#from} would refuse, or that turns HTTPS on
 * without TLS, or names a token file that cannot be read, before the config bundle applies anything. So at start
 * the node does not start (the Hamlet launcher prints the one line and exits 2), and a live edit leaves the config
 * in force. The config bundle builds it before this bundle starts, which is why it has no references and no state.
 *
 * <p>The token file is resolved against the folder the config bundle passes, which is the one the component
 * resolves it against ({@link hamlet.config.Sections#configFolder}); the component reads it again when it applies
 * the section, and keeps its last good settings if the file went away in between.
 */
@Component(property = SettingsValidator.SECTION_PROPERTY + "=admin")
public final class AdminSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        AdminSettings.from(proposed).checkAgainst(proposed);
    }

    @Override
    public void validate(final Config proposed, final Path configFolder) {
        final AdminSettings settings = AdminSettings.from(proposed);
        settings.checkAgainst(proposed);
        if (!settings.tokenFile().isEmpty()) {
            TokenFile.read(configFolder, settings.tokenFile());
        }
    }
}
