package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import hamlet.config.Sections;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pushes each top-level section under {@code hamlet} to its PID, only when its properties differ from what was last
 * pushed. A push that fails is not remembered, so the next apply tries it again.
 *
 * <p>Threading: confined to the thread that applies configs (the watcher thread; activation before it starts).
 */
final class SectionPusher {
    /** Where sections go: Configuration Admin in the bundle, a map in tests. */
    @FunctionalInterface
    interface Sink {
        /**
         * @param pid e.g. {@code hamlet.registry}
         * @param properties the section's leaves by full path
         * @throws Exception when the section could not be stored
         */
        void push(String pid, Map<String, Object> properties) throws Exception;
    }

    /**
     * @param pushed the PIDs pushed, sorted
     * @param failed one line per PID that could not be pushed, saying why
     */
    record Result(List<String> pushed, List<String> failed) {
    }

    private final Sink sink;
    private final Map<String, Map<String, Object>> lastPushed = new HashMap<>();

    SectionPusher(final Sink sink) {
        this.sink = sink;
    }

    Result push(final Config config) {
        final List<String> pushed = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        for (final String section : sections(config)) {
            final Map<String, Object> properties = Sections.toProperties(config, section);
            if (properties.equals(lastPushed.get(section))) {
                continue;
            }
            final String pid = Sections.pid(section);
            try {
                sink.push(pid, properties);
                lastPushed.put(section, properties);
                pushed.add(pid);
            } catch (final Exception e) {
                failed.add(pid + ": " + e);
            }
        }
        return new Result(List.copyOf(pushed), List.copyOf(failed));
    }

    /** @return the names of the object-valued children of {@code hamlet}, sorted */
    static List<String> sections(final Config config) {
        if (!config.hasPath(Sections.ROOT)) {
            return List.of();
        }
        final List<String> sections = new ArrayList<>();
        for (final Map.Entry<String, ConfigValue> child : new TreeMap<>(config.getObject(Sections.ROOT)).entrySet()) {
            if (child.getValue() instanceof ConfigObject) {
                sections.add(child.getKey());
            }
        }
        return sections;
    }
}
