package hamlet.transport.internal;

import hamlet.api.transport.ControlReceiver;
import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import hamlet.transport.internal.ProtocolException.Reason;
import hamlet.tls.Connectors;
import hamlet.tls.HandshakeRefusals;
import hamlet.tls.NodeCertificates;
import hamlet.tls.TlsService;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The transport: a Jetty WebSocket server endpoint at {@code ws://host:port/hamlet} ({@code wss://} with TLS), a
 * client that dials what the {@link Dialer} says, the table of {@link PeerLink}s by node id, and the agent thread that
 * owns that table.
 *
 * <p>With TLS ({@link TlsService#enabled()}), both sides of every connection present a certificate from a trusted CA
 * (a handshake that fails is refused by Jetty before anything reaches this class, and counted here as
 * {@code refused.tls.<reason>} or {@code dials.tls-failed.<reason>}), and a peer's handshake must name the node its
 * certificate names ({@link Reason#CERTIFICATE_MISMATCH} otherwise): a certificate is what a node id is bound to.
 *
 * <p>Ownership: the link table, the dialer and the connections waiting for their handshake belong to one agent
 * thread ({@code hamlet-<node>-transport}): handshake admission, connection ends, dial results and the periodic tick
 * (heartbeats, silence, expiry, dials, forgetting unknown peers) all run there, one at a time, each guarded so that
 * nothing it throws stops the others. Other threads read the link table (a concurrent map the agent alone writes),
 * offer envelopes and control messages to links, and post events to the agent. Jetty's threads read frames; a small
 * pool writes them. No lock of this class is held while the registry, a control receiver or Jetty is called.
 *
 * <p>While no {@link EnvelopeReceiver} is bound the node neither dials nor admits handshakes (it answers "node not
 * ready"), so that nothing arrives that could not be delivered; peers keep their envelopes and resend them later.
 */
public final class JettyTransport implements Transport, PeerLink.Context {
    private static final Logger LOG = LoggerFactory.getLogger(JettyTransport.class);
    private static final int MAX_TEXT_BYTES = 1024;
    /** How often a port that was taken is tried again: often enough to notice soon, rarely enough to stay quiet. */
    static final long BIND_RETRY_NS = TimeUnit.SECONDS.toNanos(2);
    /** Control messages that may wait for a URL being dialed; more are dropped (the lane is unreliable). */
    static final int MAX_CONTROL_PER_URL = 16;
    /** Lines a second about connections and links, which a peer can make happen as often as it likes. */
    static final int CONNECTION_LINES_PER_SECOND = 20;
    /**
     * Forgotten links whose sequences are remembered. Past it the oldest is dropped: a peer that still holds a window
     * from so long ago would see sequences restart (the risk {@link PeerLink#continueSequence} avoids).
     */
    static final int MAX_FORGOTTEN_SEQUENCES = 4096;
    /** Counter prefix of the connections refused in their TLS handshake, by {@link HandshakeRefusals} reason. */
    static final String REFUSED_TLS = "refused.tls.";
    /** Counter prefix of this node's dials whose TLS handshake failed, by {@link HandshakeRefusals} reason. */
    static final String DIAL_TLS_FAILED = "dials.tls-failed.";
    /** Counter of the times the listener held max-accepted-connections and stopped accepting. */
    static final String ACCEPT_PAUSED = "connections.accept-paused";

    private volatile TransportSettings settings;
    /** {@code tls.enabled()}, read once: the mode is fixed for the life of the transport. */
    private final boolean secure;
    /**
     * The TLS service's factories, taken once (it reloads them in place), so that nothing of the tls bundle is
     * called under this transport's lock; {@code null} without TLS.
     */
    private final SslContextFactory.Server linkServer;
    private final SslContextFactory.Client linkClient;
    private final LongSupplier nanoClock;
    private final long uid;
    private volatile FrameCodec codec;
    /**
     * The highest protocol version this node speaks and decodes: {@link FrameLayout#CURRENT_VERSION}; tests set
     * {@link FrameLayout#PREVIOUS_VERSION} ({@link #speakOnly}) to act as a node of the previous release.
     */
    private volatile byte highestVersion = FrameLayout.CURRENT_VERSION;
    private final OutboxBudget budget;
    /** Written by the agent only; read from any thread. */
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    private final Map<Reason, AtomicLong> rejected = new EnumMap<>(Reason.class);
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Connections connections = new Connections();
    private final LogBudget connectionLines = new LogBudget(CONNECTION_LINES_PER_SECOND);
    private final ExecutorService writers;
    private final ScheduledExecutorService agent;
    private final Executor safeWriter;
    private volatile EnvelopeReceiver receiver;
    private volatile Map<Integer, ControlReceiver> controlReceivers = Map.of();
    private volatile Handshake own;
    private volatile boolean paused;
    private volatile boolean stopped;
    private volatile int advertisedPort;
    private volatile boolean listening;
    /** A live edit named a listener that could not be bound yet; the previous one serves until it is. */
    private volatile boolean rebindPending;
    /** What the dialer is doing, as the agent last published it for {@link #peers()}: nodes being dialed, seeds
     *  that never answered. */
    private volatile Set<String> dialingNodes = Set.of();
    private volatile List<String> unreachedSeeds = List.of();
    private volatile int dialTargets;

    // Owned by the agent thread.
    private final Dialer dialer;
    private final Set<WebSocketEndpoint> pending = new HashSet<>();
    private final ControlWaiting controlWaiting = new ControlWaiting(MAX_CONTROL_PER_URL);
    /** The next sequence of each forgotten link, for a link to the same node made later; the oldest go first. */
    private final Map<String, Long> forgottenSequences = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Long> eldest) {
            return size() > MAX_FORGOTTEN_SEQUENCES;
        }
    };
    private long nextBindNs;

    // Guarded by this (start, stop, bind; never held while calling out of the transport).
    private Server server;
    private ServerWebSocketContainer container;
    private ServerConnector connector;
    private WebSocketClient client;

    /**
     * @param given the settings; their URLs are put in the scheme {@code tls} says
     * @param nanoClock the clock
     * @param uid this node's per-start id, never 0: what its peers tell this run from another by
     * @param tls the node's TLS; {@code hamlet.tls.internal.DisabledTls} for plain links. Its factories are shared
     *     with the admin API and never stopped here
     * @throws IllegalArgumentException when uid is 0, or a seed is {@code wss://} and TLS is off
     */
    public JettyTransport(final TransportSettings given, final LongSupplier nanoClock, final long uid,
                          final TlsService tls) {
        if (uid == 0) {
            throw new IllegalArgumentException("uid must not be 0");
        }
        this.secure = Objects.requireNonNull(tls, "tls").enabled();
        this.linkServer = secure ? Objects.requireNonNull(tls.linkServer(), "tls.linkServer()") : null;
        this.linkClient = secure ? Objects.requireNonNull(tls.linkClient(), "tls.linkClient()") : null;
        final TransportSettings settings = given.withTls(secure);
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.uid = uid;
        this.codec = new FrameCodec(settings.maxFrameBytes(), settings.maxEnvelopeBytes());
        this.budget = new OutboxBudget(settings.nodeOutboxMaxBytes());
        this.dialer = new Dialer(settings, () -> ThreadLocalRandom.current().nextDouble());
        publishDialing();
        for (final Reason r : Reason.values()) {
            rejected.put(r, new AtomicLong());
        }
        // Shown at zero from the start, so that an operator sees what is counted before anything happened.
        for (final String reason : secure ? List.of(HandshakeRefusals.NO_CERTIFICATE, HandshakeRefusals.UNTRUSTED,
            HandshakeRefusals.EXPIRED, HandshakeRefusals.NOT_TLS, HandshakeRefusals.FAILED)
            : List.of(HandshakeRefusals.TLS_TO_PLAIN)) {
            counters.put(REFUSED_TLS + reason, new AtomicLong());
        }
        final AtomicInteger n = new AtomicInteger();
        final String node = settings.nodeId();
        this.writers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors() / 2),
            r -> daemon(r, "hamlet-" + node + "-transport-writer-" + n.incrementAndGet()));
        this.safeWriter = task -> {
            try {
                writers.execute(task);
            } catch (final RejectedExecutionException stopping) {
                LOG.debug("[{}] writer refused: the transport is stopping", node);
            }
        };
        this.agent = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hamlet-" + node + "-transport"));
    }

    private static Thread daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Starts the server, the client and the agent, and binds the listener. A port that cannot be bound (another
     * process holds it) does not fail the start: it is logged once and tried again by the agent every
     * {@link #BIND_RETRY_NS}, while the links this node dials work without a listener.
     *
     * @throws Exception when Jetty itself cannot start (its threads)
     */
    public synchronized void start() throws Exception {
        final QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("hamlet-" + settings.nodeId() + "-jetty");
        threads.setDaemon(true);
        server = new Server(threads);
        server.setHandler(WebSocketUpgradeHandler.from(server, c -> {
            container = c;
            limits(c::setMaxBinaryMessageSize, c::setMaxFrameSize);
            c.setMaxTextMessageSize(MAX_TEXT_BYTES);
            c.setIdleTimeout(jettyIdleTimeout());
            c.addMapping(TransportSettings.PATH, (request, response, callback) -> {
                if (!settings.compression()) {
                    // Negotiating nothing: permessage-deflate would let a peer inflate a small frame a thousandfold
                    // before any check of this transport runs.
                    response.setExtensions(List.of());
                }
                final WebSocketEndpoint endpoint = new WebSocketEndpoint(this, null, nanoClock.getAsLong());
                if (negotiates()) {
                    // The dialer said which versions it speaks: answer the one both use (see FrameLayout).
                    final byte version = agreedVersion(request.getHeaders().get(FrameLayout.VERSION_HEADER));
                    endpoint.speaks(version);
                    if (request.getHeaders().get(FrameLayout.VERSION_HEADER) != null) {
                        response.getHeaders().put(FrameLayout.VERSION_HEADER, Byte.toString(version));
                    }
                }
                if (secure) {
                    certify(endpoint, request.getConnectionMetaData().getConnection().getEndPoint()
                        .getSslSessionData());
                }
                return endpoint;
            });
        }));
        // Without a connector: a connector that fails to bind inside Server.start() would leave the server FAILED,
        // and it could not be retried. The connector is added and started on its own by bind().
        server.start();
        advertisedPort = settings.port();
        final String bindFailure = bind(settings.host(), advertisedPort);
        // Peers dial back the configured port, whether or not it is bound yet.
        updateOwnHandshake();
        client = new WebSocketClient(httpClient());
        // Against a host whose packets are dropped (a pulled cable) a dial would wait for TCP's own timeout; the
        // handshake timeout bounds it, so that the backoff, not the kernel, decides when to try again.
        client.getHttpClient().setConnectTimeout(TimeUnit.NANOSECONDS.toMillis(settings.handshakeTimeoutNs()));
        limits(client::setMaxBinaryMessageSize, client::setMaxFrameSize);
        client.setMaxTextMessageSize(MAX_TEXT_BYTES);
        client.setIdleTimeout(jettyIdleTimeout());
        client.start();
        if (bindFailure == null) {
            LOG.info("[{}] transport listening on {} in cluster {}, uid {}, seeds {}{}", settings.nodeId(),
                settings.ownUrl(advertisedPort), settings.cluster(), Long.toHexString(uid), settings.seeds(),
                secure ? "; TLS: a peer must present a certificate naming the node it says it is" : "");
        } else {
            nextBindNs = nanoClock.getAsLong() + BIND_RETRY_NS;
            LOG.warn("[{}] transport cannot listen on {}:{}: {}; retrying every {}s; links this node dials still work"
                + " (cluster {}, seeds {})", settings.nodeId(), settings.host(), settings.port(), bindFailure,
                TimeUnit.NANOSECONDS.toSeconds(BIND_RETRY_NS), settings.cluster(), settings.seeds());
        }
        final long tickNs = tickNs(settings);
        agent.scheduleWithFixedDelay(guarded("tick", this::tick), tickNs, tickNs, TimeUnit.NANOSECONDS);
    }

    /**
     * The client's HTTP side: with TLS, this node's certificate for every dial and the peer's chain checked against
     * the trusted CAs; every failed TLS handshake of a dial counted. Jetty's SSL connection looks for handshake
     * listeners among the HttpClient's beans (not the connector's), so the listener goes there.
     */
    private HttpClient httpClient() {
        final ClientConnector connector = new ClientConnector();
        if (secure) {
            connector.setSslContextFactory(linkClient);
            // Shared with every other user of the TLS service, and reloaded by it: stopping this client must not
            // stop it.
            connector.unmanage(linkClient);
        }
        final HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        if (secure) {
            http.addBean(Connectors.handshakeListener(this::dialTlsFailed));
        }
        return http;
    }

    /**
     * With TLS: which node the peer's certificate names, kept on the connection for {@link #admit} to compare with
     * the node its handshake names.
     */
    private static void certify(final WebSocketEndpoint endpoint, final EndPoint.SslSessionData session) {
        if (session == null) {
            endpoint.certified(null, "no TLS session was seen on this connection");
            return;
        }
        try {
            endpoint.certified(NodeCertificates.nodeIdOf(session.peerCertificates()), null);
        } catch (final IllegalArgumentException e) {
            endpoint.certified(null, e.getMessage());
        }
    }

    /** Jetty's thread: a connection to the listener refused in its TLS handshake (or TLS to a plain listener). */
    private void acceptTlsRefused(final String reason, final String remote, final String detail) {
        count(REFUSED_TLS + reason);
        connectionLine(() -> LOG.warn("[{}] refused a connection from {}: {} ({})", settings.nodeId(), remote,
            reason, detail));
    }

    /**
     * A dial failed on an alert the peer sent once this side's TLS handshake was over: in TLS 1.3 the client is done
     * before the server has judged its certificate, so a refusal of it (none, untrusted, expired) arrives as an
     * alert on the first read, which the handshake listener never sees. Counted and logged like a failed handshake;
     * a failure in the handshake itself ({@link SSLHandshakeException}) was counted by the listener already.
     */
    private void refusedAfterHandshake(final String url, final Throwable failure) {
        SSLException alert = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return;
            }
            if (t instanceof SSLException && alert == null) {
                alert = (SSLException) t;
            }
        }
        if (alert != null) {
            Connectors.report(this::dialTlsFailed, url, alert);
        }
    }

    /** Jetty's thread: a dial of this node whose TLS handshake failed (the peer refused it, or this node did). */
    private void dialTlsFailed(final String reason, final String remote, final String detail) {
        count(DIAL_TLS_FAILED + reason);
        connectionLine(() -> LOG.warn("[{}] TLS handshake of a dial to {} failed: {} ({})", settings.nodeId(), remote,
            reason, detail));
    }

    private void limits(final LongConsumer message, final LongConsumer frame) {
        message.accept(settings.maxFrameBytes());
        frame.accept(settings.maxFrameBytes());
    }

    /** A tenth of the heartbeat interval, within 5..50 ms: heartbeats go out close to when they are due. */
    private static long tickNs(final TransportSettings s) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(5),
            Math.min(s.heartbeatIntervalNs() / 10, TimeUnit.MILLISECONDS.toNanos(50)));
    }

    /**
     * Binds a new connector, then adds it to the server, which starts it. The port is bound with
     * {@link ServerConnector#open()} before the connector is started because a connector whose start fails stops
     * itself and logs it, which every retry would repeat; a failed open leaves nothing to undo. On success the
     * previous connector, if any, is stopped: its connections end and their links redial the new address.
     *
     * @return {@code null} when bound, else why not
     */
    private synchronized String bind(final String host, final int port) {
        final TransportSettings s = settings;
        // Until a connection is upgraded to a WebSocket (which sets its own idle timeout), the connector's idle
        // timeout is what closes one that says nothing: a stalled TLS handshake, an HTTP request never finished.
        final ServerConnector next = Connectors.server(server, linkServer,
            TimeUnit.NANOSECONDS.toMillis(s.handshakeTimeoutNs()), this::acceptTlsRefused);
        next.addBean(new AcceptLimit(s.maxAcceptedConnections(), next, this::acceptPaused));
        if (secure) {
            final StalledHandshakes stalled = new StalledHandshakes(next,
                TimeUnit.NANOSECONDS.toMillis(s.handshakeTimeoutNs()), this::acceptTlsRefused);
            next.addBean(stalled);
            next.addEventListener(stalled);
        }
        next.setHost(host);
        next.setPort(port);
        try {
            next.open();
        } catch (final IOException e) {
            return rootMessage(e);
        }
        try {
            server.addConnector(next);
            if (!next.isStarted()) {
                next.start();
            }
        } catch (final Exception e) {
            server.removeConnector(next);
            stopQuietly(next);
            return rootMessage(e);
        }
        final ServerConnector previous = connector;
        connector = next;
        // Port 0 (tests) picks a port once; a later pause and resume binds that same port again.
        advertisedPort = next.getLocalPort();
        next.setPort(advertisedPort);
        listening = true;
        if (previous != null) {
            server.removeConnector(previous);
            stopQuietly(previous);
        }
        return null;
    }

    private void stopQuietly(final ServerConnector c) {
        try {
            c.stop();
        } catch (final Exception e) {
            LOG.debug("[{}] a connector did not stop cleanly: {}", settings.nodeId(), e.toString());
        }
    }

    /**
     * Jetty's thread, under its lock: the listener holds max-accepted-connections (true) or fewer again. Under a flood
     * it flips at each close, so only the pause is a line (within the budget), and it is counted each time.
     */
    private void acceptPaused(final boolean paused, final int open) {
        if (paused) {
            count(ACCEPT_PAUSED);
            connectionLine(() -> LOG.warn("[{}] the listener holds {} connections (hamlet.transport"
                + ".max-accepted-connections): it accepts no more until one closes; links up go on",
                settings.nodeId(), open));
        } else {
            LOG.debug("[{}] the listener accepts connections again ({} open)", settings.nodeId(), open);
        }
    }

    /**
     * From the agent, while the configured listener is not bound (the port was taken at start, or a live edit named
     * a taken one, while the old listener goes on serving): tries again every {@link #BIND_RETRY_NS}.
     */
    private void retryBind(final long nowNs) {
        if ((listening && !rebindPending) || nowNs - nextBindNs < 0 || stopped) {
            return;
        }
        final TransportSettings s = settings;
        final String failure = bind(s.host(), s.port() == 0 && !rebindPending ? advertisedPort : s.port());
        if (failure == null) {
            rebindPending = false;
            updateOwnHandshake();
            LOG.info("[{}] transport now listening on {}", s.nodeId(), s.ownUrl(advertisedPort));
        } else {
            nextBindNs = nowNs + BIND_RETRY_NS;
            LOG.debug("[{}] transport still cannot listen on {}:{}: {}", s.nodeId(), s.host(), s.port(), failure);
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
    public void stop() {
        stopped = true;
        agent.shutdownNow();
        try {
            agent.awaitTermination(2, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (final PeerLink link : links.values()) {
            final LinkSession s = link.session();
            if (s != null) {
                s.close("node stopping");
            }
            link.abandon("the transport stopped before " + link.nodeId() + " acknowledged it");
        }
        synchronized (this) {
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
        }
        writers.shutdownNow();
    }

    /**
     * Simulates a network cut, for tests: drops every connection without a close handshake, drops every new one at
     * once, and dials nothing until {@link #resumeListener}. The port stays bound, so that no other socket of the
     * machine can take it meanwhile (an ephemeral port released here was seen taken by an outgoing connection).
     */
    void pauseListener() {
        paused = true;
        for (final WebSocketEndpoint endpoint : connections.all()) {
            endpoint.disconnect();
        }
    }

    /** @return whether a test cut the network ({@link #pauseListener}) */
    boolean paused() {
        return paused;
    }

    /** Ends a {@link #pauseListener}: accepts and redials again. */
    void resumeListener() {
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

    /** @return this node's uid */
    public long uid() {
        return uid;
    }

    /**
     * Applies a live edit without dropping what the links hold: outboxes, windows, sequence numbers and the uid stay.
     * A new host or port binds a new listener beside the old one and releases the old one only once the new one
     * listens (a failed bind leaves the old one serving, and says so); new seeds are dialed and removed ones no
     * longer; a new cluster name, frame or envelope bound, timeout, backoff or limit applies to the next frame,
     * connection, tick or envelope. The node id cannot change (refused before it gets here).
     *
     * @param edited the edited settings; their URLs are put in this transport's scheme
     * @return {@code null} when applied in full, else what could not be applied (the rest was, unless a seed is
     *     {@code wss://} without TLS: then nothing was)
     */
    public String reconfigure(final TransportSettings edited) {
        final TransportSettings before = settings;
        final TransportSettings next;
        try {
            next = edited.withTls(secure);
        } catch (final IllegalArgumentException e) {
            return e.getMessage();
        }
        if (!before.nodeId().equals(next.nodeId())) {
            return "hamlet.node.id cannot change while the node runs";
        }
        String problem = null;
        settings = next;
        codec = new FrameCodec(next.maxFrameBytes(), next.maxEnvelopeBytes(), highestVersion);
        budget.max(next.nodeOutboxMaxBytes());
        synchronized (this) {
            if (container != null) {
                limits(container::setMaxBinaryMessageSize, container::setMaxFrameSize);
            }
            if (client != null) {
                limits(client::setMaxBinaryMessageSize, client::setMaxFrameSize);
            }
            if (connector != null) {
                // For connections accepted from now on; a connection's own timeout was set when it was accepted.
                connector.setIdleTimeout(TimeUnit.NANOSECONDS.toMillis(next.handshakeTimeoutNs()));
                final AcceptLimit limit = connector.getBean(AcceptLimit.class);
                if (limit != null) {
                    limit.setMaxNetworkConnectionCount(next.maxAcceptedConnections());
                }
                final StalledHandshakes stalled = connector.getBean(StalledHandshakes.class);
                if (stalled != null) {
                    stalled.timeoutMs(TimeUnit.NANOSECONDS.toMillis(next.handshakeTimeoutNs()));
                }
            }
        }
        if (!before.host().equals(next.host()) || before.port() != next.port()) {
            final String failure = bind(next.host(), next.port());
            if (failure != null) {
                rebindPending = true;
                nextBindNs = nanoClock.getAsLong() + BIND_RETRY_NS;
                problem = "cannot listen on " + next.host() + ":" + next.port() + " yet (" + failure + "); still "
                    + "listening on " + before.ownUrl(advertisedPort) + " and retrying every "
                    + TimeUnit.NANOSECONDS.toSeconds(BIND_RETRY_NS) + "s";
            } else {
                rebindPending = false;
            }
        }
        final TransportSettings applied = settings;
        updateOwnHandshake();
        for (final PeerLink link : links.values()) {
            link.apply(applied);
        }
        onAgent("reconfigure", () -> {
            dialer.apply(applied);
            dialer.seeds(applied.seeds());
            publishDialing();
        });
        return problem;
    }

    /** What this node says in its next handshakes: its cluster and the URL it listens on now. */
    private void updateOwnHandshake() {
        final TransportSettings s = settings;
        own = new Handshake(s.cluster(), s.nodeId(), uid, s.ownUrl(advertisedPort));
        for (final PeerLink link : links.values()) {
            link.own(own);
        }
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
                    s.closeNotReady("node not ready: no receiver");
                    link.detach(s, "node not ready", false);
                }
            }
        }
    }

    /** @param receivers the control receivers by channel (a copy is kept) */
    public void controlReceivers(final Map<Integer, ControlReceiver> receivers) {
        this.controlReceivers = Map.copyOf(receivers);
    }

    /** @return connections refused or closed for breaking the protocol, by reason, since start */
    public Map<String, Long> rejections() {
        final Map<String, Long> counts = new TreeMap<>();
        rejected.forEach((reason, count) -> counts.put(reason.name(), count.get()));
        return counts;
    }

    /** @return the links now, for the metrics (a weakly consistent view) */
    java.util.Collection<PeerLink> linksNow() {
        return java.util.Collections.unmodifiableCollection(links.values());
    }

    /** @return the total of {@link #rejections()} */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    @Override
    public Map<String, Long> counters() {
        final Map<String, Long> all = new TreeMap<>();
        rejected.forEach((reason, count) -> all.put("rejected." + reason.name(), count.get()));
        counters.forEach((name, count) -> all.put(name, count.get()));
        long sent = 0;
        long received = 0;
        long duplicates = 0;
        long tooOld = 0;
        long resent = 0;
        long acksRefused = 0;
        long controlDropped = 0;
        long reclaimed = 0;
        long reclaimDeliveredFirst = 0;
        long reclaimPredicateFailures = 0;
        for (final PeerLink link : links.values()) {
            reclaimed += link.reclaimed();
            reclaimDeliveredFirst += link.reclaimDeliveredFirst();
            reclaimPredicateFailures += link.reclaimPredicateFailures();
            sent += link.sent();
            received += link.received();
            duplicates += link.duplicates();
            tooOld += link.tooOld();
            resent += link.resent();
            acksRefused += link.acksRefused();
            controlDropped += link.controlDropped();
        }
        all.put("envelopes.sent", sent);
        all.put("envelopes.received", received);
        all.put("envelopes.resent", resent);
        all.put("envelopes.reclaimed", reclaimed);
        all.put("reclaim.delivered-first", reclaimDeliveredFirst);
        all.put("reclaim.predicate-failures", reclaimPredicateFailures);
        all.put("duplicates.dropped", duplicates);
        all.put("duplicates.below-window", tooOld);
        all.put("acks.refused", acksRefused);
        all.merge("control.dropped", controlDropped, Long::sum);
        all.put("outbox.bytes", budget.used());
        all.put("connections.open", (long) connections.count());
        all.put("peers", (long) links.size());
        all.put("dial.targets", (long) dialTargets);
        return all;
    }

    private void count(final String name) {
        count(name, 1);
    }

    private void count(final String name, final long n) {
        counters.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(n);
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
    public boolean sendControl(final String node, final int channel, final byte[] payload) {
        if (!controlFits(channel, payload)) {
            return false;
        }
        final PeerLink link = links.get(node);
        if (link == null || stopped) {
            count("control.dropped");
            return false;
        }
        final boolean queued = link.offerControl(channel, payload);
        if (queued) {
            count("control.sent");
        }
        return queued;
    }

    @Override
    public boolean sendControlTo(final String url, final int channel, final byte[] payload) {
        if (!controlFits(channel, payload) || stopped) {
            return false;
        }
        final String canonical;
        try {
            canonical = settings.canonicalUrl(url);
        } catch (final IllegalArgumentException e) {
            count("control.dropped");
            return false;
        }
        onAgent("control to url", () -> controlToUrl(canonical, channel, payload));
        return true;
    }

    @Override
    public void forget(final String node, final String reason) {
        if (node == null || stopped) {
            return;
        }
        final String why = reason == null ? "node " + node + " was forgotten" : reason;
        onAgent("forget " + node, () -> forgetForGood(node, why));
    }

    /**
     * Agent: membership removed the node. The link leaves the table first, so that a send racing this finds no node
     * (UNKNOWN_NODE, a dead letter at the sender) or finds the abandoned link, which refuses it the same way.
     */
    private void forgetForGood(final String node, final String reason) {
        dialer.forgetNodeForGood(node);
        final PeerLink link = links.remove(node);
        if (link == null) {
            publishDialing();
            return;
        }
        forgottenSequences.put(node, link.nextSequence());
        count("peers.forgotten-by-membership");
        link.abandon(reason);
        final LinkSession session = link.session();
        if (session != null) {
            session.close("forgotten: " + reason);
            link.detach(session, reason);
        }
        publishDialing();
        LOG.info("[{}] forgot peer {}: {}", settings.nodeId(), node, reason);
    }

    @Override
    public void reclaim(final String node, final Predicate<WireEnvelope> which, final String reason) {
        reclaim(node, which, reason, false);
    }

    @Override
    public void reclaimNow(final String node, final Predicate<WireEnvelope> which, final String reason) {
        reclaim(node, which, reason, true);
    }

    private void reclaim(final String node, final Predicate<WireEnvelope> which, final String reason,
                         final boolean inFlightToo) {
        Objects.requireNonNull(which, "which");
        if (node == null || stopped) {
            return;
        }
        final String why = reason == null ? "reclaimed from the outbox for " + node : reason;
        onAgent("reclaim " + node, () -> {
            final PeerLink link = links.get(node);
            if (link != null) {
                link.reclaim(which, why, inFlightToo);
                count(inFlightToo ? "reclaims.now" : "reclaims");
            }
        });
    }

    @Override
    public void dialNow(final String node, final String url) {
        if (node == null || stopped) {
            return;
        }
        String canonical = null;
        if (url != null && !url.isEmpty()) {
            try {
                canonical = settings.canonicalUrl(url);
            } catch (final IllegalArgumentException e) {
                LOG.debug("[{}] dialNow {}: URL {} ignored: {}", settings.nodeId(), node, url, e.getMessage());
            }
        }
        final String dialUrl = canonical;
        onAgent("dial now " + node, () -> {
            if (isLinked(node)) {
                return;
            }
            final long nowNs = nanoClock.getAsLong();
            if (dialer.dialNow(node, dialUrl, nowNs, this::isLinked) > 0) {
                count("dials.now");
                dialDue(nowNs);
                publishDialing();
            }
        });
    }

    private boolean controlFits(final int channel, final byte[] payload) {
        if (channel < 1 || channel > MAX_CONTROL_CHANNEL || payload.length > MAX_CONTROL_BYTES) {
            throw new IllegalArgumentException("control message on channel " + channel + " of " + payload.length
                + " bytes: channels are 1.." + MAX_CONTROL_CHANNEL + ", messages at most " + MAX_CONTROL_BYTES);
        }
        return true;
    }

    /** Agent: to a linked node at once; else queued (bounded) for the URL, which is dialed. */
    private void controlToUrl(final String url, final int channel, final byte[] payload) {
        final Dialer.Target target = dialer.target(url);
        final PeerLink link = target == null || target.nodeId() == null ? null : links.get(target.nodeId());
        if (link != null && link.isUp()) {
            if (link.offerControl(channel, payload)) {
                count("control.sent");
            }
            return;
        }
        if (!dialer.learn(null, url, this::isLinked)) {
            count("control.dropped");
            return;
        }
        if (!controlWaiting.add(url, new ControlWaiting.Message(channel, payload), settings.maxUnknownPeers())) {
            count("control.dropped");
        }
    }

    @Override
    public List<PeerInfo> peers() {
        final List<PeerInfo> infos = new ArrayList<>();
        final Set<String> dialing = dialingNodes;
        for (final PeerLink link : links.values()) {
            infos.add(link.info(dialing.contains(link.nodeId())));
        }
        for (final String seed : unreachedSeeds) {
            infos.add(new PeerInfo(null, seed, PeerInfo.State.CONNECTING, 0, 0, 0, 0));
        }
        infos.sort(Comparator.comparing(PeerInfo::node, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(PeerInfo::url, Comparator.nullsLast(Comparator.naturalOrder())));
        return infos;
    }

    /** @return whether a node's link is up */
    boolean isLinked(final String nodeId) {
        final PeerLink link = links.get(nodeId);
        return link != null && link.isUp();
    }

    // ---- PeerLink.Context

    @Override
    public Executor writer() {
        return safeWriter;
    }

    @Override
    public boolean deliver(final String fromNode, final WireEnvelope envelope) {
        final EnvelopeReceiver r = receiver;
        return r != null && r.onEnvelope(fromNode, envelope);
    }

    @Override
    public void undeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
        final EnvelopeReceiver r = receiver;
        if (r != null) {
            r.onUndeliverable(toNode, envelope, reason);
        } else {
            count("envelopes.lost-without-registry");
            LOG.warn("[{}] lost an envelope for {} ({}): {}; no registry to dead-letter it", settings.nodeId(),
                envelope.to(), toNode, reason);
        }
    }

    @Override
    public void reclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
        final EnvelopeReceiver r = receiver;
        if (r != null) {
            r.onReclaimed(toNode, envelopes, reason);
        } else {
            count("envelopes.lost-without-registry", envelopes.size());
            LOG.warn("[{}] lost {} reclaimed envelopes for {}: {}; no registry to take them", settings.nodeId(),
                envelopes.size(), toNode, reason);
        }
    }

    @Override
    public void control(final String fromNode, final int channel, final byte[] payload) {
        final ControlReceiver r = controlReceivers.get(channel);
        if (r == null) {
            count("control.no-receiver");
            return;
        }
        count("control.received");
        try {
            r.onControl(fromNode, payload);
        } catch (final RuntimeException e) {
            count("control.receiver-failures");
            LOG.warn("[{}] control receiver of channel {} failed: {}", settings.nodeId(), channel, e.toString());
        }
    }

    @Override
    public void connectionLost(final PeerLink link, final String reason) {
        linkLine(link, () -> LOG.warn("[{}] link to {} lost: {}", settings.nodeId(), link.nodeId(), reason));
    }

    @Override
    public void deliveryFailed(final Throwable failure) {
        count("delivery.failures");
        LOG.error("[{}] delivery failed; the link goes on: {}", settings.nodeId(), failure.toString(), failure);
    }

    // ---- connection events, from WebSocketEndpoint on Jetty's threads

    String selfId() {
        return settings.nodeId();
    }

    FrameCodec codec() {
        return codec;
    }

    /**
     * Makes this node speak and decode one protocol version at most, as a node of an older release: it sends no
     * version header on a dial, answers none on an accept, and refuses frames of a higher version. Tests only,
     * before {@code start}.
     *
     * @param version the highest version, {@link FrameLayout#PREVIOUS_VERSION} or {@link FrameLayout#CURRENT_VERSION}
     */
    void speakOnly(final byte version) {
        highestVersion = version;
        codec = new FrameCodec(settings.maxFrameBytes(), settings.maxEnvelopeBytes(), version);
    }

    /**
     * The version to speak on a connection, from the version header the peer sent (accepting) or answered
     * (dialing): the lower of the peer's and this node's; version 2 when the peer sent none (a node of version 2).
     *
     * @param header the header's value, or null
     * @return the version for every frame of that connection
     */
    byte agreedVersion(final String header) {
        if (header == null || highestVersion <= FrameLayout.PREVIOUS_VERSION) {
            return FrameLayout.PREVIOUS_VERSION;
        }
        try {
            final int theirs = Integer.parseInt(header.trim());
            return (byte) Math.max(FrameLayout.PREVIOUS_VERSION, Math.min(theirs, highestVersion));
        } catch (final NumberFormatException e) {
            return FrameLayout.PREVIOUS_VERSION;
        }
    }

    /** @return whether this node offers and answers the version header (not when acting as a version-2 node) */
    boolean negotiates() {
        return highestVersion > FrameLayout.PREVIOUS_VERSION;
    }

    ByteBuffer ownHandshakeFrame() {
        return codec.encodeHandshake(own);
    }

    /**
     * A connection opened: counted against the limits (an accepted one may be refused by them).
     *
     * @return {@code null} when it may go on, else why not
     */
    String opened(final WebSocketEndpoint endpoint) {
        final String refused = connections.opened(endpoint, settings);
        if (refused != null) {
            return refused;
        }
        onAgent("opened", () -> {
            if (!endpoint.handshakeDone()) {
                pending.add(endpoint);
            }
        });
        return null;
    }

    /** A handshake arrived: the agent admits it, then the connection reads on (or is closed). */
    void onHandshake(final WebSocketEndpoint endpoint, final Handshake peer) {
        onAgent("admit", () -> admit(endpoint, peer));
    }

    /** Agent: checks a handshake and attaches the connection to the peer's link. */
    private void admit(final WebSocketEndpoint endpoint, final Handshake peer) {
        pending.remove(endpoint);
        if (endpoint.isClosed()) {
            return;
        }
        final Dialer.Target target = endpoint.target();
        if (secure && !peer.nodeId().equals(endpoint.certifiedNodeId())) {
            // First: the id is what every later decision (self, links, uids) keys on.
            final String certified = endpoint.certifiedNodeId();
            reject(endpoint, new ProtocolException(Reason.CERTIFICATE_MISMATCH, "handshake names node "
                + Handshake.shown(peer.nodeId()) + ", " + (certified == null ? "but " + endpoint.certificateProblem()
                : "its certificate names node " + Handshake.shown(certified))));
            return;
        }
        if (settings.nodeId().equals(peer.nodeId()) && uid == peer.uid()) {
            // This node dialed one of its own URLs (every node may share one seed list): the accepting side answers
            // with its handshake so that the dialing side learns it and never dials that URL again.
            if (target != null) {
                dialer.self(target);
                publishDialing();
                endpoint.closeHard(StatusCode.NORMAL, "dialed itself");
            } else {
                endpoint.answerThenClose(ownHandshakeFrame(), "dialed itself");
            }
            return;
        }
        try {
            peer.check(settings.cluster(), settings.nodeId());
        } catch (final ProtocolException e) {
            reject(endpoint, e);
            return;
        }
        if (receiver == null || stopped) {
            endpoint.closeHard(StatusCode.TRY_AGAIN_LATER, "node not ready");
            return;
        }
        final String advertised = advertised(peer);
        PeerLink link = links.get(peer.nodeId());
        if (link == null) {
            if (target == null && !dialer.isSeedNode(peer.nodeId()) && !roomForUnknownPeer()) {
                reject(endpoint, new ProtocolException(Reason.TOO_MANY_PEERS, "already linked with "
                    + settings.maxUnknownPeers() + " unconfigured peers (hamlet.transport.max-unknown-peers)"));
                return;
            }
            final String dialUrl = target != null ? target.url() : advertised;
            link = new PeerLink(settings.nodeId(), uid, peer.nodeId(), dialUrl, settings, own, this, budget,
                nanoClock);
            final Long next = forgottenSequences.remove(peer.nodeId());
            if (next != null) {
                link.continueSequence(next);
            }
            links.put(peer.nodeId(), link);
        }
        endpoint.dialedBy(target != null ? settings.nodeId() : peer.nodeId());
        final String refused = link.attach(endpoint, peer.uid(), target == null);
        if (refused != null) {
            reject(endpoint, new ProtocolException(refused.startsWith("duplicate")
                ? Reason.HANDSHAKE_REPEATED : Reason.NODE_ALREADY_LINKED, refused));
            if (target != null) {
                dialer.linked(target, peer.nodeId());
            }
            return;
        }
        endpoint.attached(link, target != null ? settings.nodeId() : peer.nodeId());
        if (target != null) {
            dialer.linked(target, peer.nodeId());
            link.url(target.url());
        } else if (!advertised.isEmpty()) {
            link.url(advertised);
            dialer.learn(peer.nodeId(), advertised, this::isLinked);
        }
        flushControl(link);
        publishDialing();
        endpoint.demand();
        link.configured(target != null || dialer.isSeedNode(peer.nodeId()));
        final PeerLink up = link;
        linkLine(up, () -> LOG.info("[{}] link to {} up ({} {}, uid {})", settings.nodeId(), peer.nodeId(),
            target != null ? "dialed" : "accepted from", endpoint.remote(), Long.toHexString(peer.uid())));
    }

    /**
     * @return the URL a peer's handshake advertises, in this node's form (with TLS, {@code wss://}: a peer that
     *     says {@code ws://} is still dialed in TLS); empty when it gave none or one that is not a node URL
     */
    private String advertised(final Handshake peer) {
        if (peer.url().isEmpty()) {
            return "";
        }
        try {
            return settings.canonicalUrl(peer.url());
        } catch (final IllegalArgumentException e) {
            return "";
        }
    }

    /** A line about a link: always written for a peer this node dials, within the budget for any other. */
    private void linkLine(final PeerLink link, final Runnable line) {
        if (link.configured()) {
            line.run();
        } else {
            connectionLine(line);
        }
    }

    /**
     * Writes one line about a connection or a link within {@link #CONNECTION_LINES_PER_SECOND}, first saying how many
     * were left out before it; the events are counted either way.
     */
    private void connectionLine(final Runnable line) {
        final long omitted = connectionLines.take(nanoClock.getAsLong());
        if (omitted < 0) {
            count("log.connection-lines-omitted");
            return;
        }
        if (omitted > 0) {
            LOG.warn("[{}] {} lines about connections and links were not logged (at most {} a second); every event"
                + " is counted (GET /api/transport)", settings.nodeId(), omitted, CONNECTION_LINES_PER_SECOND);
        }
        line.run();
    }

    /** Agent: control messages that waited for this link's URL. */
    private void flushControl(final PeerLink link) {
        for (final ControlWaiting.Message m : controlWaiting.take(link.url())) {
            if (link.offerControl(m.channel(), m.payload())) {
                count("control.sent");
            }
        }
    }

    /** Agent: below the bound of unconfigured peers, or made so by forgetting an idle one. */
    private boolean roomForUnknownPeer() {
        int unknown = 0;
        PeerLink idlest = null;
        long idlestNs = 0;
        final long nowNs = nanoClock.getAsLong();
        for (final PeerLink link : links.values()) {
            if (dialer.isSeedNode(link.nodeId())) {
                continue;
            }
            unknown++;
            final long idle = link.idleNs(nowNs);
            if (idle > idlestNs) {
                idlestNs = idle;
                idlest = link;
            }
        }
        if (unknown < settings.maxUnknownPeers()) {
            return true;
        }
        if (idlest != null) {
            forget(idlest, "to make room for a new peer");
            return true;
        }
        return false;
    }

    /** Agent: drops a link that is down with nothing in its outbox, and its unverified URLs. */
    private void forget(final PeerLink link, final String why) {
        links.remove(link.nodeId(), link);
        forgottenSequences.put(link.nodeId(), link.nextSequence());
        dialer.forgetNode(link.nodeId());
        count("peers.forgotten");
        connectionLine(() -> LOG.info("[{}] forgot peer {} ({})", settings.nodeId(), link.nodeId(), why));
    }

    /** A connection broke the protocol: close it hard with the reason, count it, log one line with the peer. */
    void reject(final WebSocketEndpoint endpoint, final ProtocolException e) {
        rejected.get(e.reason()).incrementAndGet();
        final PeerLink link = endpoint.link();
        connectionLine(() -> LOG.warn("[{}] closing connection {} ({}): {}: {}", settings.nodeId(), endpoint.remote(),
            link == null ? "before handshake" : "peer " + link.nodeId(), e.reason(), e.getMessage()));
        endpoint.closeHard(e.reason() == Reason.FRAME_TOO_LARGE ? StatusCode.MESSAGE_TOO_LARGE
            : StatusCode.POLICY_VIOLATION, e.reason() + ": " + e.getMessage());
        if (link != null) {
            link.detach(endpoint, e.reason() + ": " + e.getMessage());
        }
    }

    /**
     * @param endpoint the connection that closed
     * @param reason the close status and reason, for the log and dead letters
     * @param peerNotReady the peer closed it because it cannot take envelopes yet: not a failed write
     */
    void closed(final WebSocketEndpoint endpoint, final String reason, final boolean peerNotReady) {
        connections.closed(endpoint);
        final PeerLink link = endpoint.link();
        if (link != null && link.session() == endpoint) {
            linkLine(link, () -> LOG.info("[{}] link to {} down: {}", settings.nodeId(), link.nodeId(), reason));
            link.detach(endpoint, reason, !peerNotReady);
        }
        onAgent("closed", () -> {
            pending.remove(endpoint);
            final Dialer.Target target = endpoint.target();
            if (target != null) {
                dialer.ended(target, nanoClock.getAsLong(), peerNotReady);
            }
        });
    }

    // ---- the agent

    /** Runs work on the agent thread, guarded; quietly nothing once the transport stopped. */
    private void onAgent(final String what, final Runnable work) {
        try {
            agent.execute(guarded(what, work));
        } catch (final RejectedExecutionException stopping) {
            LOG.debug("[{}] {} not run: the transport is stopping", settings.nodeId(), what);
        }
    }

    /** Whatever one unit of agent work throws is counted and logged, and the agent goes on. */
    private Runnable guarded(final String what, final Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (final Throwable e) {
                count("agent.failures");
                LOG.error("[{}] transport agent: {} failed; going on: {}", settings.nodeId(), what, e.toString(), e);
            }
        };
    }

    void tick() {
        final long nowNs = nanoClock.getAsLong();
        final TransportSettings s = settings;
        guarded("bind", () -> retryBind(nowNs)).run();
        for (final PeerLink link : links.values()) {
            guarded("link " + link.nodeId(), () -> link.doWork(nowNs)).run();
            if (!dialer.isSeedNode(link.nodeId()) && link.idleNs(nowNs) > s.bufferMaxAgeNs()) {
                forget(link, "down and idle for more than " + Duration.ofNanos(s.bufferMaxAgeNs()).toMillis()
                    + "ms (hamlet.transport.buffer-max-age)");
            }
        }
        for (final WebSocketEndpoint endpoint : List.copyOf(pending)) {
            if (endpoint.handshakeDone()) {
                pending.remove(endpoint);
            } else if (nowNs - endpoint.openedAtNs() > s.handshakeTimeoutNs()) {
                pending.remove(endpoint);
                reject(endpoint, new ProtocolException(Reason.HANDSHAKE_TIMEOUT, "no handshake within "
                    + Duration.ofNanos(s.handshakeTimeoutNs()).toMillis() + "ms"));
            }
        }
        dialDue(nowNs);
        final int dropped = controlWaiting.retain(url -> dialer.target(url) != null);
        if (dropped > 0) {
            count("control.dropped", dropped);
        }
        publishDialing();
    }

    /** Agent: dials what is due, unless nothing could take what arrives or a test cut the network. */
    private void dialDue(final long nowNs) {
        if (receiver != null && !paused && !stopped) {
            for (final Dialer.Target target : dialer.due(nowNs, this::isLinked)) {
                guarded("dial " + target.url(), () -> dial(target, nowNs)).run();
            }
        }
    }

    /** Agent: what {@link #peers()} shows of the dialer. */
    private void publishDialing() {
        final Set<String> dialing = new HashSet<>();
        final List<String> unreached = new ArrayList<>();
        for (final Dialer.Target t : dialer.all()) {
            if (t.nodeId() == null) {
                if (t.seed() && !t.self()) {
                    unreached.add(t.url());
                }
            } else if (t.inProgress()) {
                dialing.add(t.nodeId());
            }
        }
        dialingNodes = Set.copyOf(dialing);
        unreachedSeeds = List.copyOf(unreached);
        dialTargets = dialer.all().size();
    }

    /** Agent: one dial; its result comes back to the agent. */
    private void dial(final Dialer.Target target, final long nowNs) {
        final WebSocketClient c;
        synchronized (this) {
            c = client;
        }
        count("dials");
        final WebSocketEndpoint endpoint = new WebSocketEndpoint(this, target, nowNs);
        final JettyUpgradeListener upgrade = new JettyUpgradeListener() {
            @Override
            public void onHandshakeRequest(final Request request) {
                if (negotiates()) {
                    request.headers(h -> h.put(FrameLayout.VERSION_HEADER, Byte.toString(highestVersion)));
                }
            }

            @Override
            public void onHandshakeResponse(final Request request, final Response response) {
                // The accepting side answered the version both use; a version-2 node answers nothing: 2.
                endpoint.speaks(agreedVersion(response.getHeaders().get(FrameLayout.VERSION_HEADER)));
                // Before the connection opens (and sends this node's handshake): the certificate the peer showed.
                if (secure) {
                    certify(endpoint, request.getConnection() == null ? null
                        : request.getConnection().getSslSessionData());
                }
            }
        };
        try {
            c.connect(endpoint, URI.create(target.url()), upgrade)
                .whenComplete((session, failure) -> {
                    if (failure != null) {
                        LOG.debug("[{}] dial {} failed: {}", settings.nodeId(), target.url(), failure.toString());
                        if (secure) {
                            refusedAfterHandshake(target.url(), failure);
                        }
                        onAgent("dial failed", () -> dialer.ended(target, nanoClock.getAsLong()));
                    }
                });
        } catch (final IOException | RuntimeException e) {
            dialer.ended(target, nowNs);
        }
    }
}
