package hamlet.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The overrides above the config file: {@code HAMLET_*} environment variables, then {@code -Dhamlet.*} system
 * properties (which win). Stateless; the environment and the properties are passed in so that tests can choose them.
 */
final class Overrides {
    static final String ENV_PREFIX = "HAMLET_";
    static final String PROPERTY_PREFIX = "hamlet.";

    /** Variables the start script reads for itself; they are not config. */
    static final Set<String> SCRIPT_VARIABLES = Set.of("HAMLET_HOME", "HAMLET_OPTS", "HAMLET_CONF", "HAMLET_JAVA_OPTS");

    /** Properties the kernel uses to find the distribution and the file; they are not config. */
    static final Set<String> KERNEL_PROPERTIES = Set.of("hamlet.home", "hamlet.conf.file");

    /**
     * One override.
     *
     * @param path the config path it sets, e.g. {@code hamlet.admin.port}
     * @param value the value, as text (Typesafe Config converts it when read as a number, duration, ...)
     * @param source where it came from, e.g. {@code environment variable HAMLET_ADMIN_PORT}
     */
    record Override(String path, String value, String source) {
    }

    /**
     * The overrides and the names that could not be mapped to a path.
     *
     * @param entries in increasing precedence: environment variables sorted by name, then system properties
     * @param problems one line per ignored name, saying why
     */
    record Result(List<Override> entries, List<String> problems) {
    }

    private Overrides() {
    }

    static Result of(final Map<String, String> environment, final Map<String, String> systemProperties) {
        final List<Override> entries = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        for (final Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            final String name = variable.getKey();
            if (!name.startsWith(ENV_PREFIX) || SCRIPT_VARIABLES.contains(name)) {
                continue;
            }
            final Optional<String> path = pathOfVariable(name);
            if (path.isPresent()) {
                entries.add(new Override(path.get(), variable.getValue(), "environment variable " + name));
            } else {
                problems.add("ignoring environment variable " + name
                    + ": not a config path (use _ for '.', __ for '-', ___ for '_')");
            }
        }
        for (final Map.Entry<String, String> property : new TreeMap<>(systemProperties).entrySet()) {
            final String name = property.getKey();
            if (name.startsWith(PROPERTY_PREFIX) && !KERNEL_PROPERTIES.contains(name)) {
                entries.add(new Override(name, property.getValue(), "system property " + name));
            }
        }
        return new Result(List.copyOf(entries), List.copyOf(problems));
    }

    /**
     * Maps a variable name to a path with Typesafe Config's convention for environment overrides: after the prefix,
     * {@code _} is {@code .}, {@code __} is {@code -}, {@code ___} is {@code _}, and the name is lower-cased.
     *
     * @param name e.g. {@code HAMLET_REGISTRY_DISPATCHER_THROUGHPUT}
     * @return e.g. {@code hamlet.registry.dispatcher.throughput}; empty when the name maps to no path (an empty
     *     part, or four underscores in a row)
     */
    static Optional<String> pathOfVariable(final String name) {
        final String rest = name.substring(ENV_PREFIX.length());
        final StringBuilder path = new StringBuilder(PROPERTY_PREFIX);
        int underscores = 0;
        for (int i = 0; i <= rest.length(); i++) {
            final char c = i < rest.length() ? rest.charAt(i) : '\0';
            if (c == '_') {
                underscores++;
                continue;
            }
            if (underscores > 0) {
                switch (underscores) {
                    case 1 -> path.append('.');
                    case 2 -> path.append('-');
                    case 3 -> path.append('_');
                    default -> {
                        return Optional.empty();
                    }
                }
                underscores = 0;
            }
            if (c != '\0') {
                path.append(Character.toLowerCase(c));
            }
        }
        final String result = path.toString().toLowerCase(Locale.ROOT);
        final boolean emptyPart = result.endsWith(".") || result.contains("..") || result.equals(PROPERTY_PREFIX);
        return emptyPart ? Optional.empty() : Optional.of(result);
    }
}
