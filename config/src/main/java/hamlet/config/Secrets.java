package hamlet.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which config keys hold secrets, and the config with their values hidden, for everything that shows config to a
 * person: {@code GET /api/config}, {@code config:show}, refusal messages and log lines. A key is secret when its
 * last path segment is {@code token}, {@code password} or {@code key-password}, or ends with {@code -password} or
 * {@code secret} (so {@code client-secret} too). The rule goes by name alone, so that a bundle's new secret is
 * hidden without the config bundle knowing it: name it so. Stateless.
 *
 * @since 1.3
 */
public final class Secrets {
    /** What is shown instead of a secret that is set. An unset secret ({@code ""}) is shown as {@code ""}. */
    public static final String REDACTED = "<redacted>";

    private Secrets() {
    }

    /**
     * @param key one path segment, e.g. {@code key-password}
     * @return whether a value under that name is a secret
     */
    public static boolean isSecretKey(final String key) {
        final String name = key.toLowerCase(Locale.ROOT);
        return name.equals("token") || name.equals("password") || name.equals("key-password")
            || name.endsWith("-password") || name.endsWith("secret");
    }

    /**
     * @param path a config path, e.g. {@code hamlet.tls.key-password}
     * @return whether its last segment names a secret
     */
    public static boolean isSecretPath(final String path) {
        String last;
        try {
            final List<String> segments = ConfigUtil.splitPath(path);
            last = segments.get(segments.size() - 1);
        } catch (final ConfigException e) {
            // Not a valid path expression (a message's text, say): its last dotted part is the best guess.
            last = path.substring(path.lastIndexOf('.') + 1);
        }
        return isSecretKey(last);
    }

    /**
     * @param path where {@code value} sits
     * @param value a value of the config
     * @return {@code value} itself when it is not a secret or an empty string; {@link #REDACTED} otherwise
     */
    public static ConfigValue redact(final String path, final ConfigValue value) {
        return isSecretPath(path) ? hidden(value) : value;
    }

    /**
     * @param config a config, resolved or not
     * @return the same config with the value of every secret key, at any depth (lists of objects too), replaced by
     *     {@link #REDACTED}; where each value came from is kept, the comments above a secret are dropped (an old
     *     token left in a comment would otherwise be shown)
     */
    public static Config redact(final Config config) {
        final ConfigObject root = config.root();
        final ConfigObject redacted = (ConfigObject) redactValue(root);
        return redacted == root ? config : redacted.toConfig();
    }

    private static ConfigValue redactValue(final ConfigValue value) {
        if (value instanceof ConfigObject object) {
            ConfigObject out = object;
            for (final Map.Entry<String, ConfigValue> entry : object.entrySet()) {
                final ConfigValue child = entry.getValue();
                final ConfigValue next = isSecretKey(entry.getKey()) ? hidden(child) : redactValue(child);
                if (next != child) {
                    out = out.withValue(entry.getKey(), next);
                }
            }
            return out;
        }
        if (value instanceof ConfigList list) {
            final List<ConfigValue> items = new ArrayList<>(list.size());
            boolean changed = false;
            for (final ConfigValue item : list) {
                final ConfigValue next = redactValue(item);
                changed |= next != item;
                items.add(next);
            }
            return changed ? ConfigValueFactory.fromIterable(items).withOrigin(list.origin()) : list;
        }
        return value;
    }

    private static ConfigValue hidden(final ConfigValue value) {
        try {
            if (value.valueType() == ConfigValueType.STRING && "".equals(value.unwrapped())) {
                return value;
            }
        } catch (final ConfigException.NotResolved e) {
            // A substitution not resolved yet: what it will be is unknown, so it is hidden like any set value.
        }
        final ConfigValue replacement = ConfigValueFactory.fromAnyRef(REDACTED);
        return value.origin() == null ? replacement
            : replacement.withOrigin(value.origin().withComments(List.of()));
    }
}
