package hamlet.admin.internal;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.Transport;
import hamlet.config.ConfigStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The admin API's Jetty server: one server for the component's life, and one connector that is replaced when the
 * host or port changes, so that a live edit rebinds without a restart. A port that cannot be bound is logged and
 * leaves the node running; the next edit of host or port tries again.
 *
 * <p>Threading: {@link #start}, {@link #apply} and {@link #stop} are called by Declarative Services, one at a time
 * (they are synchronized anyway); requests are served on the pool's threads, named {@value #THREAD_NAME}.
 */
public final class AdminServer {
    /** The name of the admin API's threads. */
    public static final String THREAD_NAME = "hamlet-admin";
    /** Enough for an operator's requests; an ask holds no thread while it waits, so a few go a long way. */
    private static final int MAX_THREADS = 16;
    private static final int MIN_THREADS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final ActorSystem system;
    private final ErrorStats stats = new ErrorStats();
    private final Server server;
    private volatile AdminSettings settings;
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
     * @param initial the settings to start with
     * @param askGraceMs how long past an ask's timeout to wait for the runtime before answering 504 anyway
     */
    public AdminServer(final ActorSystem system, final Supplier<ConfigStatus> configStatus,
                       final Supplier<Transport> transport, final Supplier<NodeIdentity> identity,
                       final Supplier<Cluster> cluster, final Supplier<Placement> placement,
                       final AdminSettings initial, final long askGraceMs) {
        this.system = system;
        this.settings = initial;
        final AdminApi api = new AdminApi(system, configStatus, transport, identity, cluster, placement, () -> settings,
            () -> bound, stats, askGraceMs);
        final QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        pool.setName(THREAD_NAME);
        pool.setDaemon(true);
        server = new Server(pool, new ScheduledExecutorScheduler(THREAD_NAME + "-scheduler", true), null);
        server.setHandler(new AdminHandler(api, stats, () -> settings.maxBodyBytes()));
        server.setErrorHandler(new JsonErrorHandler(stats, system::nodeId));
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
     * Applies new settings: body and timeout limits at once, for the next request; a new host or port by replacing
     * the connector. The new address is bound while the old one still listens, so the API is never unreachable and
     * an address that cannot be bound leaves the old one as it was. Only when the old connector itself holds the
     * port (the same port on another interface) is it stopped first, and bound again if the new address fails.
     *
     * @param next the new settings
     */
    public synchronized void apply(final AdminSettings next) {
        settings = next;
        if (connector != null && !connectorSettings.bindsElsewhere(next)) {
            return;
        }
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
        // Back to the very port it had, even when it was picked from port 0, so that clients can still reach it.
        final AdminSettings back = new AdminSettings(previous.host(), previousAddress.getPort(),
            next.maxBodyBytes(), next.askTimeoutMs(), next.maxAskTimeoutMs());
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

    private boolean bind(final AdminSettings target) {
        final HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        final ServerConnector next = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
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
        LOG.info("[{}] admin API listening on http://{}:{}/api/node", system.nodeId(), target.host(),
            next.getLocalPort());
        return true;
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
