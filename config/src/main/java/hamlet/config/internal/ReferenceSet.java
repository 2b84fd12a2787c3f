package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code reference.conf} of every bundle that has one, parsed, keyed by bundle id. The bundle tracker's thread
 * puts and removes; the watcher thread reads the merge and notices a change by the generation. Thread-safe.
 */
final class ReferenceSet {
    /** One bundle's reference: its parsed config, or why it could not be parsed. */
    private record Entry(String name, String text, Config config, String problem) {
    }

    /**
     * The merge of all references.
     *
     * @param config every parsed reference, the lowest bundle id first (it wins on a clash), unresolved
     * @param problems one line per reference that could not be parsed and was left out
     */
    record Merged(Config config, List<String> problems) {
    }

    private final Map<Long, Entry> entries = new ConcurrentSkipListMap<>();
    private final AtomicLong generation = new AtomicLong();

    /**
     * Adds or replaces a bundle's reference; a reference with the same text as before changes nothing.
     *
     * @param bundleId the bundle's id
     * @param name how to name it in messages, e.g. {@code hamlet.registry}
     * @param text the reference.conf's content
     */
    void put(final long bundleId, final String name, final String text) {
        final Entry old = entries.get(bundleId);
        if (old != null && old.text.equals(text)) {
            return;
        }
        final String origin = name + "/reference.conf";
        Entry entry;
        try {
            final Config config = ConfigFactory.parseString(text, ConfigParseOptions.defaults()
                .setOriginDescription(origin).setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
            entry = new Entry(name, text, config, null);
        } catch (final ConfigException e) {
            entry = new Entry(name, text, null, "ignoring " + origin + ": " + e.getMessage());
        }
        entries.put(bundleId, entry);
        generation.incrementAndGet();
    }

    /** @param bundleId the bundle whose reference is gone */
    void remove(final long bundleId) {
        if (entries.remove(bundleId) != null) {
            generation.incrementAndGet();
        }
    }

    /** @return a number that changes whenever the set changes; read it before {@link #merged()} */
    long generation() {
        return generation.get();
    }

    Merged merged() {
        Config merged = ConfigFactory.empty();
        final List<String> problems = new ArrayList<>();
        for (final Entry entry : entries.values()) {
            if (entry.config != null) {
                merged = merged.withFallback(entry.config);
            } else {
                problems.add(entry.problem);
            }
        }
        return new Merged(merged, List.copyOf(problems));
    }
}
