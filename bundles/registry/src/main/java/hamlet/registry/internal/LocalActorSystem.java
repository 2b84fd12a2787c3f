package hamlet.registry.internal;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.BehaviorInfo;
import hamlet.api.DeadLetter;
import hamlet.api.SpawnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import com.google.gson.JsonObject;

/**
 * One node's local actor runtime: the registry of actors by name, their mailboxes and the dispatcher that runs them,
 * supervision, routing, dead letters and asks. Plain Java: the OSGi component only feeds it settings and behaviours.
 *
 * <p>Sends go through the {@link Router}, which delivers where the {@link Resolver} says an address leads (the
 * {@link DirectoryResolver}: this node's actors first, then the cluster directory when membership runs); envelopes from other nodes come in through {@link #inbox()}, which asks the same
 * resolver whether they are for this node.
 *
 * <p>Threading: every public method may be called from any thread and none blocks on an actor, except
 * {@link #close()}, which waits a bounded time for the actors' last turns. Settings changes are serialized.
 */
public final class LocalActorSystem implements ActorSystem, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalActorSystem.class);
    /** How long close waits for the last turns (onStop of every actor). Bounded: a node stops within 10 s. */
    private static final long CLOSE_WAIT_MS = 5_000;
    /** How often {@link #awaitMovedOff} looks, from quick (one actor, idle node) to a bound on its lateness. */
    private static final long MOVED_OFF_POLL_MIN_NS = 100_000L;
    private static final long MOVED_OFF_POLL_MAX_NS = 5_000_000L;

    private final String nodeId;
    private final LongSupplier nanoClock;
    private final Behaviors behaviors = new Behaviors();
    private final ConcurrentHashMap<String, ActorCell> cells = new ConcurrentHashMap<>();
    private final Groups groups = new Groups();
    private final DeadLetters deadLetters;
    private final Router router;
    private final RemoteInbox inbox;
    private final Dispatcher dispatcher;
    private final Asks asks;
    private final HotSwap hotSwap;
    private final SwapCoordinator swaps;
    /** The cluster actors of this node: placement's orders, their routing, state copies and handovers. */
    private final ClusterActors clusterActors;
    private final Remoting remoting;
    /** This node's trace ring (hamlet.registry.trace.ring, read at start). */
    private final TraceRecorder tracer;
    private final TraceQueries traceQueries;
    /** What cells reach of this runtime: they get this, never the whole system. */
    private final CellHost host = new Host();
    /** Serializes changes of behaviour versions, so that each opens its swap tally after the one before. */
    private final Object behaviorLock = new Object();
    private final Object settingsLock = new Object();
    private volatile RegistrySettings settings;
    private final List<java.util.function.Consumer<String>> registeredListeners =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * Starts a node's runtime: the dispatcher's threads start when the first actor has work.
     *
     * @param settings the node's identity and the runtime's limits
     */
    public LocalActorSystem(final RegistrySettings settings) {
        this(settings, new Remoting());
    }

    /**
     * Starts a node's runtime that reaches other nodes through {@code remoting}.
     *
     * @param settings the node's identity and the runtime's limits
     * @param remoting the codecs and the transport, owned by the caller and shared across restarts of the runtime
     */
    public LocalActorSystem(final RegistrySettings settings, final Remoting remoting) {
        this(settings, System::nanoTime, Clock.systemUTC(), remoting);
    }

    LocalActorSystem(final RegistrySettings settings, final LongSupplier nanoClock, final Clock clock) {
        this(settings, nanoClock, clock, new Remoting());
    }

    /**
     * @param settings the node's identity and the runtime's limits
     * @param nanoClock the time supervision windows and the dead-letter log budget are measured with
     * @param clock the wall clock dead letters are stamped with
     * @param remoting the codecs and the transport
     */
    LocalActorSystem(final RegistrySettings settings, final LongSupplier nanoClock, final Clock clock,
                     final Remoting remoting) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodeId = settings.nodeId();
        this.nanoClock = nanoClock;
        this.remoting = remoting;
        final Resolver resolver = new DirectoryResolver(new LocalResolver(nodeId, cells::get), remoting.cluster());
        this.deadLetters = new DeadLetters(nodeId, settings.deadLettersKeep(), settings.deadLettersLogPerSecond(),
            clock, nanoClock, resolver);
        this.tracer = new TraceRecorder(nodeId, settings.traceRing());
        deadLetters.traceTo(tracer);
        final TransportRouter transportRouter = new TransportRouter(nodeId, remoting, deadLetters);
        transportRouter.traceTo(tracer);
        this.clusterActors = new ClusterActors(nodeId, runId(), new ClusterHost(), cells::get, transportRouter,
            deadLetters, remoting.cluster());
        this.router = new Router(nodeId, resolver, groups, transportRouter, deadLetters, remoting.cluster(),
            clusterActors);
        router.traceTo(tracer);
        this.dispatcher = new Dispatcher(nodeId, settings.effectiveParallelism());
        this.asks = new Asks(this);
        this.hotSwap = new HotSwap(nodeId, clock);
        this.swaps = new SwapCoordinator(nodeId, nanoClock, hotSwap, SwapCoordinator.THREADS,
            SwapCoordinator.MAX_THREADS);
        this.inbox = new RemoteInbox(this, router, asks, remoting);
        this.traceQueries = new TraceQueries(tracer, remoting::transport, () -> remoting.cluster().cluster(),
            job -> dispatcher.run(job));
        LOG.info("[{}] actor runtime started: {} dispatcher threads, {} messages a turn, mailbox bound {}, at most "
                + "{} restarts within {} ms", nodeId, settings.effectiveParallelism(), settings.throughput(),
            settings.mailboxBound(), settings.maxRestarts(), settings.restartWindowNs() / 1_000_000L);
    }

    /** @return this node's trace ring: the hops of the messages it saw */
    public TraceRecorder tracer() {
        return tracer;
    }

    /** @return the cluster side of tracing: questions to the other members, answers to theirs */
    public TraceQueries traceQueries() {
        return traceQueries;
    }

    // ---- behaviours ----

    /**
     * Makes a behaviour spawnable by name. A second behaviour of the same name replaces the first for new spawns
     * (the first comes back if the second goes).
     *
     * @param name the behaviour's name ({@link ActorBehavior#NAME_PROPERTY})
     * @param behavior the behaviour
     * @throws IllegalArgumentException when the name is blank
     */
    public void registerBehavior(final String name, final ActorBehavior behavior) {
        registerBehavior(name, behavior, null, null);
    }

    /**
     * Makes a version of a behaviour spawnable by name. The highest version of a name is used for spawns (among
     * equal versions, the one registered last); when this one becomes the highest, every actor of the behaviour
     * is hot-swapped to it on its next turn (see {@link ActorCell}), and actors waiting suspended resume with it.
     *
     * @param name the behaviour's name ({@link ActorBehavior#NAME_PROPERTY})
     * @param behavior the behaviour
     * @param version the version of its bundle, or null when not known (it then counts as 0.0.0)
     * @param bundle the symbolic name of its bundle, or null
     * @throws IllegalArgumentException when the name is blank
     */
    public void registerBehavior(final String name, final ActorBehavior behavior, final String version,
                                 final String bundle) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a behaviour's name (" + ActorBehavior.NAME_PROPERTY
                + ") must not be empty");
        }
        Objects.requireNonNull(behavior, "behavior");
        synchronized (behaviorLock) {
            final Registration before = behaviors.current(name);
            final Registration added = behaviors.add(name, behavior, version, bundle);
            LOG.info("[{}] behaviour {} {} registered{}", nodeId, name, added.version(),
                added.bundle() == null ? "" : " from " + added.bundle());
            if (behaviors.current(name) == added) {
                swapAll(name, before == null ? null : before.version(), added);
            }
        }
        // Placement hears what this node can run now (outside the lock: it is another bundle).
        clusterActors.behaviorsChanged();
        for (final java.util.function.Consumer<String> listener : registeredListeners) {
            try {
                listener.accept(name);
            } catch (final RuntimeException e) {
                LOG.warn("[{}] a listener of behaviour {} failed: {}", nodeId, name, e.toString());
            }
        }
    }

    /**
     * Forgets a behaviour. Running actors of it keep their instances; a restart finds the behaviour registered under
     * that name then, if any.
     *
     * @param name the name it was registered under
     * @param behavior the behaviour
     */
    public void unregisterBehavior(final String name, final ActorBehavior behavior) {
        if (name == null || behavior == null) {
            return;
        }
        final Registration removed;
        final List<ActorCell> moving;
        synchronized (behaviorLock) {
            removed = behaviors.remove(name, behavior);
            if (removed == null) {
                return;
            }
            final Registration next = behaviors.current(name);
            LOG.info("[{}] behaviour {} {} unregistered{}", nodeId, name, removed.version(),
                next == null ? "" : "; " + next.version() + " takes over");
            moving = cellsRunning(removed);
            swaps.forget(removed);
            hotSwap.begin(name, removed.version(), next == null ? null : next.version(), moving.size());
            moving.forEach(ActorCell::requestSwapCheck);
        }
        if (behaviors.current(name) == null) {
            clusterActors.behaviorsChanged();
        }
        awaitMovedOff(removed, moving);
    }

    /**
     * Tells every actor of a behaviour to move to {@code to} on its next turn.
     *
     * @param from the version they ran before, for the tally
     */
    private void swapAll(final String name, final String from, final Registration to) {
        final List<ActorCell> moving = new ArrayList<>();
        for (final ActorCell cell : cells.values()) {
            if (name.equals(cell.spec().behavior()) && !cell.runs(to)) {
                moving.add(cell);
            }
        }
        if (moving.isEmpty()) {
            return;
        }
        hotSwap.begin(name, from, to.version(), moving.size());
        moving.forEach(ActorCell::requestSwapCheck);
    }

    private List<ActorCell> cellsRunning(final Registration registration) {
        final List<ActorCell> running = new ArrayList<>();
        for (final ActorCell cell : cells.values()) {
            if (cell.runs(registration)) {
                running.add(cell);
            }
        }
        return running;
    }

    /**
     * Waits for the actors of a version going away to have moved off it (snapshot taken on their turn, new instance
     * in, the old one's onStop run): the bundle is still whole until this returns. At most the swap timeout per
     * swap thread's share of the actors, plus one: a timeout breaks the version swapped to, and the rest then roll
     * back at once. Not from a dispatcher thread (an actor's turn would then wait for itself).
     */
    private void awaitMovedOff(final Registration removed, final List<ActorCell> moving) {
        if (moving.isEmpty() || Thread.currentThread() instanceof ForkJoinWorkerThread) {
            return;
        }
        final long budget = settings.swapTimeoutNs() * (1 + moving.size() / SwapCoordinator.THREADS);
        final long deadline = System.nanoTime() + Math.max(budget, settings.swapTimeoutNs());
        long pauseNs = MOVED_OFF_POLL_MIN_NS;
        for (final ActorCell cell : moving) {
            while (cell.runs(removed) && !cell.isRetired()) {
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn("[{}] behaviour {} {} went away before all its actors took their snapshot", nodeId,
                        removed.name(), removed.version());
                    return;
                }
                // Backing off: a thousand actors moving take a few rounds of the dispatcher, whose CPU this
                // thread would otherwise share at ten thousand wake-ups a second.
                LockSupport.parkNanos(pauseNs);
                pauseNs = Math.min(MOVED_OFF_POLL_MAX_NS, pauseNs * 2);
            }
        }
    }

    @Override
    public List<BehaviorInfo> behaviorDetails() {
        final java.util.Map<String, int[]> counts = new java.util.TreeMap<>();
        for (final String name : behaviors.names()) {
            counts.put(name, new int[2]);
        }
        for (final ActorCell cell : cells.values()) {
            final int[] count = counts.computeIfAbsent(cell.spec().behavior(), key -> new int[2]);
            count[0]++;
            if (cell.info().state() == ActorInfo.State.SUSPENDED) {
                count[1]++;
            }
        }
        final List<BehaviorInfo> details = new ArrayList<>(counts.size());
        counts.forEach((name, count) -> {
            final List<Registration> registered = behaviors.all(name);
            final Registration best = registered.isEmpty() ? null : registered.get(0);
            details.add(new BehaviorInfo(name, best == null ? null : best.version(),
                best == null ? null : best.bundle(),
                best == null ? BehaviorInfo.State.MISSING : BehaviorInfo.State.AVAILABLE,
                registered.stream().map(Registration::version).toList(), count[0], count[1], hotSwap.last(name)));
        });
        return details;
    }

    /**
     * Hands a new config block to a running actor ({@link hamlet.api.Actor#onConfig}) on its next turn, without
     * restarting it.
     *
     * @param name the actor's name
     * @param config the new block
     * @return whether there is such an actor
     */
    public boolean reconfigure(final String name, final JsonObject config) {
        final ActorCell cell = name == null ? null : cells.get(name);
        if (cell == null) {
            return false;
        }
        cell.requestConfig(config == null ? new JsonObject() : config.deepCopy());
        return true;
    }

    /**
     * @param name an actor's name
     * @return its spec in force (with its latest config block), if it runs here
     */
    public Optional<ActorSpec> spec(final String name) {
        final ActorCell cell = name == null ? null : cells.get(name);
        return cell == null ? Optional.empty() : Optional.of(cell.spec());
    }

    /**
     * Listens for behaviours being registered (for actors declared in config whose behaviour comes later).
     *
     * @param listener called with the behaviour's name, on the registering thread, outside any lock of this system
     * @return what ends the listening
     */
    public Runnable onBehaviorRegistered(final java.util.function.Consumer<String> listener) {
        registeredListeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> registeredListeners.remove(listener);
    }

    @Override
    public Set<String> behaviors() {
        return behaviors.names();
    }

    // ---- actors ----

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        final ActorSpec spec;
        try {
            spec = ActorSpec.of(behavior, name);
        } catch (final IllegalArgumentException e) {
            throw new SpawnException("cannot spawn actor '" + name + "' of behaviour '" + behavior + "' on " + nodeId
                + ": " + e.getMessage(), e);
        }
        return spawn(spec);
    }

    @Override
    public ActorRef spawn(final ActorSpec spec) {
        return spawnCell(spec, null).self();
    }

    /**
     * Declares a cluster actor on this node: placement runs it on the member it chooses (this one or another), and
     * its bare name reaches it from any node.
     *
     * @param spec the actor
     * @return a ref to its bare name
     * @throws SpawnException when another cluster actor is declared under the name
     */
    @Override
    public ActorRef spawnInCluster(final hamlet.api.cluster.ClusterActorSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (closed) {
            throw new SpawnException("cannot spawn cluster actor '" + spec.name() + "': node " + nodeId
                + " is stopping");
        }
        try {
            clusterActors.spawnInCluster(spec);
        } catch (final IllegalArgumentException e) {
            throw new SpawnException("cannot spawn cluster actor '" + spec.name() + "': " + e.getMessage(), e);
        }
        LOG.info("[{}] cluster actor {} ({}) declared: placement runs it where it belongs", nodeId, spec.name(),
            spec.spec().behavior());
        return ref(Address.named(spec.name()));
    }

    /** @return this node's actor of that name, or null */
    ActorCell cell(final String name) {
        return cells.get(name);
    }

    /** @return this node's cluster actors: what placement tells it, and their routing */
    public ClusterActors clusterActors() {
        return clusterActors;
    }

    /** @return a new cell, running; a cluster actor's activation when {@code role} is set */
    private ActorCell spawnCell(final ActorSpec spec, final ClusterRole role) {
        Objects.requireNonNull(spec, "spec");
        final String name = spec.name();
        if (closed) {
            throw new SpawnException("cannot spawn actor '" + name + "': node " + nodeId + " is stopping");
        }
        final Registration registration = behaviors.current(spec.behavior());
        if (registration == null) {
            throw new SpawnException("cannot spawn actor '" + name + "': unknown behaviour '" + spec.behavior()
                + "' on " + nodeId + " (known: " + String.join(", ", behaviors.names()) + ")");
        }
        if (cells.containsKey(name)) {
            throw taken(name);
        }
        final Actor actor;
        try {
            actor = registration.behavior().create(spec);
        } catch (final Throwable e) {
            throw new SpawnException("cannot spawn actor '" + name + "': behaviour '" + spec.behavior()
                + "' failed to create it: " + e, e);
        }
        if (actor == null) {
            throw new SpawnException("cannot spawn actor '" + name + "': behaviour '" + spec.behavior()
                + "' made no actor (create returned null)");
        }
        final ActorCell cell = new ActorCell(host, spec, actor, registration, settings.mailboxCapacity(), role);
        if (cells.putIfAbsent(name, cell) != null) {
            throw taken(name);
        }
        groups.join(cell);
        LOG.info("[{}] spawned {} ({} {}{}{})", nodeId, name, spec.behavior(), registration.version(),
            spec.group() == null ? "" : ", group " + spec.group(),
            role == null ? "" : ", cluster actor, epoch " + role.epoch());
        // onStart runs on the actor's first turn, now (after the restore, for a cluster actor).
        cell.schedule();
        return cell;
    }

    @Override
    public boolean stop(final String name) {
        return stop(name, null);
    }

    /**
     * Stops an actor of this node, saying why in the dead letters of its waiting messages.
     *
     * @param name the actor's name
     * @param because why, or null for "stopped on request"
     * @return whether there was such an actor
     */
    public boolean stop(final String name, final String because) {
        final ActorCell cell = name == null ? null : cells.get(name);
        if (cell == null || !removeCell(cell)) {
            return false;
        }
        retire(cell);
        cell.requestStop(because);
        return true;
    }

    @Override
    public ActorRef ref(final String address) {
        return ref(Address.parse(address));
    }

    @Override
    public ActorRef ref(final Address address) {
        Objects.requireNonNull(address, "address");
        if (!address.isGroup() && address.name().startsWith(Asks.TEMP_PREFIX)
            && (address.node() == null || address.node().equals(nodeId()))) {
            // An ask of this node is no actor: a ref rebuilt from its address (an actor that kept its sender as
            // text) must still complete it, as one arriving from another node does.
            final Asks.AskRef ask = asks.find(address.name());
            if (ask != null) {
                return ask;
            }
        }
        return new AddressRef(this, address, null);
    }

    @Override
    public Optional<ActorInfo> actor(final String name) {
        final ActorCell cell = name == null ? null : cells.get(name);
        return cell == null ? Optional.empty() : Optional.of(cell.info());
    }

    @Override
    public List<ActorInfo> actors() {
        final List<ActorInfo> infos = new ArrayList<>(cells.size());
        for (final ActorCell cell : cells.values()) {
            infos.add(cell.info());
        }
        infos.sort(Comparator.comparing(ActorInfo::name));
        return infos;
    }

    // ---- dead letters ----

    @Override
    public List<DeadLetter> deadLetters() {
        return deadLetters.recent();
    }

    @Override
    public long deadLetterCount() {
        return deadLetters.count();
    }

    // ---- settings and life cycle ----

    /**
     * Applies edited settings without a restart: throughput, supervision limits, the ask timeout and the dead-letter
     * limits at once; parallelism by a new dispatcher pool; the mailbox capacity for actors spawned from now on.
     *
     * @param next the new settings
     * @throws IllegalArgumentException when they change the node id, which needs a restart
     */
    public void applySettings(final RegistrySettings next) {
        Objects.requireNonNull(next, "settings");
        synchronized (settingsLock) {
            final RegistrySettings previous = settings;
            if (!previous.nodeId().equals(next.nodeId())) {
                throw new IllegalArgumentException(RegistrySettings.nodeIdChangeRefused(previous.nodeId()));
            }
            if (previous.equals(next)) {
                return;
            }
            settings = next;
            dispatcher.resize(next.effectiveParallelism());
            deadLetters.apply(next.deadLettersKeep(), next.deadLettersLogPerSecond());
            if (previous.mailboxBound() != next.mailboxBound()) {
                LOG.info("[{}] mailbox bound {} applies to actors spawned from now on; running ones keep theirs",
                    nodeId, next.mailboxBound());
            }
            LOG.info("[{}] registry settings applied: {}", nodeId, next.changesFrom(previous));
        }
    }

    /**
     * Stops every actor (their onStop runs on their last turn; what waits in their mailboxes becomes dead letters),
     * fails the asks still waiting, and ends the threads, waiting at most a few seconds. Idempotent.
     */
    @Override
    public void close() {
        synchronized (settingsLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (final String name : new ArrayList<>(cells.keySet())) {
            stop(name);
        }
        clusterActors.close();
        final boolean ended = dispatcher.close(CLOSE_WAIT_MS);
        asks.close();
        swaps.close();
        if (ended) {
            LOG.info("[{}] actor runtime stopped", nodeId);
        } else {
            LOG.warn("[{}] actor runtime stopped, but some actors were still running after {} ms", nodeId,
                CLOSE_WAIT_MS);
        }
    }

    /** @return where the transport hands in envelopes from other nodes, and the ones it gives up on */
    public hamlet.api.transport.EnvelopeReceiver inbox() {
        return inbox;
    }

    // ---- package-private: the runtime's own parts ----

    RegistrySettings settings() {
        return settings;
    }

    /** @return nanoseconds spent in actor turns since start, summed over the dispatcher's workers */
    public long dispatcherBusyNanos() {
        return dispatcher.busyNanos();
    }

    /** @return the dispatcher's threads */
    public int dispatcherParallelism() {
        return dispatcher.parallelism();
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** @return what runs hot swaps off the dispatcher */
    SwapCoordinator swaps() {
        return swaps;
    }

    /** @return what says where an address leads on this node */
    Resolver resolver() {
        return router.resolver();
    }

    /** @return dead letters, for tests of the log budget */
    DeadLetters deadLetterBox() {
        return deadLetters;
    }

    /** @return asks waiting for their reply */
    int pendingAsks() {
        return asks.pending();
    }

    /** @return the actors now, for the metrics (a weakly consistent view) */
    java.util.Collection<ActorCell> cellsNow() {
        return java.util.Collections.unmodifiableCollection(cells.values());
    }

    /** @return what the turns measure */
    ActorMeters meters() {
        return dispatcher.meters();
    }

    /** @return the group label of a spec: its group, or "" */
    static String groupOf(final ActorSpec spec) {
        return spec.group() == null ? "" : spec.group();
    }

    /**
     * Takes a cell out of the name table, and its counts into its behaviour's totals (a counter must not go down
     * when an actor stops): once, by whichever caller removes it.
     *
     * @return whether this call removed it
     */
    private boolean removeCell(final ActorCell cell) {
        if (!cells.remove(cell.name(), cell)) {
            return false;
        }
        dispatcher.meters().retired(new ActorMeters.Key(cell.spec().behavior(), groupOf(cell.spec())),
            cell.processed(), cell.sent.get());
        return true;
    }

    /** Takes a cell out of the registry and its group; refs holding it look again. Idempotent. */
    private void retire(final ActorCell cell) {
        removeCell(cell);
        groups.leave(cell);
        cell.retire();
    }

    /**
     * Sends from a ref: see {@link Router#send}. Any thread.
     *
     * @param ref the ref sent through
     * @param body the body
     * @param sender the sender, or null
     */
    void send(final AddressRef ref, final Object body, final ActorRef sender) {
        router.send(ref, body, sender);
    }

    /**
     * Asks through a ref. Any thread.
     *
     * @param target where to send
     * @param body the body
     * @param timeout how long to wait; null for {@code hamlet.registry.ask.default-timeout}
     * @return the reply's body, when it comes
     * @throws IllegalArgumentException when the timeout is zero or negative
     */
    CompletionStage<Object> ask(final ActorRef target, final Object body, final Duration timeout) {
        Objects.requireNonNull(body, "a message body must not be null");
        final long timeoutNs;
        if (timeout == null) {
            timeoutNs = settings.askDefaultTimeoutNs();
        } else if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("an ask's timeout must be positive, got " + timeout);
        } else {
            timeoutNs = saturatedNanos(timeout);
        }
        return asks.ask(target, router.shown(target.address()), body, timeoutNs);
    }

    /** Gives up a message: see {@link DeadLetters#record}. Any thread. */
    void deadLetter(final String to, final Object body, final ActorRef sender, final DeadLetter.Reason reason,
                    final String detail) {
        deadLetters.record(to, body, sender, reason, detail);
    }

    private static long saturatedNanos(final Duration duration) {
        try {
            return duration.toNanos();
        } catch (final ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private SpawnException taken(final String name) {
        return new SpawnException("cannot spawn actor '" + name + "': the name is taken on " + nodeId);
    }

    /** @return a random id of this start of the runtime, never 0: the run part of its stamps */
    private static long runId() {
        long id;
        do {
            id = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /** The runtime as its cluster actors see it. */
    private final class ClusterHost implements ClusterActors.Host {
        @Override
        public ActorCell cell(final String name) {
            return cells.get(name);
        }

        @Override
        public ActorCell spawn(final ActorSpec spec, final ClusterRole role) {
            return spawnCell(spec, role);
        }

        @Override
        public Set<String> behaviors() {
            return behaviors.names();
        }

        @Override
        public void send(final AddressRef ref, final Object body, final ActorRef sender) {
            router.send(ref, body, sender);
        }

        @Override
        public hamlet.api.transport.Transport transport() {
            return remoting.transport();
        }

        @Override
        public void retire(final ActorCell cell) {
            LocalActorSystem.this.retire(cell);
        }
    }

    /** The runtime as its cells see it: the narrow way up (see {@link CellHost}). */
    private final class Host implements CellHost {
        @Override
        public String nodeId() {
            return nodeId;
        }

        @Override
        public TraceRecorder tracer() {
            return tracer;
        }

        @Override
        public Dispatcher dispatcher() {
            return dispatcher;
        }

        @Override
        public RegistrySettings settings() {
            return settings;
        }

        @Override
        public long nanoTime() {
            return nanoClock.getAsLong();
        }

        @Override
        public Registration registration(final String behavior) {
            return behaviors.current(behavior);
        }

        @Override
        public boolean isRegistered(final Registration registration) {
            return behaviors.isRegistered(registration);
        }

        @Override
        public SwapCoordinator swaps() {
            return swaps;
        }

        @Override
        public void swapOutcome(final String behavior, final String actor, final String failure) {
            hotSwap.outcome(behavior, actor, failure);
        }

        @Override
        public void retire(final ActorCell cell) {
            LocalActorSystem.this.retire(cell);
        }

        @Override
        public void deadLetter(final String to, final Object body, final ActorRef sender,
                               final DeadLetter.Reason reason, final String detail) {
            deadLetters.record(to, body, sender, reason, detail);
        }

        @Override
        public AddressRef selfRef(final Address address, final ActorCell cell) {
            return new AddressRef(LocalActorSystem.this, address, cell);
        }

        @Override
        public ActorSystem system() {
            return LocalActorSystem.this;
        }
    }
}
