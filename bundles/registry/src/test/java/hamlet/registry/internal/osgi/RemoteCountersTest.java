package hamlet.registry.internal.osgi;

import com.typesafe.config.ConfigFactory;
import hamlet.api.transport.WireEnvelope;
import hamlet.config.Sections;
import hamlet.registry.internal.CodecRegistry;
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
            component.bindTransport(new NoPeers());
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

    /** A transport that knows no node: enough for the runtime to be able to answer (it dead-letters the answers). */
    private static final class NoPeers implements hamlet.api.transport.Transport {
        @Override
        public SendStatus send(final String node, final WireEnvelope envelope) {
            return SendStatus.UNKNOWN_NODE;
        }

        @Override
        public java.util.List<hamlet.api.transport.PeerInfo> peers() {
            return java.util.List.of();
        }

        @Override
        public boolean sendControl(final String node, final int channel, final byte[] payload) {
            return false;
        }

        @Override
        public boolean sendControlTo(final String url, final int channel, final byte[] payload) {
            return false;
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }
    }
}
