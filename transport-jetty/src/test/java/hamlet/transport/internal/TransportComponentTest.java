package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.util.List;
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

    /** As SCR would: the mandatory TLS service bound before activation. */
    private static TransportComponent component() {
        final TransportComponent c = new TransportComponent();
        c.tls = hamlet.tls.internal.DisabledTls.INSTANCE;
        return c;
    }

    private static JettyTransport running(final TransportComponent c) {
        return c.running();
    }

    @Test
    void shouldPassEveryTransportMethodOnRatherThanLeaveItToTheInterfacesDefault() throws Exception {
        // The registry holds this component, not the JettyTransport behind it: a method it does not override runs the
        // interface's default (reclaimNow fell back to reclaim, and the lab's takeovers waited 2 s for a dead link).
        for (final java.lang.reflect.Method m : hamlet.api.transport.Transport.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            assertEquals(TransportComponent.class, TransportComponent.class.getMethod(m.getName(), m.getParameterTypes())
                .getDeclaringClass(), m.getName() + " is not passed on to the transport");
        }
    }

    @Test
    void shouldApplyEveryLiveEditToTheRunningTransportKeepingItsUid() throws Exception {
        final TransportComponent c = component();
        c.activate(null, properties());
        try {
            final JettyTransport first = running(c);
            final long uid = first.uid();
            assertEquals(SendStatus.UNKNOWN_NODE, c.send("node9", new WireEnvelope("node9:x", null, 0, new byte[0])));

            c.modified(properties("hamlet.transport.retry-max", "5"));
            assertSame(first, running(c));
            assertEquals(5, running(c).settings().retryMax());

            c.modified(properties("hamlet.transport.retry-max", "0"));
            assertEquals(5, running(c).settings().retryMax(), "a bad edit keeps the settings in force");

            // Before: these restarted the transport with a new incarnation, dead-lettering every outbox.
            c.modified(properties("hamlet.cluster.name", "other", "hamlet.transport.max-frame", "2MiB",
                "hamlet.transport.dedup-window", "4096", "hamlet.cluster.seeds.0", "127.0.0.1:1"));
            assertSame(first, running(c));
            assertEquals(uid, running(c).uid());
            assertEquals("other", running(c).settings().cluster());
            assertEquals(2 * 1024 * 1024, running(c).codec().maxFrameBytes());
            assertEquals(List.of("ws://127.0.0.1:1/hamlet"), running(c).settings().seeds());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void shouldActivateAndRetryTheBindWhenThePortIsTaken() throws Exception {
        final TransportComponent c = component();
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final int port = holder.getLocalPort();
            c.activate(null, properties("hamlet.node.port", String.valueOf(port)));
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
    void shouldKeepTheOldListenerAndRetryWhenALiveEditNamesATakenPort() throws Exception {
        final TransportComponent c = component();
        c.activate(null, properties());
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final JettyTransport first = running(c);
            final String before = first.url();
            assertTrue(first.listening());
            final int port = holder.getLocalPort();

            c.modified(properties("hamlet.node.port", String.valueOf(port)));

            assertSame(first, running(c));
            assertTrue(first.listening(), "the old listener serves while the new port is taken");
            assertEquals(before, first.url(), "and the handshake still advertises it");
            holder.close();
            TestNode.await("the bind to be retried", 10_000, () -> first.url().endsWith(":" + port + "/hamlet"));
        } finally {
            c.deactivate();
        }
    }

    private static boolean listening(final TransportComponent c) {
        return running(c).listening();
    }

    @Test
    void shouldListenAndDialInTlsWhenTheTlsServiceSaysSo(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception {
        try (TlsFixture pki = new TlsFixture(dir, "test")) {
            final TransportComponent c = new TransportComponent();
            c.tls = pki.node("node1");
            c.activate(null, properties("hamlet.cluster.seeds.0", "127.0.0.1:1"));
            try {
                assertTrue(running(c).url().startsWith("wss://127.0.0.1:"), running(c).url());
                assertEquals(List.of("wss://127.0.0.1:1/hamlet"), running(c).settings().seeds());
                c.modified(properties("hamlet.cluster.seeds.0", "wss://127.0.0.1:2"));
                assertEquals(List.of("wss://127.0.0.1:2/hamlet"), running(c).settings().seeds());
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void shouldRefuseATlsSeedWhenTheTlsServiceIsOff() throws Exception {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> component().activate(null, properties("hamlet.cluster.seeds.0", "wss://127.0.0.1:1")));
        assertTrue(e.getMessage().contains("hamlet.tls.enabled = false"), e.getMessage());
        final TransportComponent c = component();
        c.activate(null, properties());
        try {
            c.modified(properties("hamlet.cluster.seeds.0", "wss://127.0.0.1:1"));
            assertEquals(List.of(), running(c).settings().seeds(), "the edit is refused, the seeds kept");
        } finally {
            c.deactivate();
        }
    }

    @Test
    void shouldRefuseToActivateWithABadSection() {
        final TransportComponent c = component();
        assertThrows(IllegalArgumentException.class,
            () -> c.activate(null, properties("hamlet.transport.max-frame", "1")));
    }
}
