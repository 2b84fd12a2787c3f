package hamlet.transport.internal;

import hamlet.transport.internal.FrameCodec.AckFrame;
import hamlet.transport.internal.FrameCodec.DataFrame;
import hamlet.transport.internal.FrameCodec.Frame;
import hamlet.transport.internal.FrameCodec.HandshakeFrame;
import hamlet.transport.internal.ProtocolException.Reason;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One WebSocket connection, dialed or accepted: the only place Jetty's WebSocket API is used besides
 * {@link JettyTransport}. Decodes each binary message with the {@link FrameCodec}, runs the handshake rule (a
 * handshake first, exactly once) and hands the rest to its {@link PeerLink}. A broken rule closes this connection
 * through {@link JettyTransport#reject}. Public because Jetty calls listeners through method handles.
 *
 * <p>Threading: Jetty calls the {@code onWebSocket*} methods one at a time per connection.
 */
public final class WebSocketEndpoint implements Session.Listener.AutoDemanding, LinkSession {
    /** WebSocket close reasons are at most 123 bytes. */
    private static final int MAX_REASON_BYTES = 120;

    private final JettyTransport transport;
    private final JettyTransport.DialTarget target;
    private final long openedAtNs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Session session;
    private volatile String remote = "?";
    private volatile PeerLink link;
    private volatile String dialer;

    WebSocketEndpoint(final JettyTransport transport, final JettyTransport.DialTarget target, final long nowNs) {
        this.transport = transport;
        this.target = target;
        this.openedAtNs = nowNs;
        this.dialer = target != null ? transport.selfId() : null;
    }

    boolean isDialed() {
        return target != null;
    }

    JettyTransport.DialTarget target() {
        return target;
    }

    long openedAtNs() {
        return openedAtNs;
    }

    boolean handshakeDone() {
        return link != null;
    }

    @Override
    public void onWebSocketOpen(final Session opened) {
        this.session = opened;
        this.remote = String.valueOf(opened.getRemoteSocketAddress());
        transport.opened(this);
        if (isDialed()) {
            opened.sendBinary(transport.ownHandshakeFrame(), Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketBinary(final ByteBuffer payload, final Callback callback) {
        try {
            onFrame(transport.codec().decode(payload));
        } catch (final ProtocolException e) {
            transport.reject(this, e);
        } finally {
            callback.succeed();
        }
    }

    private void onFrame(final Frame frame) throws ProtocolException {
        final PeerLink attached = link;
        if (attached == null) {
            if (!(frame instanceof HandshakeFrame)) {
                throw new ProtocolException(Reason.NOT_HANDSHAKE_FIRST,
                    "first frame was " + frame.getClass().getSimpleName() + ", not a handshake");
            }
            link = transport.onHandshake(this, ((HandshakeFrame) frame).handshake());
            return;
        }
        attached.onRead(this);
        if (frame instanceof DataFrame) {
            if (!attached.onData(this, ((DataFrame) frame).envelopes())) {
                close("node not ready: no receiver");
            }
        } else if (frame instanceof AckFrame) {
            attached.onAck(this, ((AckFrame) frame).seq());
        } else if (frame instanceof HandshakeFrame) {
            throw new ProtocolException(Reason.HANDSHAKE_REPEATED, "a second handshake on one connection");
        }
    }

    @Override
    public void onWebSocketText(final String message) {
        transport.reject(this, new ProtocolException(Reason.TEXT_FRAME, "a text frame: the protocol is binary"));
    }

    @Override
    public void onWebSocketError(final Throwable cause) {
        if (cause instanceof MessageTooLargeException) {
            transport.reject(this, new ProtocolException(Reason.FRAME_TOO_LARGE,
                "frame larger than hamlet.transport.max-frame: " + cause.getMessage()));
        }
    }

    @Override
    public void onWebSocketClose(final int statusCode, final String reason) {
        closed.set(true);
        transport.closed(this, statusCode + " " + reason);
    }

    /** @param attached the link this connection now serves (set by the transport after the handshake) */
    void attached(final PeerLink attached, final String dialerId) {
        this.dialer = dialerId;
        this.link = attached;
    }

    PeerLink link() {
        return link;
    }

    @Override
    public void write(final List<ByteBuffer> frames, final Consumer<Throwable> done) {
        final Session s = session;
        if (s == null || closed.get()) {
            done.accept(new IllegalStateException("connection closed"));
            return;
        }
        final AtomicInteger left = new AtomicInteger(frames.size());
        final AtomicBoolean failed = new AtomicBoolean();
        for (final ByteBuffer frame : frames) {
            s.sendBinary(frame, Callback.from(() -> {
                if (left.decrementAndGet() == 0 && !failed.get()) {
                    done.accept(null);
                }
            }, failure -> {
                if (failed.compareAndSet(false, true)) {
                    done.accept(failure);
                }
            }));
        }
    }

    @Override
    public void close(final String reason) {
        closeWith(StatusCode.NORMAL, reason);
    }

    void closeWith(final int code, final String reason) {
        final Session s = session;
        if (s != null && s.isOpen()) {
            s.close(code, truncate(reason), Callback.NOOP);
        }
    }

    /** Drops the connection without a close handshake (tests simulate a network cut with it). */
    void disconnect() {
        final Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }

    private static String truncate(final String reason) {
        final byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        return new String(bytes, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8).replace("\uFFFD", "");
    }

    @Override
    public String dialer() {
        return dialer;
    }

    @Override
    public String remote() {
        return target != null ? target.url() : remote;
    }
}
