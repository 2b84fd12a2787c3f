package hamlet.transport.internal;

import hamlet.transport.internal.FrameCodec.AckFrame;
import hamlet.transport.internal.FrameCodec.ControlFrame;
import hamlet.transport.internal.FrameCodec.DataFrame;
import hamlet.transport.internal.FrameCodec.Frame;
import hamlet.transport.internal.FrameCodec.HandshakeFrame;
import hamlet.transport.internal.ProtocolException.Reason;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One WebSocket connection, dialed or accepted: the only place Jetty's WebSocket API is used besides
 * {@link JettyTransport}. Reads with explicit demand: it asks Jetty for the next frame only when the last one is
 * done, so that a peer cannot queue work faster than this node delivers it, and so that nothing is read between a
 * handshake and the transport's decision on it.
 *
 * <p>Before the handshake is admitted, a frame is refused by its type byte before anything else of it is decoded.
 * After it, each frame goes to the {@link PeerLink}: data through its in-order hand-off (the next frame is asked for
 * when the batch was delivered), acks, control messages and heartbeats at once. A broken rule closes this connection
 * through {@link JettyTransport#reject}. Public because Jetty calls listeners through method handles.
 *
 * <p>Threading: Jetty calls the {@code onWebSocket*} methods one at a time per connection.
 */
public final class WebSocketEndpoint implements Session.Listener, LinkSession {
    /** WebSocket close reasons are at most 123 bytes. */
    private static final int MAX_REASON_BYTES = 120;
    /**
     * Frames are written as WebSocket fragments of at most this many bytes: the receiver counts each fragment as a
     * sign of life, so a long frame on a slow link never makes a live peer look silent.
     */
    static final int FRAGMENT_BYTES = 32 * 1024;

    private final JettyTransport transport;
    private final Dialer.Target target;
    private final long openedAtNs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Session session;
    private volatile String remote = "?";
    private volatile String remoteHost = "?";
    private volatile PeerLink link;
    private volatile String dialer;
    private volatile boolean handshakeReceived;
    /**
     * With TLS: the node id the peer's certificate names, or {@code null} with {@link #certificateProblem} saying
     * why there is none. Set before the connection opens (by the upgrade, on Jetty's thread), read by the agent.
     */
    private volatile String certifiedNodeId;
    private volatile String certificateProblem = "no TLS session was seen on this connection";
    /**
     * The protocol version of every frame this side writes on this connection, agreed on the upgrade (see
     * {@link FrameLayout}); set before the connection opens, by Jetty's upgrade thread. Until then, and with a peer
     * that said nothing, the previous version, which every peer reads.
     */
    private volatile byte version = FrameLayout.PREVIOUS_VERSION;
    /** The fragments of the frame being read, or {@code null} between frames. Jetty's reading thread only. */
    private ByteBuffer assembly;

    /**
     * Sets the version this side writes on this connection. Jetty's upgrade thread, before the connection opens.
     *
     * @param agreed the version both sides speak
     */
    void speaks(final byte agreed) {
        this.version = agreed;
    }

    /** @return a frame of this node as this connection's peer reads it (see {@link FrameCodec#downgrade}) */
    private ByteBuffer inAgreedVersion(final ByteBuffer frame) {
        return version < FrameLayout.CURRENT_VERSION ? FrameCodec.downgrade(frame) : frame;
    }

    /** @return the version this side writes on this connection */
    byte version() {
        return version;
    }

    WebSocketEndpoint(final JettyTransport transport, final Dialer.Target target, final long nowNs) {
        this.transport = transport;
        this.target = target;
        this.openedAtNs = nowNs;
        this.dialer = target != null ? transport.selfId() : null;
    }

    boolean isDialed() {
        return target != null;
    }

    Dialer.Target target() {
        return target;
    }

    long openedAtNs() {
        return openedAtNs;
    }

    boolean handshakeDone() {
        return link != null;
    }

    /** @return whether Jetty reported the connection closed */
    boolean isClosed() {
        return closed.get();
    }

    /**
     * @param nodeId the node id the peer's certificate names, or {@code null}
     * @param problem why there is none, when {@code nodeId} is {@code null}
     */
    void certified(final String nodeId, final String problem) {
        this.certificateProblem = problem;
        this.certifiedNodeId = nodeId;
    }

    /** @return the node id the peer's certificate names; {@code null} without TLS or when it names none */
    String certifiedNodeId() {
        return certifiedNodeId;
    }

    /** @return why {@link #certifiedNodeId} is {@code null} */
    String certificateProblem() {
        return certificateProblem;
    }

    /** @return the remote IP, which connection limits count by */
    String remoteHost() {
        return remoteHost;
    }

    @Override
    public void onWebSocketOpen(final Session opened) {
        this.session = opened;
        final SocketAddress address = opened.getRemoteSocketAddress();
        this.remote = String.valueOf(address);
        this.remoteHost = address instanceof InetSocketAddress
            ? ((InetSocketAddress) address).getAddress().getHostAddress() : remote;
        if (transport.paused()) {
            opened.disconnect();
            return;
        }
        final String refused = transport.opened(this);
        if (refused != null) {
            transport.reject(this, new ProtocolException(Reason.TOO_MANY_CONNECTIONS, refused));
            return;
        }
        if (isDialed()) {
            opened.sendBinary(inAgreedVersion(transport.ownHandshakeFrame()), Callback.NOOP);
        }
        opened.demand();
    }

    /**
     * One fragment of a frame. Each is a sign of life; the frame is handled once its last fragment is in, assembled
     * within max-frame. Before the handshake, the first fragment's type byte is checked before anything is kept.
     */
    @Override
    public void onWebSocketPartialBinary(final ByteBuffer fragment, final boolean last, final Callback callback) {
        final PeerLink attached = link;
        if (attached != null) {
            attached.onFragment(this, fragment.remaining());
        }
        if (assembly == null && last) {
            onWholeFrame(fragment, callback);
            return;
        }
        try {
            if (assembly == null) {
                if (attached == null) {
                    transport.codec().peekType(fragment);
                    checkFirstFrameType(fragment);
                }
                assembly = ByteBuffer.allocate(Math.min(transport.codec().maxFrameBytes(),
                    Math.max(fragment.remaining() * 4, FRAGMENT_BYTES)));
            }
            append(fragment);
        } catch (final ProtocolException e) {
            assembly = null;
            callback.succeed();
            transport.reject(this, e);
            return;
        }
        callback.succeed();
        if (!last) {
            demand();
            return;
        }
        final ByteBuffer whole = assembly.flip();
        assembly = null;
        onWholeFrame(whole, Callback.NOOP);
    }

    /** Appends a fragment, growing the buffer up to max-frame; past it the frame is refused. */
    private void append(final ByteBuffer fragment) throws ProtocolException {
        final int max = transport.codec().maxFrameBytes();
        if ((long) assembly.position() + fragment.remaining() > max) {
            throw new ProtocolException(Reason.FRAME_TOO_LARGE, "frame of more than " + max
                + " bytes (hamlet.transport.max-frame)");
        }
        if (assembly.remaining() < fragment.remaining()) {
            final int size = (int) Math.min(max, Math.max((long) assembly.capacity() * 2,
                (long) assembly.position() + fragment.remaining()));
            assembly = ByteBuffer.allocate(size).put(assembly.flip());
        }
        assembly.put(fragment);
    }

    private void onWholeFrame(final ByteBuffer payload, final Callback callback) {
        final Frame frame;
        try {
            frame = decode(payload);
        } catch (final ProtocolException e) {
            transport.reject(this, e);
            return;
        } finally {
            callback.succeed();
        }
        try {
            onFrame(frame);
        } catch (final ProtocolException e) {
            transport.reject(this, e);
        }
    }

    private void checkFirstFrameType(final ByteBuffer payload) throws ProtocolException {
        if (handshakeReceived) {
            throw new ProtocolException(Reason.HANDSHAKE_REPEATED, "a frame before the handshake was answered");
        }
        final byte type = transport.codec().peekType(payload);
        if (type != FrameLayout.TYPE_HANDSHAKE) {
            throw new ProtocolException(Reason.NOT_HANDSHAKE_FIRST,
                "first frame was of type " + type + ", not a handshake");
        }
    }

    /** Before the handshake: only a handshake is decoded; anything else is refused by its type byte alone. */
    private Frame decode(final ByteBuffer payload) throws ProtocolException {
        if (link == null) {
            checkFirstFrameType(payload);
        }
        return transport.codec().decode(payload);
    }

    private void onFrame(final Frame frame) throws ProtocolException {
        final PeerLink attached = link;
        if (attached == null) {
            handshakeReceived = true;
            // The transport's agent admits it, then asks for the next frame (or closes the connection).
            transport.onHandshake(this, ((HandshakeFrame) frame).handshake());
            return;
        }
        attached.onRead(this);
        if (frame instanceof DataFrame) {
            attached.onData(this, ((DataFrame) frame).envelopes(), this::demand);
            return;
        }
        if (frame instanceof AckFrame) {
            final AckFrame ack = (AckFrame) frame;
            attached.onAck(this, ack.uid(), ack.seq());
        } else if (frame instanceof ControlFrame) {
            final ControlFrame control = (ControlFrame) frame;
            attached.onControl(this, control.channel(), control.payload());
        } else if (frame instanceof HandshakeFrame) {
            throw new ProtocolException(Reason.HANDSHAKE_REPEATED, "a second handshake on one connection");
        }
        demand();
    }

    /** Asks Jetty for the next frame of this connection. */
    void demand() {
        final Session s = session;
        if (s != null && s.isOpen()) {
            s.demand();
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
        transport.closed(this, statusCode + " " + reason, statusCode == StatusCode.TRY_AGAIN_LATER);
    }

    /** @param dialerId the node that dialed this connection, known once the handshake is (before it is attached) */
    void dialedBy(final String dialerId) {
        this.dialer = dialerId;
    }

    /** @param attached the link this connection now serves (set by the transport's agent after the handshake) */
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
        final List<Piece> pieces = new ArrayList<>();
        for (final ByteBuffer encoded : frames) {
            final ByteBuffer frame = inAgreedVersion(encoded);
            if (frame.remaining() <= FRAGMENT_BYTES) {
                pieces.add(new Piece(frame, false, true));
                continue;
            }
            while (frame.hasRemaining()) {
                final int size = Math.min(FRAGMENT_BYTES, frame.remaining());
                final ByteBuffer slice = frame.slice(frame.position(), size);
                frame.position(frame.position() + size);
                pieces.add(new Piece(slice, true, !frame.hasRemaining()));
            }
        }
        writeFrom(s, pieces, 0, done);
    }

    /** One WebSocket message, or one fragment of one. */
    private record Piece(ByteBuffer bytes, boolean fragment, boolean last) {
    }

    /**
     * Writes from piece {@code i} on. Whole messages in a row are handed to Jetty together (its flusher keeps their
     * order); a fragment waits until everything before it is written, because Jetty decides a fragment's opcode from
     * the fragments already written, so one queued early would go out as the wrong kind of frame.
     */
    private void writeFrom(final Session s, final List<Piece> pieces, final int i, final Consumer<Throwable> done) {
        if (i == pieces.size()) {
            done.accept(null);
            return;
        }
        final Piece piece = pieces.get(i);
        if (piece.fragment()) {
            s.sendPartialBinary(piece.bytes(), piece.last(),
                Callback.from(() -> writeFrom(s, pieces, i + 1, done), done::accept));
            return;
        }
        int end = i;
        while (end < pieces.size() && !pieces.get(end).fragment()) {
            end++;
        }
        final int next = end;
        final AtomicInteger left = new AtomicInteger(next - i);
        final AtomicBoolean failed = new AtomicBoolean();
        final Callback each = Callback.from(() -> {
            if (left.decrementAndGet() == 0 && !failed.get()) {
                writeFrom(s, pieces, next, done);
            }
        }, failure -> {
            if (failed.compareAndSet(false, true)) {
                done.accept(failure);
            }
        });
        for (int k = i; k < next; k++) {
            s.sendBinary(pieces.get(k).bytes(), each);
        }
    }

    @Override
    public void close(final String reason) {
        closeWith(StatusCode.NORMAL, reason);
    }

    @Override
    public void closeNotReady(final String reason) {
        closeWith(StatusCode.TRY_AGAIN_LATER, reason);
    }

    @Override
    public void abort(final String reason) {
        closeHard(StatusCode.SHUTDOWN, reason);
    }

    void closeWith(final int code, final String reason) {
        final Session s = session;
        if (s != null && s.isOpen()) {
            s.close(code, truncate(reason), Callback.NOOP);
        }
    }

    /**
     * Says why, then drops the connection without waiting for the peer's close: a refused peer that never answers the
     * close must not keep its socket until Jetty's idle timeout.
     */
    void closeHard(final int code, final String reason) {
        final Session s = session;
        if (s == null) {
            return;
        }
        if (!s.isOpen()) {
            s.disconnect();
            return;
        }
        s.close(code, truncate(reason), Callback.from(s::disconnect, failure -> s.disconnect()));
    }

    /** Writes one frame, then closes the connection hard. */
    void answerThenClose(final ByteBuffer frame, final String reason) {
        final Session s = session;
        if (s == null) {
            return;
        }
        s.sendBinary(inAgreedVersion(frame), Callback.from(() -> closeHard(StatusCode.NORMAL, reason),
            failure -> closeHard(StatusCode.NORMAL, reason)));
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
