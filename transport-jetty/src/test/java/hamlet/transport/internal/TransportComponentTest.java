package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;

/** The DS component driven by hand, as SCR would: activate, live edits, a bad edit, deactivate. */
class TransportComponentTest {
    private static Map<String, Object> properties(final String... pairs) {
        final Map<String, Object> p = new HashMap<>(Map.of("hamlet.node.id", "node1", "hamlet.node.host",
            "127.0.0.1", "hamlet.node.port", 0));
        for (int i = 0; i < pairs.length; i += 2) {
            p.put(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    private static JettyTransport running(final TransportComponent c) throws ReflectiveOperationException {
        final Field f = TransportComponent.class.getDeclaredField("transport");
        f.setAccessible(true);
        return (JettyTransport) f.get(c);
    }

    @Test
    void shouldApplyLinkKnobsInPlaceAndRestartForTheClusterName() throws Exception {
        final TransportComponent c = new TransportComponent();
        c.activate(properties());
        try {
            final JettyTransport first = running(c);
            assertEquals(SendStatus.UNKNOWN_NODE, c.send("node9", new WireEnvelope("node9:x", null, 0, new byte[0])));

            c.modified(properties("hamlet.transport.retry-max", "5"));
            assertSame(first, running(c));
            assertEquals(5, running(c).settings().retryMax());

            c.modified(properties("hamlet.transport.retry-max", "0"));
            assertEquals(5, running(c).settings().retryMax(), "a bad edit keeps the settings in force");

            c.modified(properties("hamlet.cluster.name", "other"));
            assertNotSame(first, running(c));
            assertEquals("other", running(c).settings().cluster());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void shouldRefuseToActivateWithABadSection() {
        final TransportComponent c = new TransportComponent();
        assertThrows(IllegalArgumentException.class,
            () -> c.activate(properties("hamlet.transport.max-frame", "1")));
    }
}
