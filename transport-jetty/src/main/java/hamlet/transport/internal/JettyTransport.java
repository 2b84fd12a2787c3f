package hamlet.transport.internal;

import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.ProtocolException.Reason;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The transport: a Jetty WebSocket server endpoint at {@code ws://host:port/hamlet}, a client that dials the seeds
 * and the peers it has learnt, the table of {@link PeerLink}s by node id, the timer, and the counters of refused
 * connections. Jetty is used here and in {@link WebSocketEndpoint} only.
 *
 * <p>Dialing: every node dials its seeds and every known peer whose link is down (with backoff); when both sides
 * dial at once, {@link PeerLink#attach} keeps the connection dialed by the lower node id. While no
 * {@link EnvelopeReceiver} is bound the node neither dials nor accepts handshakes (it answers "node not ready"),
 * so that nothing arrives that could not be delivered; peers keep their envelopes and resend them later.
 *
 * <p>Threading: {@link #send} and {@link #peers} from any thread; connection events on Jetty's threads; the timer
 * on one thread of its own; writers on a small pool.
 */
public final class JettyTransport implements Transport, PeerLink.Context {
    private static final Logger LOG = LoggerFactory.getLogger(JettyTransport.class);
    private static final int MAX_TEXT_BYTES = 1024;
    /** How often a port that was taken is tried again: often enough to notice soon, rarely enough to stay quiet. */
    static final long BIND_RETRY_NS = TimeUnit.SECONDS.toNanos(2);

    /** A URL this node dials: a seed, or where a known peer said it listens. */
    static final class DialTarget {
        private final String url;
        private final Backoff backoff;
        private volatile String nodeId;
        private volatile boolean inProgress;
        private volatile boolean self;
        private volatile long nextDialNs;

        DialTarget(final String url, final Backoff backoff) {
            this.url = url;
            this.backoff = backoff;
        }

        String url() {
            return url;
        }
    }

    private volatile TransportSettings settings;
    private final LongSupplier nanoClock;
    private final long incarnation;
    private final FrameCodec codec;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final Map<String, DialTarget> targets = new ConcurrentHashMap<>();
    private final Set<WebSocketEndpoint> pending = ConcurrentHashMap.newKeySet();
    private final Map<Reason, AtomicLong> rejected = new EnumMap<>(Reason.class);
    private final ExecutorService writers;
    private final ScheduledExecutorService timer;
    private volatile EnvelopeReceiver receiver;
    private volatile Handshake own;
    private volatile boolean paused;
    private volatile boolean stopped;
    /** The writer pool, refusing quietly once stopped: whatever was still queued was handed back by stop(). */
    private final java.util.concurrent.Executor safeWriter;
    private Server server;
    /** The bound connector, or {@code null} while the port is taken; guarded by {@code this}. */
    private ServerConnector connector;
    private WebSocketClient client;
    /** The port the handshake advertises: the configured one, or the one picked when configured as 0. */
    private volatile int advertisedPort;
    private volatile boolean listening;
    /** When the timer next tries to bind, while {@link #listening} is false. */
    private long nextBindNs;

    /**
     * @param settings the settings
     * @param nanoClock the clock
     * @param incarnation this node's incarnation, e.g. its start time in ms
     */
    public JettyTransport(final TransportSettings settings, final LongSupplier nanoClock, final long incarnation) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.incarnation = incarnation;
        this.codec = new FrameCodec(settings.maxFrameBytes(), settings.maxEnvelopeBytes());
        for (final Reason r : Reason.values()) {
            rejected.put(r, new AtomicLong());
        }
        final AtomicInteger n = new AtomicInteger();
        this.writers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors() / 2),
            r -> daemon(r, "hamlet-transport-writer-" + n.incrementAndGet()));
        this.safeWriter = task -> {
            try {
                writers.execute(task);
            } catch (final java.util.concurrent.RejectedExecutionException stopping) {
                LOG.debug("[{}] writer refused: the transport is stopping", selfId());
            }
        };
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hamlet-transport-timer"));
        for (final String seed : settings.seeds()) {
            targets.put(seed, newTarget(seed));
        }
    }

    private static Thread daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private DialTarget newTarget(final String url) {
        return new DialTarget(url, new Backoff(settings.backoffMinNs(), settings.backoffMaxNs(),
            () -> ThreadLocalRandom.current().nextDouble()));
    }

    /**
     * Starts the server, the client and the timer, and binds the listener. A port that cannot be bound (another
     * process holds it) does not fail the start: it is logged once and tried again by the timer every
     * {@link #BIND_RETRY_NS}, while the links this node dials work without a listener.
     *
     * @throws Exception when Jetty itself cannot start (its threads)
     */
    public synchronized void start() throws Exception {
        final QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("hamlet-transport");
        threads.setDaemon(true);
        server = new Server(threads);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxBinaryMessageSize(settings.maxFrameBytes());
            container.setMaxFrameSize(settings.maxFrameBytes());
            container.setMaxTextMessageSize(MAX_TEXT_BYTES);
            container.setIdleTimeout(jettyIdleTimeout());
            container.addMapping(TransportSettings.PATH,
                (request, response, callback) -> new WebSocketEndpoint(this, null, nanoClock.getAsLong()));
        }));
        // Without a connector: a connector that fails to bind inside Server.start() would leave the server FAILED,
        // and it could not be retried. The connector is added and started on its own by bind().
        server.start();
        advertisedPort = settings.port();
        final String bindFailure = bind();
        // Peers dial back the configured port, whether or not it is bound yet.
        own = new Handshake(settings.cluster(), settings.nodeId(), incarnation, settings.ownUrl(advertisedPort));
        client = new WebSocketClient();
        client.setMaxBinaryMessageSize(settings.maxFrameBytes());
        client.setMaxFrameSize(settings.maxFrameBytes());
        client.setMaxTextMessageSize(MAX_TEXT_BYTES);
        client.setIdleTimeout(jettyIdleTimeout());
        client.start();
        final long tickNs = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
            Math.min(settings.heartbeatIntervalNs() / 4, TimeUnit.MILLISECONDS.toNanos(50)));
        if (bindFailure == null) {
            LOG.info("[{}] transport listening on {} in cluster {}, seeds {}", settings.nodeId(),
                settings.ownUrl(advertisedPort), settings.cluster(), settings.seeds());
        } else {
            nextBindNs = nanoClock.getAsLong() + BIND_RETRY_NS;
            LOG.warn("[{}] transport cannot listen on {}:{}: {}; retrying every {}s; links this node dials still work"
                + " (cluster {}, seeds {})", settings.nodeId(), settings.host(), settings.port(), bindFailure,
                TimeUnit.NANOSECONDS.toSeconds(BIND_RETRY_NS), settings.cluster(), settings.seeds());
        }
        timer.scheduleWithFixedDelay(this::tick, tickNs, tickNs, TimeUnit.NANOSECONDS);
    }

    /**
     * Binds a new connector to the advertised port, then adds it to the server, which starts it. The port is bound
     * with {@link ServerConnector#open()} before the connector is started because a connector whose start fails
     * stops itself and logs it, which every retry would repeat; a failed open leaves nothing to undo.
     *
     * @return {@code null} when bound, else why not
     */
    private synchronized String bind() {
        final ServerConnector next = new ServerConnector(server);
        next.setHost(settings.host());
        next.setPort(advertisedPort);
        try {
            next.open();
        } catch (final java.io.IOException e) {
            return rootMessage(e);
        }
        try {
            server.addConnector(next);
            if (!next.isStarted()) {
                next.start();
            }
        } catch (final Exception e) {
            server.removeConnector(next);
            try {
                next.stop();
            } catch (final Exception stopFailure) {
                LOG.debug("[{}] a connector that failed to start did not stop: {}", settings.nodeId(),
                    stopFailure.toString());
            }
            return rootMessage(e);
        }
        connector = next;
        // Port 0 (tests) picks a port once; a later pause and resume binds that same port again.
        advertisedPort = next.getLocalPort();
        next.setPort(advertisedPort);
        listening = true;
        return null;
    }

    /** From the timer, while the port is taken: tries again every {@link #BIND_RETRY_NS}. */
    private void retryBind(final long nowNs) {
        if (listening || nowNs - nextBindNs < 0) {
            return;
        }
        synchronized (this) {
            if (stopped || listening) {
                return;
            }
            final String failure = bind();
            if (failure == null) {
                LOG.info("[{}] transport now listening on {}", settings.nodeId(), settings.ownUrl(advertisedPort));
            } else {
                nextBindNs = nowNs + BIND_RETRY_NS;
                LOG.debug("[{}] transport still cannot listen on {}:{}: {}", settings.nodeId(), settings.host(),
                    advertisedPort, failure);
            }
        }
    }

    /** "Failed to bind to /127.0.0.1:7701" says less than its cause, "Address already in use". */
    private static String rootMessage(final Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /**
     * Jetty's own idle timeout is only a backstop: the handshake timeout and the silence timeout, which a live
     * edit can change, are what close quiet connections.
     */
    private Duration jettyIdleTimeout() {
        return Duration.ofNanos(Math.max(settings.silenceTimeoutNs() * 2, TimeUnit.MINUTES.toNanos(5)));
    }

    /** Closes every connection and stops; envelopes still in outboxes are handed back as undeliverable. */
    public synchronized void stop() {
        stopped = true;
        timer.shutdownNow();
        for (final PeerLink link : links.values()) {
            final LinkSession s = link.session();
            if (s != null) {
                s.close("node stopping");
            }
            link.abandon("the transport stopped before " + link.nodeId() + " acknowledged it");
        }
        try {
            if (client != null) {
                client.stop();
            }
            if (server != null) {
                server.stop();
            }
        } catch (final Exception e) {
            LOG.warn("[{}] transport did not stop cleanly: {}", settings.nodeId(), e.toString());
        }
        writers.shutdownNow();
    }

    /**
     * Simulates a network cut, for tests: stops accepting, drops every connection without a close handshake, and
     * dials nothing until {@link #resumeListener}.
     *
     * @throws Exception when the connector does not stop
     */
    synchronized void pauseListener() throws Exception {
        paused = true;
        if (connector != null) {
            connector.stop();
        }
        for (final PeerLink link : links.values()) {
            final LinkSession s = link.session();
            if (s instanceof WebSocketEndpoint) {
                ((WebSocketEndpoint) s).disconnect();
            }
        }
    }

    /**
     * Ends a {@link #pauseListener}: listens on the same port again and redials.
     *
     * @throws Exception when the port cannot be bound again
     */
    synchronized void resumeListener() throws Exception {
        if (connector != null) {
            connector.start();
        }
        paused = false;
    }

    /** @return the port the handshake advertises (the listener's, once bound) */
    public int port() {
        return advertisedPort;
    }

    /** @return whether the listener is bound; {@code false} while the port is taken and being retried */
    public boolean listening() {
        return listening;
    }

    /** @return this node's URL as advertised */
    public String url() {
        return settings.ownUrl(advertisedPort);
    }

    /**
     * Applies a live edit in place when it changes nothing that is bound at start (node id, host, port, cluster,
     * seeds, max-frame, max-envelope): the links take the new bounds, timeouts and retry count at once.
     *
     * @param next the edited settings
     * @return whether it was applied; {@code false} means the transport must be replaced to apply it
     */
    public boolean applyInPlace(final TransportSettings next) {
        final TransportSettings now = settings;
        if (!now.nodeId().equals(next.nodeId()) || !now.host().equals(next.host()) || now.port() != next.port()
            || !now.cluster().equals(next.cluster()) || !now.seeds().equals(next.seeds())
            || now.maxFrameBytes() != next.maxFrameBytes() || now.maxEnvelopeBytes() != next.maxEnvelopeBytes()
            || now.dedupWindow() != next.dedupWindow()) {
            return false;
        }
        settings = next;
        for (final PeerLink link : links.values()) {
            link.apply(next);
        }
        return true;
    }

    /** @return the settings in force */
    public TransportSettings settings() {
        return settings;
    }

    /** @param newReceiver where envelopes go, or {@code null} when the registry went away */
    public void receiver(final EnvelopeReceiver newReceiver) {
        this.receiver = newReceiver;
        if (newReceiver == null) {
            for (final PeerLink link : links.values()) {
                final LinkSession s = link.session();
                if (s != null) {
                    s.close("node not ready: no receiver");
                    link.detach(s, "node not ready");
                }
            }
        }
    }

    /** @return connections refused or closed for breaking the protocol, by reason, since start */
    public Map<String, Long> rejections() {
        final Map<String, Long> counts = new TreeMap<>();
        rejected.forEach((reason, count) -> counts.put(reason.name(), count.get()));
        return counts;
    }

    /** @return the total of {@link #rejections()} */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    @Override
    public SendStatus send(final String node, final WireEnvelope envelope) {
        final PeerLink link = links.get(node);
        if (link == null || stopped) {
            return SendStatus.UNKNOWN_NODE;
        }
        return link.offer(envelope);
    }

    @Override
    public List<PeerInfo> peers() {
        final List<PeerInfo> infos = new ArrayList<>();
        for (final PeerLink link : links.values()) {
            final DialTarget t = link.url() == null ? null : targets.get(link.url());
            infos.add(link.info(t != null && t.inProgress));
        }
        for (final DialTarget t : targets.values()) {
            if (t.nodeId == null && !t.self) {
                infos.add(new PeerInfo(null, t.url, PeerInfo.State.CONNECTING, 0, 0, 0, 0));
            }
        }
        infos.sort(Comparator.comparing(PeerInfo::node, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(PeerInfo::url, Comparator.nullsLast(Comparator.naturalOrder())));
        return infos;
    }

    // ---- PeerLink.Context

    @Override
    public java.util.concurrent.Executor writer() {
        return safeWriter;
    }

    @Override
    public boolean canDeliver() {
        return receiver != null;
    }

    @Override
    public void deliver(final String fromNode, final WireEnvelope envelope) {
        final EnvelopeReceiver r = receiver;
        if (r != null) {
            r.onEnvelope(fromNode, envelope);
        }
    }

    @Override
    public void undeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
        final EnvelopeReceiver r = receiver;
        if (r != null) {
            r.onUndeliverable(toNode, envelope, reason);
        } else {
            LOG.warn("[{}] lost an envelope for {} ({}): {}; no registry to dead-letter it", settings.nodeId(),
                envelope.to(), toNode, reason);
        }
    }

    @Override
    public void connectionLost(final PeerLink link, final String reason) {
        LOG.warn("[{}] link to {} lost: {}", settings.nodeId(), link.nodeId(), reason);
    }

    // ---- connection events, from WebSocketEndpoint

    String selfId() {
        return settings.nodeId();
    }

    FrameCodec codec() {
        return codec;
    }

    ByteBuffer ownHandshakeFrame() {
        return codec.encodeHandshake(own);
    }

    void opened(final WebSocketEndpoint endpoint) {
        pending.add(endpoint);
    }

    /**
     * A connection's first frame was a handshake: check it and attach the connection to the peer's link.
     *
     * @return the link, or {@code null} when the connection was closed without being attached
     */
    PeerLink onHandshake(final WebSocketEndpoint endpoint, final Handshake peer) throws ProtocolException {
        final DialTarget target = endpoint.target();
        if (target != null && settings.nodeId().equals(peer.nodeId()) && own.incarnation() == peer.incarnation()) {
            target.self = true;
            target.inProgress = false;
            endpoint.close("dialed itself");
            return null;
        }
        final PeerLink known = links.get(peer.nodeId());
        peer.check(settings.cluster(), settings.nodeId(), known == null ? 0 : known.peerIncarnation());
        pending.remove(endpoint);
        if (receiver == null) {
            endpoint.closeWith(StatusCode.TRY_AGAIN_LATER, "node not ready");
            return null;
        }
        final String dialUrl = target != null ? target.url : peer.url();
        final PeerLink link = links.computeIfAbsent(peer.nodeId(),
            id -> new PeerLink(settings.nodeId(), id, dialUrl, settings, own, this, nanoClock));
        link.url(dialUrl);
        if (target != null) {
            target.nodeId = peer.nodeId();
            target.inProgress = false;
            target.backoff.reset();
        } else if (!peer.url().isEmpty()) {
            targets.computeIfAbsent(peer.url(), this::newTarget).nodeId = peer.nodeId();
        }
        endpoint.attached(link, target != null ? settings.nodeId() : peer.nodeId());
        final String refused = link.attach(endpoint, peer.incarnation(), target == null);
        if (refused != null) {
            endpoint.close(refused);
            return null;
        }
        LOG.info("[{}] link to {} up ({} {}, incarnation {})", settings.nodeId(), peer.nodeId(),
            target != null ? "dialed" : "accepted from", endpoint.remote(), peer.incarnation());
        return link;
    }

    /** A connection broke the protocol: close it with the reason, count it, log one line with the peer. */
    void reject(final WebSocketEndpoint endpoint, final ProtocolException e) {
        rejected.get(e.reason()).incrementAndGet();
        final PeerLink link = endpoint.link();
        LOG.warn("[{}] closing connection {} ({}): {}: {}", settings.nodeId(), endpoint.remote(),
            link == null ? "before handshake" : "peer " + link.nodeId(), e.reason(), e.getMessage());
        pending.remove(endpoint);
        endpoint.closeWith(e.reason() == Reason.FRAME_TOO_LARGE ? StatusCode.MESSAGE_TOO_LARGE
            : StatusCode.POLICY_VIOLATION, e.reason() + ": " + e.getMessage());
        if (link != null) {
            link.detach(endpoint, e.reason() + ": " + e.getMessage());
        }
    }

    void closed(final WebSocketEndpoint endpoint, final String reason) {
        pending.remove(endpoint);
        final PeerLink link = endpoint.link();
        if (link != null && link.session() == endpoint) {
            LOG.info("[{}] link to {} down: {}", settings.nodeId(), link.nodeId(), reason);
            link.detach(endpoint, reason);
        }
        final DialTarget target = endpoint.target();
        if (target != null) {
            target.inProgress = false;
            target.nextDialNs = nanoClock.getAsLong() + target.backoff.nextDelayNs();
        }
    }

    // ---- the timer

    void tick() {
        try {
            final long nowNs = nanoClock.getAsLong();
            retryBind(nowNs);
            for (final PeerLink link : links.values()) {
                link.doWork(nowNs);
            }
            for (final WebSocketEndpoint endpoint : pending) {
                if (!endpoint.handshakeDone() && nowNs - endpoint.openedAtNs() > settings.handshakeTimeoutNs()) {
                    reject(endpoint, new ProtocolException(Reason.HANDSHAKE_TIMEOUT, "no handshake within "
                        + Duration.ofNanos(settings.handshakeTimeoutNs()).toMillis() + "ms"));
                }
            }
            if (receiver != null && !paused) {
                for (final DialTarget target : targets.values()) {
                    maybeDial(target, nowNs);
                }
            }
        } catch (final RuntimeException e) {
            LOG.error("[{}] transport timer: {}", settings.nodeId(), e.toString(), e);
        }
    }

    private void maybeDial(final DialTarget target, final long nowNs) {
        if (target.self || target.inProgress || nowNs - target.nextDialNs < 0) {
            return;
        }
        final PeerLink link = target.nodeId == null ? null : links.get(target.nodeId);
        if (link != null && link.isUp()) {
            return;
        }
        target.inProgress = true;
        try {
            client.connect(new WebSocketEndpoint(this, target, nowNs), URI.create(target.url))
                .whenComplete((session, failure) -> {
                    if (failure != null) {
                        LOG.debug("[{}] dial {} failed: {}", settings.nodeId(), target.url, failure.toString());
                        target.inProgress = false;
                        target.nextDialNs = nanoClock.getAsLong() + target.backoff.nextDelayNs();
                    }
                });
        } catch (final java.io.IOException | RuntimeException e) {
            target.inProgress = false;
            target.nextDialNs = nowNs + target.backoff.nextDelayNs();
        }
    }
}
