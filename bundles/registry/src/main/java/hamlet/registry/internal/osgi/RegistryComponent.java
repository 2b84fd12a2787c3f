package hamlet.registry.internal.osgi;

import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.BehaviorInfo;
import hamlet.api.Codec;
import hamlet.api.DeadLetter;
import hamlet.api.RejectedBundle;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.ClusterListener;
import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import hamlet.config.Sections;
import hamlet.registry.internal.LocalActorSystem;
import hamlet.registry.internal.Rejections;
import hamlet.registry.internal.RegistrySettings;
import hamlet.registry.internal.RemoteInbox;
import hamlet.registry.internal.Remoting;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Wires the local runtime into OSGi, and nothing more: builds {@link RegistrySettings} from the PIDs
 * {@code hamlet.node} and {@code hamlet.registry}, runs one {@link LocalActorSystem}, offers it as the
 * {@link ActorSystem} service (this component delegates) and to this bundle's other components as the internal
 * {@link RuntimeHandle} service, feeds it every {@link ActorBehavior} service by its
 * {@value ActorBehavior#NAME_PROPERTY} property, applies config edits live and closes it on deactivation. When the
 * gossip bundle runs, its {@link Cluster} feeds the runtime's directory, and this component hears its events as a
 * {@link ClusterListener} (see {@link hamlet.registry.internal.ClusterView}).
 *
 * <p>Threading: Declarative Services calls activate, modified, deactivate and the bind methods, possibly from
 * different threads; they are serialized on one lock. The ActorSystem methods, from any thread, read a volatile.
 */
@Component(
    service = {ActorSystem.class, EnvelopeReceiver.class, RuntimeHandle.class, ClusterListener.class},
    configurationPid = {"hamlet.node", "hamlet.registry"},
    configurationPolicy = ConfigurationPolicy.REQUIRE,
    immediate = true)
public final class RegistryComponent implements ActorSystem, EnvelopeReceiver, RuntimeHandle, ClusterListener {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryComponent.class);

    private final Object lock = new Object();
    /** Every bound behaviour and the name it was registered under. Guarded by lock. */
    private final Map<ActorBehavior, String> bound = new IdentityHashMap<>();
    /** The bundle and version of each bound behaviour (hot swap picks the highest). Guarded by lock. */
    private final Map<ActorBehavior, BehaviorOrigin> origins = new IdentityHashMap<>();
    private volatile LocalActorSystem system;
    /** Codec services and the Transport service, kept across activations. Thread-safe on its own. */
    private final Remoting remoting = new Remoting();
    /** Behaviour jars refused (not bundles, not resolving), kept across activations. Thread-safe on its own. */
    private final Rejections rejections = new Rejections(this::nodeIdOrUnknown);

    @Activate
    void activate(final Map<String, Object> properties) {
        final RegistrySettings settings = settingsFrom(properties);
        synchronized (lock) {
            final LocalActorSystem started = new LocalActorSystem(settings, remoting);
            bound.forEach((behavior, name) -> started.registerBehavior(name, behavior,
                origins.getOrDefault(behavior, BehaviorOrigin.UNKNOWN).version(),
                origins.getOrDefault(behavior, BehaviorOrigin.UNKNOWN).bundle()));
            system = started;
        }
    }

    @Modified
    void modified(final Map<String, Object> properties) {
        synchronized (lock) {
            final LocalActorSystem running = system;
            if (running == null) {
                return;
            }
            try {
                running.applySettings(settingsFrom(properties));
            } catch (final IllegalArgumentException e) {
                // The config bundle's validators refuse such edits first; this is the last line of defence.
                LOG.error("[{}] config edit not applied, the settings in force stay: {}", running.nodeId(),
                    e.getMessage());
            }
        }
    }

    @Deactivate
    void deactivate() {
        final LocalActorSystem stopping;
        synchronized (lock) {
            stopping = system;
            system = null;
        }
        if (stopping != null) {
            stopping.close();
        }
    }

    @Reference(
        name = "behaviors",
        service = ActorBehavior.class,
        cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY,
        unbind = "unbindBehavior",
        updated = "updatedBehavior")
    void bindBehavior(final ActorBehavior behavior, final Map<String, Object> properties) {
        final String name = nameOf(behavior, properties);
        if (name == null) {
            return;
        }
        final BehaviorOrigin origin = BehaviorOrigin.of(properties);
        synchronized (lock) {
            bound.put(behavior, name);
            origins.put(behavior, origin);
            final LocalActorSystem running = system;
            if (running != null) {
                running.registerBehavior(name, behavior, origin.version(), origin.bundle());
            }
        }
    }

    void updatedBehavior(final ActorBehavior behavior, final Map<String, Object> properties) {
        synchronized (lock) {
            final String before = bound.get(behavior);
            final String after = nameOf(behavior, properties);
            if (before != null && before.equals(after)) {
                return;
            }
            unbindBehavior(behavior, properties);
            if (after != null) {
                bindBehavior(behavior, properties);
            }
        }
    }

    void unbindBehavior(final ActorBehavior behavior, final Map<String, Object> properties) {
        synchronized (lock) {
            final String name = bound.remove(behavior);
            origins.remove(behavior);
            final LocalActorSystem running = system;
            if (name != null && running != null) {
                running.unregisterBehavior(name, behavior);
            }
        }
    }

    /** The transport, when a transport bundle runs; without one, remote sends are dead letters (NO_TRANSPORT). */
    @Reference(
        name = "transport",
        service = Transport.class,
        cardinality = ReferenceCardinality.OPTIONAL,
        policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY,
        unbind = "unbindTransport")
    void bindTransport(final Transport transport) {
        remoting.bind(transport);
        LOG.info("[{}] transport {} bound: messages for other nodes go through it", nodeIdOrUnknown(),
            transport.getClass().getName());
    }

    void unbindTransport(final Transport transport) {
        remoting.unbind(transport);
        LOG.info("[{}] transport {} unbound", nodeIdOrUnknown(), transport.getClass().getName());
    }

    /**
     * Membership, when the gossip bundle runs: bare names and groups then reach the whole cluster. Without it, they
     * reach this node's actors only, as before the cluster existed.
     */
    @Reference(
        name = "cluster",
        service = Cluster.class,
        cardinality = ReferenceCardinality.OPTIONAL,
        policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY,
        unbind = "unbindCluster")
    void bindCluster(final Cluster cluster) {
        remoting.cluster().bind(cluster);
        LOG.info("[{}] cluster membership bound: bare names and groups reach the whole cluster", nodeIdOrUnknown());
    }

    void unbindCluster(final Cluster cluster) {
        remoting.cluster().unbind(cluster);
        LOG.info("[{}] cluster membership unbound: bare names and groups reach this node's actors only",
            nodeIdOrUnknown());
    }

    /** On the gossip notifier thread: returns at once (see ClusterView). */
    @Override
    public void onClusterEvent(final ClusterEvent event) {
        remoting.cluster().onClusterEvent(event);
    }

    /** User codecs: a binary codec for a type, replacing JSON for bodies of it that leave the node. */
    @Reference(
        name = "codecs",
        service = Codec.class,
        cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY,
        unbind = "unbindCodec")
    void bindCodec(final Codec<?> codec) {
        remoting.codecs().register(codec);
    }

    void unbindCodec(final Codec<?> codec) {
        remoting.codecs().unregister(codec);
    }

    @Override
    public String nodeIdOrUnknown() {
        final LocalActorSystem running = system;
        return running == null ? "-" : running.nodeId();
    }

    private static RegistrySettings settingsFrom(final Map<String, Object> properties) {
        return RegistrySettings.from(Sections.fromProperties(properties, RegistryComponent.class.getClassLoader()));
    }

    private static String nameOf(final ActorBehavior behavior, final Map<String, Object> properties) {
        final Object name = properties.get(ActorBehavior.NAME_PROPERTY);
        if (!(name instanceof String) || ((String) name).isBlank()) {
            LOG.warn("ActorBehavior service {} ({}) ignored: it has no {} property naming it (service.id {})",
                behavior.getClass().getName(), properties.get("component.name"), ActorBehavior.NAME_PROPERTY,
                properties.get("service.id"));
            return null;
        }
        return (String) name;
    }

    @Override
    public Rejections rejections() {
        return rejections;
    }

    @Override
    public Optional<LocalActorSystem> runtime() {
        return Optional.ofNullable(system);
    }

    private LocalActorSystem running() {
        final LocalActorSystem running = system;
        if (running == null) {
            throw new IllegalStateException("the actor runtime of this node is stopped");
        }
        return running;
    }

    // ---- EnvelopeReceiver, by delegation: the transport's I/O threads ----

    @Override
    public boolean onEnvelope(final String fromNode, final WireEnvelope envelope) {
        final LocalActorSystem running = system;
        if (running == null) {
            // Not taken, so not acknowledged: the sender keeps it and resends it to the next runtime.
            LOG.debug("[-] message from node {} to {} not taken: the actor runtime of this node is stopped", fromNode,
                envelope.to());
            return false;
        }
        return running.inbox().onEnvelope(fromNode, envelope);
    }

    @Override
    public void onUndeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
        final LocalActorSystem running = system;
        if (running == null) {
            LOG.warn("[-] message to {} given up ({}) while the actor runtime of this node is stopped",
                envelope.to(), reason);
            return;
        }
        running.inbox().onUndeliverable(toNode, envelope, reason);
    }

    @Override
    public void onReclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
        final LocalActorSystem running = system;
        if (running == null) {
            LOG.warn("[-] {} messages for node {} taken back ({}) while the actor runtime of this node is stopped",
                envelopes.size(), toNode, reason);
            return;
        }
        running.inbox().onReclaimed(toNode, envelopes, reason);
    }

    /**
     * The runtime's counters of remote messaging and dead letters, for operators (the admin API and the shell read
     * them; see {@link RemoteInbox#counters()} for the names).
     *
     * @return by name, each counting since the runtime in force started; empty while it is stopped
     */
    public Map<String, Long> remoteCounters() {
        final LocalActorSystem running = system;
        if (running == null || !(running.inbox() instanceof RemoteInbox)) {
            return Map.of();
        }
        return ((RemoteInbox) running.inbox()).counters();
    }

    // ---- ActorSystem, by delegation ----

    @Override
    public String nodeId() {
        return running().nodeId();
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        return running().spawn(behavior, name);
    }

    @Override
    public ActorRef spawn(final ActorSpec spec) {
        return running().spawn(spec);
    }

    @Override
    public ActorRef spawnInCluster(final ClusterActorSpec spec) {
        return running().spawnInCluster(spec);
    }

    @Override
    public boolean stop(final String name) {
        return running().stop(name);
    }

    @Override
    public ActorRef ref(final String address) {
        return running().ref(address);
    }

    @Override
    public ActorRef ref(final Address address) {
        return running().ref(address);
    }

    @Override
    public Optional<ActorInfo> actor(final String name) {
        return running().actor(name);
    }

    @Override
    public List<ActorInfo> actors() {
        return running().actors();
    }

    @Override
    public Set<String> behaviors() {
        return running().behaviors();
    }

    @Override
    public List<BehaviorInfo> behaviorDetails() {
        return running().behaviorDetails();
    }

    @Override
    public List<RejectedBundle> rejectedBundles() {
        return rejections.list();
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return running().deadLetters();
    }

    @Override
    public long deadLetterCount() {
        return running().deadLetterCount();
    }

    /**
     * The running runtime's counters: dead letters in total and by reason, remote messages received, refused and
     * given up, as {@link #remoteCounters()} names them.
     *
     * @return by name, sorted; empty while the runtime is stopped (unlike the methods above, this never throws)
     */
    @Override
    public Map<String, Long> counters() {
        final LocalActorSystem running = system;
        if (running == null) {
            return Map.of();
        }
        final Map<String, Long> all = new java.util.TreeMap<>(remoteCounters());
        all.putAll(running.clusterActors().countersSnapshot());
        // The gossip bundle reads these two for the busy share it reports as this node's load.
        all.put("dispatcher.busy-nanos", running.dispatcherBusyNanos());
        all.put("dispatcher.threads", (long) running.dispatcherParallelism());
        return all;
    }
}
