package hamlet.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Converts a config section to Configuration Admin properties and back. Stateless.
 */
public final class Sections {
    /** The root every Hamlet key lives under. */
    public static final String ROOT = "hamlet";

    private Sections() {
    }

    /**
     * The PID a section is pushed to.
     *
     * @param section the section's name under {@code hamlet}, e.g. {@code registry}
     * @return e.g. {@code hamlet.registry}
     */
    public static String pid(final String section) {
        return ROOT + "." + section;
    }

    /**
     * Flattens one section into properties keyed by full path.
     *
     * @param root the whole resolved config
     * @param section the section's name under {@code hamlet}
     * @return the section's leaves by full path, sorted; empty when the section is absent
     */
    public static Map<String, Object> toProperties(final Config root, final String section) {
        final Map<String, Object> properties = new TreeMap<>();
        final String path = pid(section);
        if (!root.hasPath(path)) {
            return properties;
        }
        for (final Map.Entry<String, ConfigValue> leaf : root.getConfig(path).entrySet()) {
            properties.put(path + "." + leaf.getKey(), leaf.getValue().unwrapped());
        }
        return properties;
    }

    /**
     * Rebuilds the config of the given sections from Configuration Admin properties, falling back to the
     * {@code reference.conf} found through {@code referenceLoader} (the calling bundle's own class loader) for
     * every key the properties lack. Properties not under {@code hamlet} (such as {@code service.pid}) are ignored.
     *
     * @param properties what Configuration Admin or Declarative Services passed; may be empty
     * @param referenceLoader the class loader whose {@code reference.conf} holds the bundle's defaults
     * @return the resolved config, rooted at the top (read {@code hamlet.registry...} from it)
     * @throws com.typesafe.config.ConfigException when a value cannot be read
     */
    public static Config fromProperties(final Map<String, ?> properties, final ClassLoader referenceLoader) {
        final Map<String, Object> hamletOnly = new TreeMap<>();
        for (final Map.Entry<String, ?> entry : properties.entrySet()) {
            if (entry.getKey().startsWith(ROOT + ".") && entry.getValue() != null) {
                hamletOnly.put(entry.getKey(), unwrapArrays(entry.getValue()));
            }
        }
        final Config reference = ConfigFactory.parseResources(
            referenceLoader, "reference.conf", ConfigParseOptions.defaults().setAllowMissing(true));
        return ConfigFactory.parseMap(hamletOnly, "Configuration Admin").withFallback(reference).resolve();
    }

    /**
     * Reads one key for a settings object, turning Typesafe Config's exceptions into the
     * {@link IllegalArgumentException} that validators and live edits report, with Typesafe's text, which names
     * the origin (file and line) of the bad value.
     *
     * @param key the full path of the key, for the message
     * @param read reads the value, e.g. {@code () -> config.getInt(key)}
     * @param <T> the value's type
     * @return the value
     * @throws IllegalArgumentException "KEY is missing" or "KEY is invalid: ..."
     */
    public static <T> T read(final String key, final Supplier<T> read) {
        try {
            return read.get();
        } catch (final ConfigException.Missing e) {
            throw new IllegalArgumentException(key + " is missing", e);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + " is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * The folder a relative path in the config (a token file, a certificate) is resolved against: that of the
     * node's config file, found as the config bundle finds it ({@code hamlet.conf.file}, else
     * {@code <hamlet.home>/conf/node.conf}, else {@code conf/node.conf} in the working directory). The config
     * bundle hands the same folder to {@link SettingsValidator#validate(Config, Path)}, so that what a validator
     * accepted is what the bundle reads.
     *
     * @param frameworkProperty reads a framework property ({@code BundleContext::getProperty}), null when unset
     * @return the folder, absolute
     * @since 1.3
     */
    public static Path configFolder(final UnaryOperator<String> frameworkProperty) {
        return hamlet.config.internal.ConfigFileLocator.locate(frameworkProperty, Path.of("").toAbsolutePath())
            .getParent();
    }

    /** Configuration Admin may hand lists back as arrays; Typesafe Config wants lists. */
    private static Object unwrapArrays(final Object value) {
        if (value instanceof Object[]) {
            return java.util.Arrays.asList((Object[]) value);
        }
        return value;
    }
}
