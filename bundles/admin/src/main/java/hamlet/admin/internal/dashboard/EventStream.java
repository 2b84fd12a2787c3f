package hamlet.admin.internal.dashboard;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pages connected to the dashboard's server-sent events: at most {@code maxClients} at once, each with its own
 * queue of at most {@code maxPendingBytes} not yet handed to Jetty. Writes are Jetty's asynchronous ones, one at a
 * time per client, so a slow client holds no thread; a client whose queue would go over its bound has fallen behind
 * and is dropped (its response aborted, counted), so it holds no memory without bound either.
 *
 * <p>Threading: {@link #open} on a Jetty thread; {@link #send} and {@link #publish} on the dashboard's thread; Jetty
 * completes writes on its own threads. Each client's queue is guarded by its own lock, never held while Jetty is
 * called.
 */
public final class EventStream {
    /** The media type of server-sent events. */
    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private final int maxClients;
    private final int maxPendingBytes;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    /** Slots taken, including clients being opened: the cap holds before a client is in {@link #clients}. */
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong droppedSlow = new AtomicLong();
    private final AtomicLong disconnected = new AtomicLong();

    /**
     * @param maxClients how many pages may be connected at once
     * @param maxPendingBytes how much may wait for one client before it counts as fallen behind
     */
    public EventStream(final int maxClients, final int maxPendingBytes) {
        this.maxClients = maxClients;
        this.maxPendingBytes = maxPendingBytes;
    }

    /**
     * Takes a request as a stream, when there is room: sets the status and headers; nothing is written until the
     * first {@link #send}.
     *
     * @param response the response to stream into
     * @param done the request's callback, completed when the stream ends
     * @return the client, or {@code null} when {@code maxClients} are connected (the caller answers 503)
     */
    public Client open(final Response response, final Callback done) {
        if (slots.incrementAndGet() > maxClients) {
            slots.decrementAndGet();
            refused.incrementAndGet();
            return null;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // Proxies that buffer (nginx) would hold the events back; this asks them not to.
        response.getHeaders().put("X-Accel-Buffering", "no");
        return new Client(response, done);
    }

    /**
     * Starts sending {@link #publish}ed events to a client, after whatever was {@link #send}t to it first.
     *
     * @param client an open client
     */
    public void join(final Client client) {
        if (!client.finished.get()) {
            clients.add(client);
        }
    }

    /**
     * @param event the event's name
     * @param data one line of JSON
     */
    public void publish(final String event, final String data) {
        if (clients.isEmpty()) {
            return;
        }
        final byte[] bytes = frame(event, data);
        for (final Client client : clients) {
            client.offer(bytes);
        }
    }

    /**
     * @param client one client
     * @param event the event's name
     * @param data one line of JSON
     */
    public void send(final Client client, final String event, final String data) {
        client.offer(frame(event, data));
    }

    /** Ends every stream (the server stops). */
    public void closeAll() {
        for (final Client client : clients) {
            client.end();
        }
    }

    /** @return the clients connected now */
    public int clients() {
        return clients.size();
    }

    /** @return the requests refused for the cap */
    public long refused() {
        return refused.get();
    }

    /** @return the clients dropped because they fell behind */
    public long droppedSlow() {
        return droppedSlow.get();
    }

    /** @return the clients that went away (their write failed) */
    public long disconnected() {
        return disconnected.get();
    }

    static byte[] frame(final String event, final String data) {
        return ("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Why a client was dropped: more than the bound waited for it. */
    static final class FellBehind extends IOException {
        private static final long serialVersionUID = 1L;

        FellBehind(final int bound) {
            super("the event stream's client fell behind by more than " + bound + " bytes");
        }
    }

    /** One connected page: its queue and the one write in flight, driven by Jetty's {@link IteratingCallback}. */
    public final class Client extends IteratingCallback {
        private final Response response;
        private final Callback done;
        private final Object lock = new Object();
        /** Guarded by {@link #lock}. */
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        /** Guarded by {@link #lock}: bytes queued, not yet handed to Jetty. */
        private long pendingBytes;
        /** Guarded by {@link #lock}: no more offers; finish once the queue is written. */
        private boolean ending;
        private final AtomicBoolean finished = new AtomicBoolean();

        private Client(final Response response, final Callback done) {
            this.response = response;
            this.done = done;
        }

        /** Queues bytes and writes them when Jetty is ready; drops the client when it has fallen behind. */
        void offer(final byte[] bytes) {
            boolean slow = false;
            synchronized (lock) {
                if (ending || finished.get()) {
                    return;
                }
                if (pendingBytes + bytes.length > maxPendingBytes) {
                    slow = true;
                    queue.clear();
                    pendingBytes = 0;
                    ending = true;
                } else {
                    queue.add(ByteBuffer.wrap(bytes));
                    pendingBytes += bytes.length;
                }
            }
            if (slow) {
                droppedSlow.incrementAndGet();
                final FellBehind why = new FellBehind(maxPendingBytes);
                // Failing the request's callback aborts the response and closes the connection at once: the write
                // Jetty is waiting on fails with it, instead of holding the slot until the idle timeout.
                if (finish()) {
                    done.failed(why);
                }
                abort(why);
                return;
            }
            iterate();
        }

        /** Writes what is queued, then ends the response. */
        void end() {
            synchronized (lock) {
                ending = true;
            }
            iterate();
        }

        @Override
        protected Action process() {
            final ByteBuffer next;
            synchronized (lock) {
                next = queue.poll();
                if (next == null) {
                    return ending ? Action.SUCCEEDED : Action.IDLE;
                }
                pendingBytes -= next.remaining();
            }
            response.write(false, next, this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            if (finish()) {
                done.succeeded();
            }
        }

        @Override
        protected void onCompleteFailure(final Throwable cause) {
            if (finish()) {
                if (!(cause instanceof FellBehind)) {
                    disconnected.incrementAndGet();
                }
                done.failed(cause);
            }
        }

        private boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            clients.remove(this);
            slots.decrementAndGet();
            synchronized (lock) {
                queue.clear();
                pendingBytes = 0;
            }
            return true;
        }
    }
}
