package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

class TransportSettingsTest {
    private static final String NODE = "hamlet.node { id = node1, host = \"127.0.0.1\", port = 7701 }\n";

    private static Config config(final String text) {
        return ConfigFactory.parseString(NODE + text)
            .withFallback(ConfigFactory.parseResources(TransportSettingsTest.class.getClassLoader(), "reference.conf"))
            .resolve();
    }

    @Test
    void shouldReadTheDefaultsOfReferenceConf() {
        final TransportSettings s = TransportSettings.from(config(""));
        assertEquals("hamlet", s.cluster());
        assertEquals(List.of(), s.seeds());
        assertEquals(4 * 1024 * 1024, s.maxFrameBytes());
        assertEquals(1024 * 1024, s.maxEnvelopeBytes());
        assertEquals(3, s.retryMax());
        assertEquals(Duration.ofMillis(250).toNanos(), s.heartbeatIntervalNs());
        assertEquals(Duration.ofSeconds(2).toNanos(), s.silenceTimeoutNs());
        assertEquals("ws://127.0.0.1:7701/hamlet", s.ownUrl(7701));
        assertEquals(64L * 1024 * 1024, s.outboxMaxBytes());
        assertEquals(256L * 1024 * 1024, s.nodeOutboxMaxBytes());
        assertEquals(256, s.maxConnections());
        assertEquals(8, s.maxConnectionsPerAddress());
        assertFalse(s.compression());
        assertEquals(64, s.maxUnknownPeers());
    }

    @Test
    void shouldReadTheByteAndConnectionLimits() {
        final TransportSettings s = TransportSettings.from(config("""
            hamlet.transport {
              outbox-max-bytes = 2MiB, node-outbox-max-bytes = 3GiB, max-connections = 10
              max-connections-per-address = 2, compression = true, max-unknown-peers = 5
            }"""));
        assertEquals(2L * 1024 * 1024, s.outboxMaxBytes());
        assertEquals(3L * 1024 * 1024 * 1024, s.nodeOutboxMaxBytes());
        assertEquals(10, s.maxConnections());
        assertEquals(2, s.maxConnectionsPerAddress());
        assertTrue(s.compression());
        assertEquals(5, s.maxUnknownPeers());
    }

    @Test
    void shouldGiveTheDefaultsOfReferenceConfToEveryTestFactory() {
        final TransportSettings defaults = TransportSettings.from(config(""));
        for (final TransportSettings s : List.of(TransportSettings.localTest("a", List.of()),
            TransportSettings.localTest("a", 7, List.of()), new TransportSettings("a", "127.0.0.1", 0, "test",
                List.of(), 1024 * 1024, 64 * 1024, 10, 1, 3, 1, 2, 1, 1, 1, 1024))) {
            assertEquals(defaults.outboxMaxBytes(), s.outboxMaxBytes());
            assertEquals(defaults.nodeOutboxMaxBytes(), s.nodeOutboxMaxBytes());
            assertEquals(defaults.maxConnections(), s.maxConnections());
            assertEquals(defaults.maxConnectionsPerAddress(), s.maxConnectionsPerAddress());
            assertEquals(defaults.compression(), s.compression());
            assertEquals(defaults.maxUnknownPeers(), s.maxUnknownPeers());
        }
        final TransportSettings given = TransportSettings.localTest("a", 0, List.of("127.0.0.1:1"), 70_000, 80_000,
            3, 2, true, 1);
        assertEquals(List.of("ws://127.0.0.1:1/hamlet"), given.seeds());
        assertEquals(70_000, given.outboxMaxBytes());
        assertEquals(80_000, given.nodeOutboxMaxBytes());
        assertEquals(3, given.maxConnections());
        assertEquals(2, given.maxConnectionsPerAddress());
        assertTrue(given.compression());
        assertEquals(1, given.maxUnknownPeers());
    }

    @Test
    void shouldReadSeeds() {
        final TransportSettings s = TransportSettings.from(config(
            "hamlet.cluster.seeds = [\"ws://127.0.0.1:7702/hamlet\", \"ws://localhost:7703/hamlet\"]"));
        assertEquals(List.of("ws://127.0.0.1:7702/hamlet", "ws://localhost:7703/hamlet"), s.seeds());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ws://127.0.0.1:7701            | ws://127.0.0.1:7701/hamlet",
        "127.0.0.1:7701                 | ws://127.0.0.1:7701/hamlet",
        "ws://127.0.0.1:7701/hamlet     | ws://127.0.0.1:7701/hamlet",
        "ws://127.0.0.1:7701/           | ws://127.0.0.1:7701/hamlet",
        "WS://Node-2.Example:80         | ws://node-2.example:80/hamlet",
        "node2:7702                     | ws://node2:7702/hamlet",
        "[::1]:7701                     | ws://[::1]:7701/hamlet",
        "ws://[::1]:7701                | ws://[::1]:7701/hamlet",
        "ws://[fe80::1]:7701/hamlet     | ws://[fe80::1]:7701/hamlet",
    })
    void shouldNormaliseEveryFormOfASeed(final String written, final String canonical) {
        final TransportSettings s = TransportSettings.from(config("hamlet.cluster.seeds = [\"" + written + "\"]"));
        assertEquals(List.of(canonical), s.seeds());
    }

    @Test
    void shouldKeepOneSeedForThreeWaysOfWritingIt() {
        final TransportSettings s = TransportSettings.from(config("hamlet.cluster.seeds = [\"ws://127.0.0.1:7701\","
            + " \"127.0.0.1:7701\", \"ws://127.0.0.1:7701/hamlet\", \"127.0.0.1:7702\"]"));
        assertEquals(List.of("ws://127.0.0.1:7701/hamlet", "ws://127.0.0.1:7702/hamlet"), s.seeds());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x:1", "http://x:1/hamlet", "wss://x/hamlet", "ws://x/hamlet", "x", "x:",
        "ws://x:1/other", "x:1/other", "ws://x:0", "x:70000", "::1:7701", "ws://u@x:1", "ws://x:1/hamlet?a=b",
        "ws://x:1#f", " x:1", "", "ws://", "x:port", "ws://bad_host:1"})
    void shouldRefuseASeedThatIsNoneOfTheFormsNamingKeyValueAndForms(final String written) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TransportSettings.from(config("hamlet.cluster.seeds = [\"x:1\", \"" + written + "\"]")));
        assertEquals("hamlet.cluster.seeds entry '" + written + "' is not a peer address; write ws://host:port, "
            + "host:port or ws://host:port/hamlet (an IPv6 address in brackets, [::1]:7701; wss:// instead of ws://"
            + " with hamlet.tls.enabled)", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ws://127.0.0.1:7701            | wss://127.0.0.1:7701/hamlet",
        "127.0.0.1:7701                 | wss://127.0.0.1:7701/hamlet",
        "ws://127.0.0.1:7701/hamlet     | wss://127.0.0.1:7701/hamlet",
        "wss://127.0.0.1:7701           | wss://127.0.0.1:7701/hamlet",
        "WSS://Node-2.Example:80/hamlet | wss://node-2.example:80/hamlet",
        "wss://[::1]:7701               | wss://[::1]:7701/hamlet",
    })
    void shouldDialEveryFormOfASeedInTlsWhenTlsIsOn(final String written, final String canonical) {
        final TransportSettings s = TransportSettings.from(config("hamlet.cluster.seeds = [\"" + written + "\"]\n"
            + "hamlet.tls.enabled = true"));
        assertEquals(List.of(canonical), s.seeds());
        assertEquals("wss://127.0.0.1:7701/hamlet", s.ownUrl(7701));
        assertEquals(canonical, s.canonicalUrl(written), "a URL from membership or a handshake, likewise");
    }

    @Test
    void shouldKeepOneSeedWhetherWrittenWithWsOrWssWhenTlsIsOn() {
        final TransportSettings s = TransportSettings.from(config("hamlet.cluster.seeds = [\"ws://127.0.0.1:7701\","
            + " \"wss://127.0.0.1:7701/hamlet\", \"127.0.0.1:7701\"]"), true);
        assertEquals(List.of("wss://127.0.0.1:7701/hamlet"), s.seeds());
    }

    @Test
    void shouldRefuseATlsSeedOnANodeWithoutTlsRatherThanDialItInClearText() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TransportSettings.from(config("hamlet.cluster.seeds = [\"x:1\", \"wss://x:1/hamlet\"]")));
        assertEquals("hamlet.cluster.seeds entry 'wss://x:1/hamlet' is a TLS address, but this node does not use TLS"
            + " (hamlet.tls.enabled = false): enable TLS on every node, or write it host:port", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClusterSettingsValidator().validate(
            config("hamlet.cluster.seeds = [\"wss://x:1\"]")), "an edit is refused the same way");
        new ClusterSettingsValidator().validate(config("hamlet.cluster.seeds = [\"wss://x:1\"]\n"
            + "hamlet.tls.enabled = true"));
        final TransportSettings plain = TransportSettings.localTest("a", List.of());
        assertThrows(IllegalArgumentException.class, () -> plain.canonicalUrl("wss://x:1/hamlet"),
            "nor is a URL from membership dialed in clear text");
        assertEquals("ws://x:1/hamlet", plain.canonicalUrl("x:1"));
    }

    @Test
    void shouldReadTheLimitOfAcceptedConnections() {
        assertEquals(512, TransportSettings.from(config("")).maxAcceptedConnections());
        assertEquals(512, TransportSettings.localTest("a", List.of()).maxAcceptedConnections());
        assertEquals(40, TransportSettings.from(config("hamlet.transport.max-accepted-connections = 40"))
            .maxAcceptedConnections());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TransportSettings.from(config("hamlet.transport.max-accepted-connections = 0")));
        assertEquals("hamlet.transport.max-accepted-connections must be between 1 and 1000000, got 0", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hamlet.transport.retry-max = 0                     | hamlet.transport.retry-max must be between 1",
        "hamlet.transport.max-frame = 10                    | hamlet.transport.max-frame must be between",
        "hamlet.transport.max-envelope = 8MiB               | hamlet.transport.max-envelope must be between",
        "hamlet.transport.outbox-limit = -1                 | hamlet.transport.outbox-limit must be > 0",
        "hamlet.transport.silence-timeout = 100ms           | hamlet.transport.silence-timeout (PT0.1S) must be longer",
        "hamlet.transport.reconnect-backoff-max = 1ms       | hamlet.transport.reconnect-backoff-max (PT0.001S)",
        "hamlet.transport.dedup-window = 100                | hamlet.transport.dedup-window must be a multiple of 64",
        "hamlet.transport.heartbeat-interval = soon         | hamlet.transport.heartbeat-interval is invalid",
        "hamlet.transport.max-fram = 1MiB                   | hamlet.transport.max-fram is not a known key",
        "hamlet.cluster.name = \"bad name\"                 | hamlet.cluster.name must be",
        "hamlet.cluster.seeds = [\"http://x:1/hamlet\"]     | hamlet.cluster.seeds entry 'http://x:1/hamlet' is not",
        "hamlet.cluster.seeds = ws                          | hamlet.cluster.seeds is invalid",
        "hamlet.transport.outbox-max-bytes = 1000           | hamlet.transport.outbox-max-bytes (1000 bytes) must be at least max-envelope (1048576 bytes)",
        "hamlet.transport.outbox-max-bytes = lots           | hamlet.transport.outbox-max-bytes is invalid",
        "hamlet.transport.node-outbox-max-bytes = 32MiB     | hamlet.transport.node-outbox-max-bytes (33554432 bytes) must be at least outbox-max-bytes (67108864 bytes)",
        "hamlet.transport.max-connections = 0               | hamlet.transport.max-connections must be between 1 and 1000000, got 0",
        "hamlet.transport.max-connections-per-address = 0   | hamlet.transport.max-connections-per-address must be between 1 and 1000000, got 0",
        "hamlet.transport.max-unknown-peers = -1            | hamlet.transport.max-unknown-peers must be between 1 and 1000000, got -1",
        "hamlet.transport.compression = maybe               | hamlet.transport.compression is invalid",
        "hamlet.cluster.seedz = []                          | hamlet.cluster.seedz is not a known key",
    })
    void shouldRefuseABadValueNamingItsKey(final String edit, final String message) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TransportSettings.from(config(edit)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void shouldValidateThroughBothSectionValidators() {
        final Config bad = config("hamlet.transport.retry-max = 0");
        assertThrows(IllegalArgumentException.class, () -> new TransportSettingsValidator().validate(bad));
        assertThrows(IllegalArgumentException.class, () -> new ClusterSettingsValidator().validate(bad));
        new TransportSettingsValidator().validate(config(""));
    }
}
