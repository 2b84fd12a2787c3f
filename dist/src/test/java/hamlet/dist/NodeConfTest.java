package hamlet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

/**
 * conf/node.conf shows every knob: each key of every bundle's reference.conf appears there, commented out with its
 * default, and nothing else does (the node refuses unknown keys under hamlet).
 */
class NodeConfTest {
    private static final Path NODE_CONF = Path.of("src/main/dist/conf/node.conf");
    private static final List<Path> DEMO_CONFS = List.of(Path.of("src/main/dist/conf/demo-node1.conf"),
        Path.of("src/main/dist/conf/demo-node2.conf"), Path.of("src/main/dist/conf/demo-node3.conf"));
    /** "    # max-body = 1MiB": a commented-out setting, as opposed to a comment in words. */
    private static final Pattern COMMENTED_SETTING = Pattern.compile("^(\\s*)#\\s*([a-z][a-z0-9-]*\\s*=.*)$");

    /** Every reference.conf on the class path: the dist module depends on every bundle. */
    private static Map<String, Object> referenceDefaults() throws IOException {
        Config merged = ConfigFactory.empty();
        for (final URL url : Collections.list(NodeConfTest.class.getClassLoader().getResources("reference.conf"))) {
            try (InputStream in = url.openStream()) {
                merged = merged.withFallback(ConfigFactory.parseString(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
        }
        return leaves(merged.resolve());
    }

    private static Map<String, Object> leaves(final Config config) {
        final Map<String, Object> leaves = new TreeMap<>();
        if (config.hasPath("hamlet")) {
            for (final Map.Entry<String, ConfigValue> e : config.getConfig("hamlet").entrySet()) {
                leaves.put("hamlet." + e.getKey(), e.getValue().unwrapped());
            }
        }
        return leaves;
    }

    private static String uncommented(final String text) {
        return text.lines().map(line -> COMMENTED_SETTING.matcher(line).replaceAll("$1$2"))
            .collect(Collectors.joining("\n"));
    }

    @Test
    void shouldListEveryKeyOfEveryReferenceConfWithItsDefault() throws IOException {
        final Map<String, Object> defaults = referenceDefaults();
        assertTrue(defaults.keySet().containsAll(List.of("hamlet.node.id", "hamlet.registry.dispatcher.throughput",
            "hamlet.admin.port", "hamlet.config.poll-interval")), "the bundles' reference.conf files are found: "
            + defaults.keySet());

        final Map<String, Object> shown = leaves(ConfigFactory.parseString(uncommented(Files.readString(NODE_CONF)))
            .resolve());

        assertEquals(defaults, shown, "node.conf, every setting uncommented, must equal the reference defaults");
    }

    @Test
    void shouldSetOnlyTheNodeIdUncommented() throws IOException {
        final Map<String, Object> set = leaves(ConfigFactory.parseString(Files.readString(NODE_CONF)));

        assertEquals(Map.of("hamlet.node.id", "node1"), set);
    }

    @Test
    void shouldSetOnlyKnownKeysInTheDemoConfs() throws IOException {
        final Map<String, Object> defaults = referenceDefaults();
        for (final Path demo : DEMO_CONFS) {
            final Map<String, Object> set = leaves(ConfigFactory.parseString(Files.readString(demo)));
            // hamlet.actors is free-form (each entry an actor named by its key): its keys are the registry's to check.
            set.keySet().removeIf(key -> key.startsWith("hamlet.actors."));

            assertFalse(set.isEmpty(), demo + " sets nothing");
            assertTrue(defaults.keySet().containsAll(set.keySet()), "unknown keys in " + demo + ": " + set.keySet());
        }
    }
}
