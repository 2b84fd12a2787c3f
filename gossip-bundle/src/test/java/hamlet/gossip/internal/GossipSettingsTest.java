package hamlet.gossip.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GossipSettingsTest {
    private static Config with(final String edit) {
        return ConfigFactory.parseString(edit)
            .withFallback(ConfigFactory.defaultReference(GossipSettingsTest.class.getClassLoader())).resolve();
    }

    @Test
    void shouldReadTheReferenceDefaults() {
        assertEquals(GossipSettings.defaults(), GossipSettings.from(with("")));
    }

    @Test
    void shouldRefuseBadValuesNamingTheKey() {
        assertEquals("hamlet.gossip.probe-timeout (300ms) must be below hamlet.gossip.probe-interval (200ms)",
            assertThrows(IllegalArgumentException.class,
                () -> GossipSettings.from(with("hamlet.gossip.probe-timeout = 300ms"))).getMessage());
        assertEquals("hamlet.gossip.suspicion-mult must be between 1 and 100, got 0",
            assertThrows(IllegalArgumentException.class,
                () -> GossipSettings.from(with("hamlet.gossip.suspicion-mult = 0"))).getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> GossipSettings.from(with("hamlet.gossip.probe-interval = soon")));
        final String unknown = assertThrows(IllegalArgumentException.class,
            () -> GossipSettings.from(with("hamlet.gossip.probe-intervall = 1s"))).getMessage();
        assertEquals(true, unknown.startsWith("unknown key hamlet.gossip.probe-intervall"), unknown);
    }
}
