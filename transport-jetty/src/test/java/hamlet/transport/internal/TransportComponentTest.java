package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
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
    void shouldActivateAndRetryTheBindWhenThePortIsTaken() throws Exception {
        final TransportComponent c = new TransportComponent();
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final int port = holder.getLocalPort();
            c.activate(properties("hamlet.node.port", String.valueOf(port)));
            try {
                assertFalse(running(c).listening());
                assertEquals("ws://127.0.0.1:" + port + "/hamlet", running(c).url());
                holder.close();
                TestNode.await("the bind to be retried", 10_000, () -> listening(c));
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void shouldRunANewTransportRetryingItsBindWhenALiveEditNamesATakenPort() throws Exception {
        final TransportComponent c = new TransportComponent();
        c.activate(properties());
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final JettyTransport first = running(c);
            assertTrue(first.listening());
            final int port = holder.getLocalPort();

            c.modified(properties("hamlet.node.port", String.valueOf(port)));

            final JettyTransport second = running(c);
            assertNotSame(first, second);
            assertEquals(port, second.settings().port());
            assertFalse(second.listening());
            assertEquals(SendStatus.UNKNOWN_NODE, c.send("node9", new WireEnvelope("node9:x", null, 0, new byte[0])));
            holder.close();
            TestNode.await("the bind to be retried", 10_000, second::listening);
        } finally {
            c.deactivate();
        }
    }

    private static boolean listening(final TransportComponent c) {
        try {
            return running(c).listening();
        } catch (final ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldRefuseToActivateWithABadSection() {
        final TransportComponent c = new TransportComponent();
        assertThrows(IllegalArgumentException.class,
            () -> c.activate(properties("hamlet.transport.max-frame", "1")));
    }
}
