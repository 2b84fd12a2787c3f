package hamlet.registry.internal.osgi;

import com.typesafe.config.ConfigFactory;
import hamlet.api.transport.WireEnvelope;
import hamlet.config.Sections;
import hamlet.registry.internal.CodecRegistry;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's remote counters as the component offers them to operators, and the answer it gives the transport. */
class RemoteCountersTest {
    @Test
    void shouldCountWhatTheRunningRuntimeTookAndTakeNothingWhileStopped() {
        final RegistryComponent component = new RegistryComponent();
        final Map<String, Object> properties = new HashMap<>(Sections.toProperties(
            ConfigFactory.parseString("hamlet.node.id = counted"), "node"));
        final WireEnvelope envelope = new WireEnvelope("counted:nobody", "other:x", CodecRegistry.STRING,
            "m".getBytes(StandardCharsets.UTF_8));
        assertTrue(component.remoteCounters().isEmpty(), "no runtime, no counters");

        component.activate(properties);
        try {
            assertFalse(component.onEnvelope("other", envelope),
                "no transport bound yet: not taken, as nothing could be answered");
            component.bindTransport(new FakeTransport());
            assertTrue(component.onEnvelope("other", envelope), "taken: made a dead letter of");
            final Map<String, Long> counters = component.remoteCounters();
            assertEquals(1L, counters.get("remote.received"));
            assertEquals(1L, counters.get("remote.not-taken-before-transport"));
            assertEquals(1L, counters.get("dead-letters.UNKNOWN_ACTOR"));
        } finally {
            component.deactivate();
        }

        assertFalse(component.onEnvelope("other", envelope), "not taken while stopped, so not acknowledged");
        assertTrue(component.remoteCounters().isEmpty());
    }
}
