package hamlet.admin.internal.dashboard;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event stream over a real Jetty server: bounded clients, and a client that stops reading is dropped. */
class EventStreamTest {
    private static final int MAX_PENDING = 64 * 1024;

    private final EventStream stream = new EventStream(2, MAX_PENDING);
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        final ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(final Request request, final Response response, final Callback callback) {
                final EventStream.Client client = stream.open(response, callback);
                if (client == null) {
                    response.setStatus(503);
                    callback.succeeded();
                    return true;
                }
                stream.send(client, "init", "{}");
                stream.join(client);
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private Socket connect(final int receiveBuffer) throws Exception {
        final Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        final OutputStream out = socket.getOutputStream();
        out.write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static void await(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "not within 20 s: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void shouldDropAClientThatStopsReadingAndGoOnServingTheOthers() throws Exception {
        try (Socket slow = connect(4096); Socket reader = connect(64 * 1024)) {
            await("two clients", () -> stream.clients() == 2);
            final InputStream readerIn = reader.getInputStream();
            final Thread drain = new Thread(() -> {
                final byte[] buffer = new byte[64 * 1024];
                try {
                    while (readerIn.read(buffer) >= 0) {
                        // reads everything, as a page does
                    }
                } catch (final Exception closed) {
                    // the test ended
                }
            }, "reader");
            drain.setDaemon(true);
            drain.start();
            final String data = "x".repeat(16 * 1024);
            // The slow socket never reads: the kernel's buffers fill, Jetty's write waits, then the client's queue.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (stream.droppedSlow() == 0) {
                assertTrue(System.nanoTime() - deadline < 0, "the slow client was never dropped");
                stream.publish("tick", data);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            await("the slow client gone", () -> stream.clients() == 1);
            assertEquals(1, stream.droppedSlow());
            stream.publish("tick", "{}");
            assertEquals(1, stream.clients(), "the reading client stays");
        }
    }

    @Test
    void shouldRefuseClientsBeyondItsCapAndTakeOneAgainWhenOneLeaves() throws Exception {
        final Socket first = connect(64 * 1024);
        try (Socket second = connect(64 * 1024)) {
            await("two clients", () -> stream.clients() == 2);
            try (Socket third = connect(64 * 1024)) {
                final byte[] head = third.getInputStream().readNBytes(12);
                assertEquals("HTTP/1.1 503", new String(head, StandardCharsets.US_ASCII));
            }
            assertEquals(1, stream.refused());
            first.close();
            // A closed client is noticed at the next write.
            await("the closed client gone", () -> {
                stream.publish("tick", "{}");
                return stream.clients() == 1;
            });
        }
    }
}
