package hamlet.admin.internal.dashboard;

import hamlet.admin.internal.MetricSources;
import hamlet.admin.internal.RawRoute;
import hamlet.api.ActorSystem;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.ClusterListener;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.ControlReceiver;
import hamlet.api.transport.Transport;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import java.util.List;
import java.util.function.Supplier;

/**
 * The live dashboard, wired: its agent, its event stream, its two routes ({@code GET /} and the files, and
 * {@code GET /api/dashboard/events}), and the agent registered as the {@link ControlReceiver} of channel
 * {@value SampleCodec#CHANNEL} and as a {@link ClusterListener}. Registered by hand, as the gossip bundle does its
 * receiver: a declared service would put the admin component in the transport's activation cycle.
 *
 * <p>Threading: {@link #start} and {@link #stop} are called by the admin component's activation and deactivation.
 */
public final class Dashboard {
    /** Pages connected at once: an operator's few tabs, not a public site. */
    static final int MAX_CLIENTS = 16;
    /**
     * What may wait for one page before it counts as fallen behind: about a minute of ticks of a small cluster, or
     * its first {@code init} many times over.
     */
    static final int MAX_PENDING_BYTES = 1 << 20;

    private final DashboardAgent agent;
    private final List<RawRoute> routes;
    private final List<ServiceRegistration<?>> registrations;

    private Dashboard(final DashboardAgent agent, final List<RawRoute> routes,
                      final List<ServiceRegistration<?>> registrations) {
        this.agent = agent;
        this.routes = routes;
        this.registrations = registrations;
    }

    /**
     * Starts the dashboard's thread and registers its services.
     *
     * @param context the admin bundle's context, or {@code null} in tests (nothing is registered)
     * @param system the node's actors
     * @param sources the metric sources bound now
     * @param cluster the gossip bundle's view, or a supplier of {@code null} while absent
     * @param placement the cluster actors, or a supplier of {@code null} while absent
     * @param transport the control lane, or a supplier of {@code null} while absent
     * @return the running dashboard
     */
    public static Dashboard start(final BundleContext context, final ActorSystem system,
                                  final MetricSources sources, final Supplier<Cluster> cluster,
                                  final Supplier<Placement> placement, final Supplier<Transport> transport) {
        final SelfSampler sampler = new SelfSampler(system, sources::all, ProcessStats.jvm());
        final DashboardState state = new DashboardState(system.nodeId(), sampler, cluster, placement, transport);
        final EventStream stream = new EventStream(MAX_CLIENTS, MAX_PENDING_BYTES);
        final DashboardAgent agent = new DashboardAgent(system.nodeId(), state, stream, System::currentTimeMillis,
            System::nanoTime);
        agent.start();
        final List<ServiceRegistration<?>> registrations = context == null ? List.of() : List.of(
            context.registerService(ControlReceiver.class, agent, null),
            context.registerService(ClusterListener.class, agent, null));
        return new Dashboard(agent, List.of(new StaticFiles(), new EventsRoute(stream, agent)), registrations);
    }

    /** @return the dashboard's routes, for the admin server */
    public List<RawRoute> routes() {
        return routes;
    }

    /** Unregisters the services, stops the thread and ends the streams. */
    public void stop() {
        for (final ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (final IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework took it back first
            }
        }
        agent.stop();
    }
}
