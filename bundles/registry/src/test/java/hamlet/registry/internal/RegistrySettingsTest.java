package hamlet.registry.internal;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings object: defaults from reference.conf, and every bad value refused with its key named. */
class RegistrySettingsTest {
    @Test
    void shouldReadTheDefaultsOfReferenceConf() {
        final RegistrySettings defaults = RegistrySettings.defaults();
        assertEquals("node1", defaults.nodeId());
        assertEquals("127.0.0.1", defaults.nodeHost());
        assertEquals(7701, defaults.nodePort());
        assertEquals(0, defaults.parallelism());
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.effectiveParallelism());
        assertEquals(100, defaults.throughput());
        assertEquals(8192, defaults.mailboxCapacity());
        assertEquals(8192, defaults.mailboxBound());
        assertEquals(10, defaults.maxRestarts());
        assertEquals(TimeUnit.MINUTES.toNanos(1), defaults.restartWindowNs());
        assertEquals(1000, defaults.deadLettersKeep());
        assertEquals(10, defaults.deadLettersLogPerSecond());
        assertEquals(TimeUnit.SECONDS.toNanos(5), defaults.askDefaultTimeoutNs());
    }

    @Test
    void shouldReadEveryKeyFromTheConfigOverTheDefaults() {
        final RegistrySettings settings = RegistrySettings.from(ConfigFactory.parseString(String.join("\n",
            "hamlet.node { id = n-7, host = example.local, port = 9000 }",
            "hamlet.registry {",
            "  dispatcher { parallelism = 3, throughput = 7 }",
            "  mailbox.capacity = 100",
            "  supervision { max-restarts = 4, within = 30s }",
            "  dead-letters { keep = 50, log-per-second = 2 }",
            "  ask.default-timeout = 250ms",
            "}")));
        assertEquals(new RegistrySettings("n-7", "example.local", 9000, 3, 7, 100, 4, TimeUnit.SECONDS.toNanos(30),
            50, 2, TimeUnit.MILLISECONDS.toNanos(250)), settings);
        assertEquals(128, settings.mailboxBound());
        assertEquals(3, settings.effectiveParallelism());
    }

    /** @return HOCON with one bad value, and the start of the message that must refuse it */
    static Stream<Arguments> badValues() {
        final String registry = "hamlet.registry.";
        return Stream.of(
            bad("hamlet.node.id = \"bad id\"", "hamlet.node.id 'bad id' has ' ' at position 3"),
            bad("hamlet.node.id = \"\"", "hamlet.node.id '' is empty"),
            bad("hamlet.node.host = \"\"", "hamlet.node.host must be a host name or IP address"),
            bad("hamlet.node.port = 70000", "hamlet.node.port must be 1 to 65535, got 70000"),
            bad("hamlet.node.port = seventy", "hamlet.node.port must be an integer, got \"seventy\""),
            bad(registry + "dispatcher.parallelism = -1",
                registry + "dispatcher.parallelism must be 0 to 32767, got -1"),
            bad(registry + "dispatcher.throughput = -1", registry + "dispatcher.throughput must be > 0, got -1"),
            bad(registry + "dispatcher.throughput = 0", registry + "dispatcher.throughput must be > 0, got 0"),
            bad(registry + "mailbox.capacity = 3", registry + "mailbox.capacity must be 4 to 1073741824, got 3"),
            bad(registry + "mailbox.capacity = -5", registry + "mailbox.capacity must be 4 to 1073741824, got -5"),
            bad(registry + "mailbox.capacity = lots", registry + "mailbox.capacity must be an integer, got \"lots\""),
            bad(registry + "supervision.max-restarts = -1", registry + "supervision.max-restarts must be >= 0, got -1"),
            bad(registry + "supervision.within = 0s", registry + "supervision.within must be > 0, got 0 ns"),
            bad(registry + "supervision.within = soon",
                registry + "supervision.within must be a duration such as 500ms, 10s or 1m, got \"soon\""),
            bad(registry + "dead-letters.keep = -1", registry + "dead-letters.keep must be 0 to 1000000, got -1"),
            bad(registry + "dead-letters.log-per-second = -1",
                registry + "dead-letters.log-per-second must be >= 0, got -1"),
            bad(registry + "ask.default-timeout = 0ms", registry + "ask.default-timeout must be > 0, got 0 ns"),
            bad(registry + "mailbox.capasity = 5", registry + "mailbox.capasity is not a known key"),
            bad("hamlet.node.name = x", "hamlet.node.name is not a known key"),
            bad(registry + "mailbox = 5", registry + "mailbox is not a known key"),
            bad("hamlet.node = 5", "hamlet.node must be an object"));
    }

    private static Arguments bad(final String hocon, final String message) {
        return Arguments.of(hocon, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void shouldRefuseABadValueNamingItsKey(final String hocon, final String message) {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> RegistrySettings.from(ConfigFactory.parseString(hocon)));
        assertTrue(refused.getMessage().startsWith(message), "got: " + refused.getMessage());
    }

    @Test
    void shouldAcceptTheEdgesOfEachRange() {
        RegistrySettings.from(ConfigFactory.parseString(String.join("\n",
            "hamlet.node.port = 1",
            "hamlet.registry.dispatcher { parallelism = 32767, throughput = 1 }",
            "hamlet.registry.mailbox.capacity = 4",
            "hamlet.registry.supervision.max-restarts = 0",
            "hamlet.registry.dead-letters { keep = 0, log-per-second = 0 }")));
        RegistrySettings.from(ConfigFactory.parseString(
            "hamlet.node.port = 65535\nhamlet.registry.mailbox.capacity = 1073741824"));
    }

    @Test
    void shouldReadValuesAsConfigurationAdminGivesThem() {
        // Configuration Admin carries numbers and durations as Typesafe Config unwrapped them: strings and numbers.
        final RegistrySettings settings = RegistrySettings.from(ConfigFactory.parseMap(java.util.Map.of(
            "hamlet.registry.supervision.within", "2 minutes",
            "hamlet.registry.dispatcher.throughput", 12,
            "hamlet.registry.ask.default-timeout", 1500)));
        assertEquals(TimeUnit.MINUTES.toNanos(2), settings.restartWindowNs());
        assertEquals(12, settings.throughput());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), settings.askDefaultTimeoutNs(), "a bare number is ms");
    }

    @Test
    void shouldListTheChangedKeysForTheLog() {
        final RegistrySettings before = RegistrySettings.defaults();
        final RegistrySettings after = TestNode.settings(
            "hamlet.registry { dead-letters.keep = 2, supervision.within = 90s }");
        assertEquals("hamlet.registry.supervision.within 60000 ms -> 90000 ms, hamlet.registry.dead-letters.keep "
            + "1000 -> 2", after.changesFrom(before));
        assertEquals("nothing changed", before.changesFrom(RegistrySettings.defaults()));
    }

    @Test
    void shouldRefuseToChangeTheNodeIdOfARunningSystem() {
        try (TestNode node = new TestNode()) {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> node.system.applySettings(TestNode.settings("hamlet.node.id = node2")));
            assertEquals("hamlet.node.id cannot change while the node runs (it is node1); restart the node to "
                + "change it", refused.getMessage());
            assertEquals("node1", node.system.nodeId());
            node.system.applySettings(TestNode.settings("hamlet.node.port = 7702"));
            assertEquals(7702, node.system.settings().nodePort());
        }
    }
}
