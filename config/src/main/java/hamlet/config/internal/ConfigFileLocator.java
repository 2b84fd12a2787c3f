package hamlet.config.internal;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Finds the node's config file from the framework properties the kernel sets. Stateless. Public for
 * {@link hamlet.config.Sections#configFolder} only: the package is not exported.
 */
public final class ConfigFileLocator {
    static final String CONF_FILE_PROPERTY = "hamlet.conf.file";
    static final String HOME_PROPERTY = "hamlet.home";

    private ConfigFileLocator() {
    }

    /**
     * @param property reads a framework property (BundleContext.getProperty), null when unset
     * @param workingDirectory where to look when neither property is set
     * @return {@code hamlet.conf.file}, else {@code <hamlet.home>/conf/node.conf}, else
     *     {@code <working directory>/conf/node.conf}; absolute
     */
    public static Path locate(final UnaryOperator<String> property, final Path workingDirectory) {
        final String file = property.apply(CONF_FILE_PROPERTY);
        if (file != null && !file.isBlank()) {
            return workingDirectory.resolve(file.trim()).toAbsolutePath().normalize();
        }
        final String home = property.apply(HOME_PROPERTY);
        final Path base = home != null && !home.isBlank() ? workingDirectory.resolve(home.trim()) : workingDirectory;
        return base.resolve("conf").resolve("node.conf").toAbsolutePath().normalize();
    }
}
