package hamlet.admin.internal;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.Transport;
import hamlet.config.ConfigStatus;
import hamlet.tls.Connectors;
import hamlet.tls.HandshakeRefusals;
import hamlet.tls.TlsService;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin API's Jetty server: one server for the component's life, and one connector that is replaced when the
 * host, the port or HTTPS changes, so that a live edit rebinds without a restart. A port that cannot be bound is
 * logged and leaves the node running; the next edit of host or port tries again. The connector is built by the tls
 * bundle's {@link Connectors}, as the transport's is: with {@code https} on, TLS with the node's certificate;
 * either way every refused TLS handshake is counted ({@code refused.tls.<reason>}) and logged, rate-limited. With
 * {@code https} on and no TLS running (the tls bundle absent, or TLS off until a restart) the API does not listen:
 * falling back to plain HTTP would send the bearer token in the clear.
 *
 * <p>Threading: {@link #start}, {@link #apply}, {@link #tlsChanged} and {@link #stop} are called by Declarative
 * Services (they are synchronized); requests are served on the pool's threads, named {@value #THREAD_NAME}.
 */
public final class AdminServer {
    /** The name of the admin API's threads. */
    public static final String THREAD_NAME = "hamlet-admin";
    /** Enough for an operator's requests; an ask holds no thread while it waits, so a few go a long way. */
    private static final int MAX_THREADS = 16;
    private static final int MIN_THREADS = 2;
    /**
     * Jetty's default: how long a connection may stay silent. Also bounds a client that opens a connection and
     * never finishes its TLS handshake.
     */
    private static final long IDLE_TIMEOUT_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final ActorSystem system;
    /** The JSON API, for the services given after construction. */
    private final AdminApi api;
    private final ErrorStats stats = new ErrorStats();
    private final LogLimiter refusalLog = new LogLimiter(AdminHandler.REFUSAL_LOG_INTERVAL_NS, System::nanoTime);
    private final Supplier<TlsService> tls;
    private final Server server;
    private volatile AdminSettings settings;
    private volatile BearerToken token;
    private volatile InetSocketAddress bound;
    private ServerConnector connector;
    private AdminSettings connectorSettings;

    /**
     * @param system the node's actors
     * @param configStatus the config service, or a supplier of {@code null} while it is absent
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     * @param cluster the gossip bundle's cluster service, or a supplier of {@code null} while it is absent
     * @param placement the gossip bundle's placement service, or a supplier of {@code null} while it is absent
     * @param initial the settings to start with, without a token file (see the other constructor)
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before answering 504 anyway
     * @param rawRoutes paths served beside the JSON API (metrics, dashboard), tried first after the token check
     */
    public AdminServer(final ActorSystem system, final Supplier<ConfigStatus> configStatus,
                       final Supplier<Transport> transport, final Supplier<NodeIdentity> identity,
                       final Supplier<Cluster> cluster, final Supplier<Placement> placement,
                       final AdminSettings initial, final long askGraceMs) {
        this(system, configStatus, transport, identity, cluster, placement, () -> null, initial,
            inlineToken(initial), askGraceMs, List.of());
    }

    /**
     * @param system the node's actors
     * @param configStatus the config service, or a supplier of {@code null} while it is absent
     * @param transport the transport service, or a supplier of {@code null} while it is absent
     * @param identity the node identity service, or a supplier of {@code null} while it is absent
     * @param cluster the gossip bundle's cluster service, or a supplier of {@code null} while it is absent
     * @param placement the gossip bundle's placement service, or a supplier of {@code null} while it is absent
     * @param tls the tls bundle's service, or a supplier of {@code null} while it is absent
     * @param initial the settings to start with
     * @param token the token requests must carry: {@code initial}'s, or the content of its token file
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before answering 504 anyway
     */
    public AdminServer(final ActorSystem system, final Supplier<ConfigStatus> configStatus,
                       final Supplier<Transport> transport, final Supplier<NodeIdentity> identity,
                       final Supplier<Cluster> cluster, final Supplier<Placement> placement,
                       final Supplier<TlsService> tls, final AdminSettings initial, final BearerToken token,
                       final long askGraceMs, final List<RawRoute> rawRoutes) {
        this.system = system;
        this.tls = tls;
        this.settings = initial;
        this.token = checked(initial, token);
        final AdminApi api = new AdminApi(system, configStatus, transport, identity, cluster, placement, tls,
            () -> settings, () -> bound, stats, askGraceMs);
        this.api = api;
        final QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        pool.setName(THREAD_NAME);
        pool.setDaemon(true);
        server = new Server(pool, new ScheduledExecutorScheduler(THREAD_NAME + "-scheduler", true), null);
        server.setHandler(new AdminHandler(api, stats, () -> settings.maxBodyBytes(), () -> this.token,
            refusalLog, rawRoutes));
        server.setErrorHandler(new JsonErrorHandler(stats, system::nodeId));
    }

    /**
     * Gives {@code GET /api/trace/{id}} the registry's trace service.
     *
     * @param traceLog the service, or a supplier of {@code null} while it is absent
     */
    public void traces(final Supplier<hamlet.api.trace.TraceLog> traceLog) {
        api.traces(traceLog);
    }

    /**
     * Starts the server and binds it. A bind failure is logged, not thrown.
     *
     * @throws Exception when Jetty itself cannot start (its threads), which leaves nothing running
     */
    public synchronized void start() throws Exception {
        server.start();
        if (!bind(settings)) {
            LOG.error("[{}] the node runs on without the admin API until hamlet.admin.host or port is edited",
                system.nodeId());
        }
    }

    /**
     * {@link #apply(AdminSettings, BearerToken)} with the token of {@code next} itself.
     *
     * @param next the new settings, without a token file
     */
    public void apply(final AdminSettings next) {
        apply(next, inlineToken(next));
    }

    /**
     * Applies new settings: the token, body and timeout limits at once, for the next request; a new host, port or
     * HTTPS by replacing the connector. The new address is bound while the old one still listens, so the API is
     * never unreachable and an address that cannot be bound leaves the old one as it was. Only when the old
     * connector itself holds the port (the same port on another interface, or HTTPS switched) is it stopped first,
     * and bound again if the new one fails.
     *
     * @param next the new settings
     * @param nextToken the token requests must carry from now on: that of {@code next}, or its token file's
     */
    public synchronized void apply(final AdminSettings next, final BearerToken nextToken) {
        checked(next, nextToken);
        // A token (new or changed) holds at once, on the old connector too. Dropping it waits until no connector
        // off loopback is left: when the move back to loopback fails, the old address goes on serving, and must
        // go on asking for the token.
        if (nextToken.required()) {
            token = nextToken;
        }
        settings = next;
        if (connector == null || connectorSettings.bindsElsewhere(next)) {
            replaceConnector(next);
        }
        final boolean offLoopback = connectorSettings != null && !AdminSettings.isLoopback(connectorSettings.host());
        if (!nextToken.required() && !offLoopback) {
            token = nextToken;
        }
    }

    /**
     * The tls bundle's service came, went or was replaced. With HTTPS on, the connector holds the old service's
     * factory (stopped with it), so it is replaced; without, nothing changes.
     */
    public synchronized void tlsChanged() {
        if (!settings.https() || !server.isStarted()) {
            return;
        }
        LOG.info("[{}] the TLS service changed: the admin API's HTTPS connector is replaced", system.nodeId());
        final InetSocketAddress was = bound;
        // The old factory may be stopped already: the old connector goes first, then the port it had is taken
        // again (even one picked from port 0), so that clients find the API where it was.
        unbind();
        final AdminSettings target = was == null ? settings : settings.at(settings.host(), was.getPort());
        if (!bind(target)) {
            LOG.error("[{}] the node runs on without the admin API until TLS runs or hamlet.admin.host or port is"
                + " edited", system.nodeId());
        }
    }

    private void replaceConnector(final AdminSettings next) {
        final ServerConnector old = connector;
        if (old == null) {
            if (!bind(next)) {
                LOG.error("[{}] the node runs on without the admin API until hamlet.admin.host or port is edited",
                    system.nodeId());
            }
            return;
        }
        final AdminSettings previous = connectorSettings;
        final InetSocketAddress previousAddress = bound;
        if (bind(next)) {
            release(old);
            return;
        }
        if (next.port() == 0 || next.port() != previousAddress.getPort()) {
            // The old connector is untouched: it goes on serving.
            LOG.warn("[{}] admin API stays on {}:{} until hamlet.admin.host or port is edited again",
                system.nodeId(), previous.host(), previousAddress.getPort());
            return;
        }
        // The same port on another interface: the old connector holds it, so let it go and try again.
        unbind();
        if (bind(next)) {
            return;
        }
        // Back to the very port it had, even when it was picked from port 0, so that clients can still reach it;
        // as HTTPS or not as it was, since that is what its clients speak.
        final AdminSettings back = previous.at(previous.host(), previousAddress.getPort());
        if (bind(back)) {
            LOG.warn("[{}] admin API stays on {}:{} until hamlet.admin.host or port is edited again",
                system.nodeId(), back.host(), back.port());
        } else {
            LOG.error("[{}] the node runs on without the admin API until hamlet.admin.host or port is edited",
                system.nodeId());
        }
    }

    /** Stops the connector and the server. */
    public synchronized void stop() {
        unbind();
        try {
            server.stop();
        } catch (final Exception e) {
            LOG.warn("[{}] admin API did not stop cleanly: {}", system.nodeId(), e.toString());
        }
    }

    /** @return where the API listens now, or {@code null} when it does not */
    public InetSocketAddress boundAddress() {
        return bound;
    }

    /** @return the response counters */
    ErrorStats stats() {
        return stats;
    }

    /** @return the counters and the log lines of this API's refused TLS handshakes */
    private HandshakeRefusals refusals() {
        return (reason, remote, detail) -> {
            stats.refusedTls(reason);
            final long skipped = refusalLog.admit("tls." + reason);
            if (skipped != LogLimiter.SKIP) {
                LOG.warn("[{}] admin API refused a connection from {}: {} ({}){}", system.nodeId(), remote, reason,
                    detail, LogLimiter.suffix(skipped));
            }
        };
    }

    private boolean bind(final AdminSettings target) {
        SslContextFactory.Server ssl = null;
        if (target.https()) {
            final TlsService running = tls.get();
            ssl = running == null ? null : running.adminServer();
            if (ssl == null) {
                LOG.error("[{}] admin API does not listen on {}:{}: hamlet.admin.https = true but TLS is not running"
                    + " on this node ({}); it listens once TLS runs (an edit of hamlet.tls.enabled takes effect at"
                    + " the next start)", system.nodeId(), target.host(), target.port(),
                    running == null ? "the hamlet.tls bundle is not running" : "hamlet.tls.enabled is false");
                return false;
            }
        }
        final ServerConnector next = Connectors.server(server, ssl, IDLE_TIMEOUT_MS, refusals());
        next.setHost(target.host());
        next.setPort(target.port());
        try {
            server.addConnector(next);
            if (!next.isStarted()) {
                next.start();
            }
        } catch (final Exception e) {
            server.removeConnector(next);
            stopQuietly(next);
            LOG.error("[{}] admin API cannot listen on {}:{} (hamlet.admin.host/port): {}", system.nodeId(),
                target.host(), target.port(), rootMessage(e));
            return false;
        }
        connector = next;
        connectorSettings = target;
        bound = new InetSocketAddress(target.host(), next.getLocalPort());
        LOG.info("[{}] admin API listening on {}://{}:{}/api/node ({})", system.nodeId(),
            target.https() ? "https" : "http", target.host(), next.getLocalPort(),
            target.tokenRequired() ? "bearer token required" : "no token: loopback only");
        return true;
    }

    /** @return the token of settings that name no token file */
    private static BearerToken inlineToken(final AdminSettings settings) {
        if (!settings.tokenFile().isEmpty()) {
            throw new IllegalArgumentException(AdminSettings.TOKEN_FILE + " is set: the caller reads the file and"
                + " passes its token");
        }
        return BearerToken.of(settings.token());
    }

    /** Never listen without a token where the settings say one is required, whatever a caller passed. */
    private static BearerToken checked(final AdminSettings settings, final BearerToken token) {
        if (settings.tokenRequired() && !token.required()) {
            throw new IllegalArgumentException("settings that require a bearer token came without one");
        }
        return token;
    }

    private void unbind() {
        final ServerConnector old = connector;
        if (old == null) {
            return;
        }
        connector = null;
        connectorSettings = null;
        bound = null;
        release(old);
    }

    /** Stops a connector that is no longer the current one. */
    private void release(final ServerConnector old) {
        final int port = old.getLocalPort();
        server.removeConnector(old);
        stopQuietly(old);
        LOG.info("[{}] admin API stopped listening on {}:{}", system.nodeId(), old.getHost(), port);
    }

    private void stopQuietly(final ServerConnector old) {
        try {
            old.stop();
        } catch (final Exception e) {
            LOG.warn("[{}] admin API connector did not stop cleanly: {}", system.nodeId(), e.toString());
        }
    }

    private static String rootMessage(final Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }
}
