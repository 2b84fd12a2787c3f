package hamlet.registry.internal;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
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
import java.util.function.LongSupplier;

/**
 * One node's local actor runtime: the registry of actors by name, their mailboxes and the dispatcher that runs them,
 * supervision, routing, dead letters and asks. Plain Java: the OSGi component only feeds it settings and behaviours.
 *
 * <p>Routing of an address: {@code name} or {@code thisNode:name} goes to the local actor of that name (none:
 * UNKNOWN_ACTOR; stopped: ACTOR_STOPPED; mailbox full: MAILBOX_FULL); {@code *:group} to the local member of the
 * group with the smallest mailbox (none: UNKNOWN_GROUP); {@code otherNode:name} to the {@link TransportRouter}, which
 * encodes it for the transport (none bound: a dead letter, NO_TRANSPORT); envelopes from other nodes come in through
 * {@link #inbox()}.
 *
 * <p>Threading: every public method may be called from any thread and none blocks on an actor, except
 * {@link #close()}, which waits a bounded time for the actors' last turns. Settings changes are serialized.
 */
public final class LocalActorSystem implements ActorSystem, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalActorSystem.class);
    /** How long close waits for the last turns (onStop of every actor). Bounded: a node stops within 10 s. */
    private static final long CLOSE_WAIT_MS = 5_000;

    private final String nodeId;
    private final LongSupplier nanoClock;
    private final Behaviors behaviors = new Behaviors();
    private final ConcurrentHashMap<String, ActorCell> cells = new ConcurrentHashMap<>();
    private final Groups groups = new Groups();
    private final DeadLetters deadLetters;
    private final RemoteRouter remote;
    private final RemoteInbox inbox;
    private final Dispatcher dispatcher;
    private final Asks asks;
    private final Object settingsLock = new Object();
    private volatile RegistrySettings settings;
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
        this.deadLetters = new DeadLetters(nodeId, settings.deadLettersKeep(), settings.deadLettersLogPerSecond(),
            clock, nanoClock);
        this.remote = new TransportRouter(nodeId, remoting, deadLetters);
        this.dispatcher = new Dispatcher(nodeId, settings.effectiveParallelism());
        this.asks = new Asks(this);
        this.inbox = new RemoteInbox(this, asks, remoting.codecs());
        LOG.info("[{}] actor runtime started: {} dispatcher threads, {} messages a turn, mailbox bound {}, at most "
                + "{} restarts within {} ms", nodeId, settings.effectiveParallelism(), settings.throughput(),
            settings.mailboxBound(), settings.maxRestarts(), settings.restartWindowNs() / 1_000_000L);
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
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a behaviour's name (" + ActorBehavior.NAME_PROPERTY
                + ") must not be empty");
        }
        Objects.requireNonNull(behavior, "behavior");
        final boolean replaced = behaviors.add(name, behavior);
        LOG.info("[{}] behaviour {} {}", nodeId, name, replaced ? "replaced by a newer registration" : "registered");
    }

    /**
     * Forgets a behaviour. Running actors of it keep their instances; a restart finds the behaviour registered under
     * that name then, if any.
     *
     * @param name the name it was registered under
     * @param behavior the behaviour
     */
    public void unregisterBehavior(final String name, final ActorBehavior behavior) {
        if (name != null && behavior != null && behaviors.remove(name, behavior)) {
            LOG.info("[{}] behaviour {} unregistered", nodeId, name);
        }
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
        Objects.requireNonNull(spec, "spec");
        final String name = spec.name();
        if (closed) {
            throw new SpawnException("cannot spawn actor '" + name + "': node " + nodeId + " is stopping");
        }
        final ActorBehavior behavior = behaviors.get(spec.behavior());
        if (behavior == null) {
            throw new SpawnException("cannot spawn actor '" + name + "': unknown behaviour '" + spec.behavior()
                + "' on " + nodeId + " (known: " + String.join(", ", behaviors.names()) + ")");
        }
        if (cells.containsKey(name)) {
            throw taken(name);
        }
        final Actor actor;
        try {
            actor = behavior.create(spec);
        } catch (final Throwable e) {
            throw new SpawnException("cannot spawn actor '" + name + "': behaviour '" + spec.behavior()
                + "' failed to create it: " + e, e);
        }
        if (actor == null) {
            throw new SpawnException("cannot spawn actor '" + name + "': behaviour '" + spec.behavior()
                + "' made no actor (create returned null)");
        }
        final ActorCell cell = new ActorCell(this, spec, actor, settings.mailboxCapacity());
        if (cells.putIfAbsent(name, cell) != null) {
            throw taken(name);
        }
        groups.join(cell);
        LOG.info("[{}] spawned {} ({}{})", nodeId, name, spec.behavior(),
            spec.group() == null ? "" : ", group " + spec.group());
        // onStart runs on the actor's first turn, now.
        cell.schedule();
        return cell.self();
    }

    @Override
    public boolean stop(final String name) {
        final ActorCell cell = name == null ? null : cells.get(name);
        if (cell == null || !cells.remove(name, cell)) {
            return false;
        }
        retire(cell);
        cell.requestStop();
        return true;
    }

    @Override
    public ActorRef ref(final String address) {
        return ref(Address.parse(address));
    }

    @Override
    public ActorRef ref(final Address address) {
        Objects.requireNonNull(address, "address");
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
        final boolean ended = dispatcher.close(CLOSE_WAIT_MS);
        asks.close();
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

    Dispatcher dispatcher() {
        return dispatcher;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    ActorBehavior behavior(final String name) {
        return behaviors.get(name);
    }

    /** @return dead letters, for tests of the log budget */
    DeadLetters deadLetterBox() {
        return deadLetters;
    }

    /** @return asks waiting for their reply */
    int pendingAsks() {
        return asks.pending();
    }

    /** Takes a cell out of the registry and its group; refs holding it look again. Idempotent. */
    void retire(final ActorCell cell) {
        cells.remove(cell.name(), cell);
        groups.leave(cell);
        cell.retire();
    }

    /**
     * Sends from a ref. Any thread.
     *
     * @param ref the ref sent through
     * @param body the body
     * @param sender the sender, or null
     */
    void send(final AddressRef ref, final Object body, final ActorRef sender) {
        Objects.requireNonNull(body, "a message body must not be null");
        final Address to = ref.address();
        if (to.isGroup()) {
            final ActorCell member = groups.pick(to.name());
            if (member == null) {
                deadLetter(to.toString(), body, sender, DeadLetter.Reason.UNKNOWN_GROUP,
                    "no actor of group " + to.name() + " on " + nodeId);
            } else {
                enqueue(member, to, body, sender);
            }
            return;
        }
        if (!to.isLocalTo(nodeId)) {
            remote.send(to, body, sender);
            return;
        }
        ActorCell cell = ref.cell;
        if (cell == null || cell.isRetired()) {
            final ActorCell found = cells.get(to.name());
            if (found == null) {
                if (cell == null) {
                    deadLetter(to.toString(), body, sender, DeadLetter.Reason.UNKNOWN_ACTOR,
                        "no actor named " + to.name() + " on " + nodeId);
                } else {
                    deadLetter(to.toString(), body, sender, DeadLetter.Reason.ACTOR_STOPPED, cell.stoppedDetail());
                }
                return;
            }
            ref.cell = found;
            cell = found;
        }
        enqueue(cell, to, body, sender);
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
        return asks.ask(target, shown(target.address()), body, timeoutNs);
    }

    /** Gives up a message: see {@link DeadLetters#record}. Any thread. */
    void deadLetter(final String to, final Object body, final ActorRef sender, final DeadLetter.Reason reason,
                    final String detail) {
        deadLetters.record(to, body, sender, reason, detail);
    }

    private void enqueue(final ActorCell cell, final Address to, final Object body, final ActorRef sender) {
        final DeadLetter.Reason refused = cell.enqueue(new Envelope(body, sender, to));
        if (refused == DeadLetter.Reason.MAILBOX_FULL) {
            deadLetter(to.toString(), body, sender, refused,
                "mailbox of " + cell.address() + " is full (" + cell.mailboxBound() + " messages)");
        } else if (refused != null) {
            deadLetter(to.toString(), body, sender, refused, cell.stoppedDetail());
        }
    }

    /** @return the address as a timeout message names it: a local actor by its full address */
    private String shown(final Address address) {
        return address.isLocalTo(nodeId) ? nodeId + ":" + address.name() : address.toString();
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
}
