package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport.SendStatus;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * A port held by another process: the transport starts anyway, the links it dials carry envelopes both ways, and it
 * binds the port once it is released.
 */
class TakenPortTest {
    private static ServerSocket holdPort() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static boolean accepts(final int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (final IOException refused) {
            return false;
        }
    }

    private static WireEnvelope envelope(final String to, final int n) {
        return new WireEnvelope(to, "sender", 1, new byte[] {(byte) n});
    }

    @Test
    void shouldDialSendAndThenListenWhenItsPortIsTakenAtStart() throws Exception {
        final ServerSocket holder = holdPort();
        final int port = holder.getLocalPort();
        final String advertised = "ws://127.0.0.1:" + port + TransportSettings.PATH;
        try (TestNode b = TestNode.start("node-b");
             TestNode a = new TestNode(TransportSettings.localTest("node-a", port, List.of(b.transport.url())))) {
            assertFalse(a.transport.listening(), "the port is held by another socket");
            assertEquals(advertised, a.transport.url());

            TestNode.await("the link a dials", 10_000, () -> a.isUpWith("node-b") && b.isUpWith("node-a"));
            for (int i = 0; i < 10; i++) {
                assertEquals(SendStatus.ACCEPTED, a.transport.send("node-b", envelope("node-b:x", i)));
                assertEquals(SendStatus.ACCEPTED, b.transport.send("node-a", envelope("node-a:x", i)));
            }
            TestNode.await("deliveries both ways", 10_000, () -> a.delivered.size() == 10
                && b.delivered.size() == 10);
            final PeerInfo seenByB = b.transport.peers().stream().filter(p -> "node-a".equals(p.node()))
                .findFirst().orElseThrow();
            assertEquals(advertised, seenByB.url(), "the handshake advertises the configured port");
            assertFalse(a.transport.listening());

            holder.close();
            TestNode.await("the listener to bind the released port", 10_000, () -> a.transport.listening());
            assertEquals(port, a.transport.port());
            assertTrue(accepts(port), "a raw connection to the port");
            try (TestNode c = TestNode.start("node-c", advertised)) {
                TestNode.await("a link dialed to the retried listener", 10_000,
                    () -> c.isUpWith("node-a") && a.isUpWith("node-c"));
                assertEquals(SendStatus.ACCEPTED, c.transport.send("node-a", envelope("node-a:x", 99)));
                TestNode.await("the delivery from c", 10_000, () -> a.delivered.stream()
                    .anyMatch(d -> "node-c".equals(d.from())));
            }
        } finally {
            holder.close();
        }
    }
}
