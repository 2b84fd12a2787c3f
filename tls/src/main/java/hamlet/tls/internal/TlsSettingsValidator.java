package hamlet.tls.internal;

import com.typesafe.config.Config;
import hamlet.config.SettingsValidator;
import org.osgi.service.component.annotations.Component;

import java.nio.file.Path;

/**
 * Refuses an edit of section {@code hamlet.tls} that {@link TlsSettings#from} would refuse and, with TLS on, one
 * whose files would be refused: missing or unreadable, a certificate of another node or of a CA not in the bundle,
 * a key that is not the certificate's. So a node with TLS on and bad files does not start (one line, exit 2), and
 * a live edit naming bad files leaves the config in force. Validity dates are not checked here, since the time of
 * an edit is not the time the files are used: the component refuses an expired certificate at start, and warns
 * ahead of expiry. Stateless.
 */
@Component(property = SettingsValidator.SECTION_PROPERTY + "=tls")
public final class TlsSettingsValidator implements SettingsValidator {
    @Override
    public void validate(final Config proposed) {
        TlsSettings.from(proposed, Path.of(""));
    }

    @Override
    public void validate(final Config proposed, final Path configFolder) {
        final TlsSettings settings = TlsSettings.from(proposed, configFolder);
        if (settings.enabled()) {
            try {
                TlsMaterial.load(settings, null);
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("hamlet.tls: " + e.getMessage() + hint(e, settings), e);
            }
        }
    }

    /** What to run when the node's own files are missing. */
    static String hint(final IllegalArgumentException e, final TlsSettings settings) {
        return e.getMessage() != null && e.getMessage().contains("does not exist")
            ? " (bin/hamlet certs node " + settings.nodeId() + " writes this node's files)" : "";
    }
}
