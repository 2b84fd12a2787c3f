package hamlet.gossip.internal.osgi;

import hamlet.api.ActorSystem;
import hamlet.api.NodeIdentity;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.ClusterListener;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.Placement;
import hamlet.api.cluster.PlacementListener;
import hamlet.api.metrics.MetricSource;
import hamlet.api.metrics.MetricWriter;
import hamlet.api.transport.ControlReceiver;
import hamlet.api.transport.Transport;
import hamlet.config.Sections;
import hamlet.gossip.internal.GossipSettings;
import hamlet.gossip.internal.Membership;
import hamlet.gossip.internal.PlacementSettings;
import hamlet.gossip.internal.Placer;
import hamlet.tls.TlsService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wires gossip membership: sections {@code hamlet.node}, {@code hamlet.cluster} (the seeds) and
 * {@code hamlet.gossip} from Configuration Admin, the {@link Transport} whose control lane carries it, the
 * registry's {@link ActorSystem} (its named actors and load, when it is there), and the {@link ClusterListener}
 * whiteboard. Registers the {@link Cluster} view and the {@link ControlReceiver} of channel {@value #CHANNEL}.
 *
 * <p>Threads: one agent thread owns the membership ({@code hamlet-<node>-gossip}); one notifier thread tells the
 * listeners ({@code hamlet-<node>-gossip-events}). Nothing here runs another bundle's code under a lock.
 *
 * <p>The two services are registered by hand once the membership runs, not declared to Declarative Services: the
 * transport binds every ControlReceiver and the registry binds the Cluster, while this component needs the Transport
 * and binds the registry's ActorSystem, and a declared service would make a cycle of activations that the framework
 * refuses ("ServiceFactory.getService() resulted in a cycle"), failing the transport bundle's start.
 *
 * <p>URLs are in the transport's form: {@code wss://host:port/hamlet} when the tls bundle's {@link TlsService} says
 * links use TLS, {@code ws://} otherwise ({@link NodeUrls}); this node advertises that, and its seeds are read so.
 *
 * <p>Live edits: {@code hamlet.gossip} applies from the next protocol period; new seeds are joined through at once;
 * the node's id, host and port are read at start (the transport's own rule), so changing them takes a restart.
 * Stopping the bundle (the node shutting down, SIGTERM included) leaves the cluster gracefully first.
 */
@Component(configurationPid = {"hamlet.node", "hamlet.cluster", GossipSettings.SECTION, PlacementSettings.SECTION},
    configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, service = {})
public final class GossipComponent implements Cluster, ControlReceiver, MetricSource {
    /** The control-lane channel of gossip. */
    public static final int CHANNEL = 1;
    private static final Logger LOG = LoggerFactory.getLogger(GossipComponent.class);
    /** How long a leaving node goes on running so that its last messages are written. */
    private static final long LEAVE_LINGER_MS = 300;

    @Reference
    private Transport transport;

    /** Static and mandatory, as for the transport: whether URLs are wss://, read once at start. */
    @Reference
    private TlsService tls;

    private volatile ActorSystem actorSystem;
    private final EventNotifierHolder notifierHolder = new EventNotifierHolder();
    /** The registry may register its listener before this component activates; the notifier exists from start. */
    private final OrderNotifier orderNotifier = new OrderNotifier("?");
    private Thread orderThread;
    private PlacementSettings placementSettings;

    private String selfId;
    private GossipSettings settings;
    private List<String> seeds = List.of();
    private GossipAgent agent;
    private Thread agentThread;
    private Thread notifierThread;
    private EventNotifier notifier;
    private org.osgi.framework.ServiceRegistration<?> registration;
    private org.osgi.framework.ServiceRegistration<?> placementRegistration;
    /** Wall-clock milliseconds at start plus monotonic time since: the membership's clock. */
    private java.util.function.LongSupplier clock;

    /** Listeners may bind before activation: the holder keeps them until the notifier exists. */
    private static final class EventNotifierHolder {
        private final List<ClusterListener> early = new ArrayList<>();
        private EventNotifier notifier;

        synchronized void add(final ClusterListener l) {
            if (notifier != null) {
                notifier.add(l);
            } else {
                early.add(l);
            }
        }

        synchronized void remove(final ClusterListener l) {
            if (notifier != null) {
                notifier.remove(l);
            }
            early.remove(l);
        }

        synchronized void attach(final EventNotifier n) {
            notifier = n;
            early.forEach(n::add);
            early.clear();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        unbind = "unbindActorSystem")
    void bindActorSystem(final ActorSystem bound) {
        actorSystem = bound;
    }

    void unbindActorSystem(final ActorSystem unbound) {
        if (actorSystem == unbound) {
            actorSystem = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        unbind = "unbindListener")
    void bindListener(final ClusterListener listener) {
        notifierHolder.add(listener);
    }

    void unbindListener(final ClusterListener listener) {
        notifierHolder.remove(listener);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        unbind = "unbindPlacementListener")
    void bindPlacementListener(final PlacementListener listener) {
        orderNotifier.add(listener);
    }

    void unbindPlacementListener(final PlacementListener listener) {
        orderNotifier.remove(listener);
    }

    @Activate
    void activate(final BundleContext context, final Map<String, Object> properties) {
        final com.typesafe.config.Config config = load(properties);
        settings = GossipSettings.from(config);
        placementSettings = PlacementSettings.from(config);
        selfId = config.getString("hamlet.node.id");
        final String selfUrl = NodeUrls.of(config.getString("hamlet.node.host"),
            config.getInt("hamlet.node.port"), tls.enabled());
        seeds = seedsOf(config);
        final long uid = NodeIdentity.uidOf(context == null ? null : context.getProperty(Constants.FRAMEWORK_UUID));
        final long startWall = System.currentTimeMillis();
        final long startNano = System.nanoTime();
        clock = () -> startWall + (System.nanoTime() - startNano) / 1_000_000;
        final Membership membership = new Membership(settings, selfId, selfUrl, uid, new Random(new SecureRandom()
            .nextLong()), this::sendGossip, clock.getAsLong());
        final EventNotifier notifier = new EventNotifier(selfId);
        notifierHolder.attach(notifier);
        final Placer placer = new Placer(placementSettings, selfId, uid, membership, this::sendGossip,
            clock.getAsLong());
        agent = new GossipAgent(selfId, membership, placer, settings, clock, new LoadSampler(selfId,
            () -> actorSystem), notifier::publish, orderNotifier::publish);
        orderThread = new Thread(orderNotifier, "hamlet-" + selfId + "-placement-orders");
        orderThread.setDaemon(true);
        orderThread.start();
        final List<String> joinThrough = seeds;
        agent.command(m -> m.join(joinThrough, clock.getAsLong()));
        notifierThread = new Thread(notifier, "hamlet-" + selfId + "-gossip-events");
        notifierThread.setDaemon(true);
        notifierThread.start();
        agentThread = new Thread(agent, "hamlet-" + selfId + "-gossip");
        agentThread.setDaemon(true);
        agentThread.start();
        this.notifier = notifier;
        if (context != null) {
            registration = context.registerService(new String[] {Cluster.class.getName(),
                ControlReceiver.class.getName(), MetricSource.class.getName()}, this, null);
            placementRegistration = context.registerService(Placement.class,
                new PlacementService(selfId, agent, clock, startWall, startNano), null);
        }
        LOG.info("[{}] gossip started at {} (uid {}), seeds {}", selfId, selfUrl, String.format("%016x", uid),
            seeds.isEmpty() ? "none: this node starts a cluster alone" : seeds);
    }

    @Modified
    void modified(final Map<String, Object> properties) {
        final com.typesafe.config.Config config;
        final GossipSettings next;
        final List<String> nextSeeds;
        try {
            config = load(properties);
            next = GossipSettings.from(config);
            nextSeeds = seedsOf(config);
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] {}; gossip keeps its settings", selfId, e.getMessage());
            return;
        }
        if (!config.getString("hamlet.node.id").equals(selfId)) {
            LOG.warn("[{}] hamlet.node.id changed to {}: gossip goes on as {} until the node restarts", selfId,
                config.getString("hamlet.node.id"), selfId);
        }
        if (!next.equals(settings)) {
            settings = next;
            agent.settings(next);
            LOG.info("[{}] gossip settings changed; applied from the next protocol period", selfId);
        }
        final PlacementSettings nextPlacement;
        try {
            nextPlacement = PlacementSettings.from(config);
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] {}; placement keeps its settings", selfId, e.getMessage());
            return;
        }
        if (!nextPlacement.equals(placementSettings)) {
            placementSettings = nextPlacement;
            agent.placement(p -> p.reconfigure(nextPlacement));
            LOG.info("[{}] failover settings changed: {}", selfId, nextPlacement);
        }
        if (!nextSeeds.equals(seeds)) {
            seeds = nextSeeds;
            agent.command(m -> m.join(nextSeeds, clock.getAsLong()));
            LOG.info("[{}] seeds changed to {}; joining through them", selfId, nextSeeds);
        }
    }

    @Deactivate
    void deactivate() {
        if (placementRegistration != null) {
            try {
                placementRegistration.unregister();
            } catch (final IllegalStateException alreadyGone) {
                // The framework unregisters a stopping bundle's services itself.
            }
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (final IllegalStateException alreadyGone) {
                // The framework unregisters a stopping bundle's services itself.
            }
        }
        final CountDownLatch left = new CountDownLatch(1);
        agent.placement(p -> p.leave(clock.getAsLong()));
        if (agent.command(m -> {
            m.leave(clock.getAsLong());
            left.countDown();
        })) {
            try {
                if (left.await(1, TimeUnit.SECONDS)) {
                    // The leave went to the control lane; give the links a moment to write it before they close.
                    Thread.sleep(LEAVE_LINGER_MS);
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        agent.stop();
        notifier.stop();
        orderNotifier.stop();
        try {
            agentThread.join(2_000);
            orderThread.join(2_000);
            notifierThread.join(2_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("[{}] gossip stopped: left the cluster", selfId);
    }

    private com.typesafe.config.Config load(final Map<String, ?> properties) {
        try {
            return Sections.fromProperties(properties, getClass().getClassLoader());
        } catch (final com.typesafe.config.ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private List<String> seedsOf(final com.typesafe.config.Config config) {
        final List<String> list = new ArrayList<>();
        for (final String seed : Sections.read("hamlet.cluster.seeds",
            () -> config.getStringList("hamlet.cluster.seeds"))) {
            try {
                list.add(NodeUrls.canonical(seed, tls.enabled()));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("hamlet.cluster.seeds: " + e.getMessage(), e);
            }
        }
        return List.copyOf(list);
    }

    /** The agent's thread: a message to a member by id when linked, else by URL (the transport dials it). */
    private void sendGossip(final String toNode, final String toUrl, final byte[] message) {
        if (toNode != null && transport.sendControl(toNode, CHANNEL, message)) {
            return;
        }
        if (toUrl != null) {
            transport.sendControlTo(toUrl, CHANNEL, message);
        }
    }

    // ControlReceiver

    @Override
    public int channel() {
        return CHANNEL;
    }

    @Override
    public void onControl(final String fromNode, final byte[] payload) {
        final GossipAgent a = agent;
        if (a != null) {
            a.offer(fromNode, payload);
        }
    }

    // Cluster

    @Override
    public String selfId() {
        return selfId;
    }

    @Override
    public List<Member> members() {
        return agent.view().members();
    }

    @Override
    public Optional<Member> member(final String id) {
        return agent.view().members().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    @Override
    public boolean inMajority() {
        return agent.view().majority();
    }

    @Override
    public String majorityDetail() {
        return agent.view().majorityDetail();
    }

    @Override
    public double overloadThreshold() {
        return settings.overloadThreshold();
    }

    @Override
    public List<DirectoryEntry> directory() {
        return agent.view().directory();
    }

    @Override
    public void join(final String seed) {
        final String url = NodeUrls.canonical(seed, tls.enabled());
        if (!agent.command(m -> m.join(List.of(url), clock.getAsLong()))) {
            throw new IllegalStateException("the gossip agent is too busy to take the join now; try again");
        }
        LOG.info("[{}] joining through {} (asked by an operator)", selfId, url);
    }

    @Override
    public void leave() {
        agent.command(m -> m.leave(clock.getAsLong()));
        LOG.info("[{}] leaving the cluster (asked by an operator)", selfId);
    }

    @Override
    public Map<String, Long> counters() {
        final Map<String, Long> c = new java.util.TreeMap<>(agent.view().counters());
        c.put("events.dropped", notifier.dropped());
        c.put("listeners.failed", notifier.listenerFailures());
        agent.view().placement().counters().forEach((k, v) -> c.put("placement." + k, v));
        c.put("placement.orders-dropped", orderNotifier.dropped());
        c.put("placement.orders-failed", orderNotifier.failures());
        return c;
    }

    /** Membership's metrics ({@link GossipMetrics}). Any thread. */
    @Override
    public void collect(final MetricWriter out) {
        GossipMetrics.collect(this, out);
    }
}
