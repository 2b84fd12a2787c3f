package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
        assertEquals(Duration.ofMillis(500).toNanos(), s.heartbeatIntervalNs());
        assertEquals(Duration.ofSeconds(2).toNanos(), s.silenceTimeoutNs());
        assertEquals("ws://127.0.0.1:7701/hamlet", s.ownUrl(7701));
    }

    @Test
    void shouldReadSeeds() {
        final TransportSettings s = TransportSettings.from(config(
            "hamlet.cluster.seeds = [\"ws://127.0.0.1:7702/hamlet\", \"ws://localhost:7703/hamlet\"]"));
        assertEquals(2, s.seeds().size());
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
        "hamlet.cluster.seeds = [\"http://x:1/hamlet\"]     | hamlet.cluster.seeds entries must be ws://host:port",
        "hamlet.cluster.seeds = [\"ws://x/hamlet\"]         | hamlet.cluster.seeds entries must be",
        "hamlet.cluster.seeds = [\"ws://x:1/other\"]        | hamlet.cluster.seeds entries must be",
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
