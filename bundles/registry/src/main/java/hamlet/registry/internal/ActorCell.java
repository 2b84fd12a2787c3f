package hamlet.registry.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.Actor;
import hamlet.api.ActorInfo;
import hamlet.api.ActorSpec;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.trace.TraceHop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One actor at run time: its mailbox, its current instance, its supervision, and its turn on the dispatcher.
 *
 * <p>The cell is itself the dispatcher task, so waking an actor allocates nothing. {@link #exec()} returns false
 * and never throws, which leaves the task never completed: the same object is queued again for each turn (the
 * trick Akka's mailbox uses).
 *
 * <p>Threading. {@link #enqueue}, {@link #requestStop}, {@link #info} and the flags: any thread. Everything else,
 * and the actor instance, belongs to the thread running the turn; the {@code scheduled} flag makes sure there is
 * one at a time, and the flag's release and acquire (plus the pool's own queue) order one turn before the next.
 *
 * <p>Hot swap. When the versions of its behaviour change, the system asks the cell to look again
 * ({@link #requestSwapCheck}); its next turn, before any message, brings the instance in line with the best
 * registered version (see {@link #converge}): swapped to it with its snapshot restored, or suspended with the
 * snapshot held when no version is left. A swap does not hold the dispatcher thread. The turn first asks the
 * {@link SwapCoordinator} for a slot; without one the actor goes on handling messages on its old version until
 * {@link #slotGranted} wakes it. With one, the turn takes the snapshot, hands the new version's code to the
 * coordinator (a swap thread is free for it at once) and ends; the actor waits, taking messages into its mailbox and
 * handling none, until a later turn takes the new instance or rolls back. A suspended cell likewise
 * keeps taking messages into its bounded mailbox and handles none. The instance and its registration change only on
 * the turn, so each message sees one version, whole.
 */
final class ActorCell extends ForkJoinTask<Void> {
    private static final VarHandle PROCESSED;
    private static final VarHandle RESTARTS;
    private static final Logger LOG = LoggerFactory.getLogger(ActorCell.class);
    /** Messages handled in the turn that ends a swap, run ahead of the others' turns. */
    private static final int FIRST_TURN_MESSAGES = 4;

    // Set at spawn, never changed.
    /** The runtime, as much of it as a cell may reach. */
    private final CellHost host;
    /** What makes this cell an activation of a cluster actor; null for a node-bound actor (no cost then). */
    private final ClusterRole role;
    /** Changed only on the turn (a new config block); read by any thread. */
    private volatile ActorSpec spec;
    private final Address address;
    private final Mailbox<Envelope> mailbox;
    private final AddressRef self;
    /** True from the moment a turn is queued until a turn ends with nothing left to do. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** A turn run outside the pool's queue, ahead of it: see {@link Dispatcher#runFirst}. */
    private final Runnable firstTurn = this::runTurn;

    // Written by one thread, read by any.
    /** Out of the registry: refs holding this cell look the name up again. */
    private volatile boolean retired;
    private volatile boolean stopRequested;
    private volatile String stopReason = "stopped on request";
    private volatile ActorInfo.State state = ActorInfo.State.RUNNING;
    private volatile String stoppedBecause;
    /** Counters written by the turn with release stores (no fence per message), read by operators. */
    private volatile long processed;
    private volatile int restarts;
    /** Messages this actor sent, for its behaviour's metrics. */
    final SentCount sent = new SentCount();
    /** Set by the system when the versions of this actor's behaviour changed; cleared by the turn. */
    private volatile boolean swapCheck;
    /** A config block to hand to the instance on its next turn, or null. */
    private volatile JsonObject pendingConfig;
    /** The registration the instance comes from, for waiters and operators; null while suspended. */
    private volatile Registration runningView;
    /** True while a swap is in flight: the messages wait, so their arrival need not wake the actor. */
    private volatile boolean swapping;
    /** Set by the swap coordinator when this actor's wait for a swap slot is over; cleared by the turn. */
    private volatile boolean slotGranted;

    // Owned by the thread running the turn.
    private Actor actor;
    /** What {@link #actor} sees of the runtime; each swapped-in instance brings its own. */
    private CellContext context;
    /** The swap in flight, or null. */
    private SwapAttempt swap;
    /** The registration {@link #actor} comes from; null while suspended. */
    private Registration running;
    /** The state kept while suspended: plain JSON from the gson bundle, never an object of a behaviour's class. */
    private JsonElement held;
    private boolean started;
    private final RestartWindow restartWindow = new RestartWindow();

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            PROCESSED = lookup.findVarHandle(ActorCell.class, "processed", long.class);
            RESTARTS = lookup.findVarHandle(ActorCell.class, "restarts", int.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    ActorCell(final CellHost host, final ActorSpec spec, final Actor actor, final Registration registration,
              final int mailboxCapacity) {
        this(host, spec, actor, registration, mailboxCapacity, null);
    }

    /**
     * @param role what makes it an activation of a cluster actor, or null for a node-bound actor
     */
    ActorCell(final CellHost host, final ActorSpec spec, final Actor actor, final Registration registration,
              final int mailboxCapacity, final ClusterRole role) {
        this.host = host;
        this.role = role;
        this.spec = spec;
        this.running = registration;
        this.runningView = registration;
        this.address = Address.of(host.nodeId(), spec.name());
        this.mailbox = new Mailbox<>(mailboxCapacity);
        this.actor = actor;
        this.self = host.selfRef(address, this);
        this.context = new CellContext(host, this);
    }

    /**
     * Puts a message in the mailbox and wakes the actor. Any thread.
     *
     * @param envelope the message
     * @return null when queued; else why not (the caller makes the dead letter)
     */
    DeadLetter.Reason enqueue(final Envelope envelope) {
        if (role != null && role.diverted()) {
            // The cluster actor left this node: the message is routed again (held, or sent where it went).
            role.reroute(envelope);
            return null;
        }
        if (state == ActorInfo.State.STOPPED) {
            return DeadLetter.Reason.ACTOR_STOPPED;
        }
        ActorMeters.stamp(envelope);
        if (!mailbox.offer(envelope)) {
            return DeadLetter.Reason.MAILBOX_FULL;
        }
        // A stop may have drained the mailbox between the check and the offer: the turn this schedules sees the
        // STOPPED state and dead-letters what came late, so nothing is lost silently. While a swap is in flight the
        // message waits and waking the actor would only queue empty turns: the turn that ends the swap clears the
        // flag before it polls, so a message offered before this read of the flag is seen by that turn.
        if (!swapping) {
            schedule();
        }
        return null;
    }

    /** Queues a turn unless one is queued or running. Any thread. */
    void schedule() {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            host.dispatcher().execute(this);
        }
    }

    /** Stops the actor on its next turn: onStop, then its waiting messages to dead letters. Any thread. */
    void requestStop() {
        requestStop(null);
    }

    /**
     * As {@link #requestStop()}, saying why.
     *
     * @param because why, or null for "stopped on request"
     */
    void requestStop(final String because) {
        if (because != null) {
            stopReason = because;
        }
        stopRequested = true;
        schedule();
    }

    /**
     * A swap of this actor is over: its turn runs ahead of the queued ones, since the actor has waited already.
     * From a swap thread.
     */
    void swapOver() {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            host.dispatcher().runFirst(firstTurn);
        }
        // Else a turn is queued or running: it, or its afterTurn, sees the swap over.
    }

    /**
     * The actor's turn to swap has come (a slot is free for it, or its target version broke): its next turn runs
     * ahead of the queued ones, handles a few messages and takes its snapshot. From a swap thread or the swap
     * coordinator's caller.
     */
    void slotGranted() {
        slotGranted = true;
        swapCheck = true;
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            host.dispatcher().runFirst(firstTurn);
        }
        // Else a turn is queued or running: its end sees the grant and queues the next one first.
    }

    /** The versions of this actor's behaviour changed: bring the instance in line on the next turn. Any thread. */
    void requestSwapCheck() {
        swapCheck = true;
        // A turn queued now would wait behind every busy actor and hold the scheduled flag, so the swap's end could
        // not run first; the turn that ends the swap looks at the flag (it clears swapping before it reads it).
        if (!swapping) {
            schedule();
        }
    }

    /**
     * Hands a new config block to the instance on its next turn ({@link Actor#onConfig}). Any thread.
     *
     * @param config the new block
     */
    void requestConfig(final JsonObject config) {
        pendingConfig = config;
        schedule();
    }

    /**
     * @param registration a registration
     * @return whether the instance comes from it now
     */
    boolean runs(final Registration registration) {
        return runningView == registration;
    }

    /** Marks the cell as out of the registry. Called by the system, which removed it. */
    void retire() {
        retired = true;
    }

    boolean isRetired() {
        return retired;
    }

    /** @return a snapshot for operators. Any thread. */
    ActorInfo info() {
        final Registration shown = runningView;
        return new ActorInfo(address, spec.behavior(), spec.group(), state, mailbox.size(), processed, restarts,
            shown == null ? null : shown.version());
    }

    /** @return messages handled so far */
    long processed() {
        return processed;
    }

    String name() {
        return spec.name();
    }

    ActorSpec spec() {
        return spec;
    }

    Address address() {
        return address;
    }

    AddressRef self() {
        return self;
    }

    int mailboxSize() {
        return mailbox.size();
    }

    int mailboxBound() {
        return mailbox.bound();
    }

    /** @return why the actor is stopped, for dead letters of late messages */
    String stoppedDetail() {
        final String because = stoppedBecause;
        return "actor " + address + " is stopped" + (because == null ? "" : " (" + because + ")");
    }

    // ---- the turn: dispatcher thread only ----

    @Override
    protected boolean exec() {
        runTurn();
        try {
            host.dispatcher().runFirstTurns();
        } catch (final RuntimeException e) {
            // Other actors' turns: what they throw must not complete this cell's task (it would never run again).
            LOG.error("[{}] internal error running the first turns after {}: {}", host.nodeId(), spec.name(), e, e);
        }
        return false;
    }

    /** One turn and what follows it; the caller holds the scheduled flag. */
    private void runTurn() {
        final long started = System.nanoTime();
        // The hops recorded in this turn take its start as their time: no clock read per message.
        final long[] trace = TraceContext.here();
        trace[TraceContext.CLOCK] = started;
        try {
            turn();
        } catch (final Throwable unexpected) {
            // User code is caught closer to where it runs; this is the runtime's own bug. Never let it escape:
            // a task that throws is completed by the pool and could never run again.
            LOG.error("[{}] internal error in the turn of {}: {}", host.nodeId(), spec.name(), unexpected,
                unexpected);
        }
        trace[TraceContext.CLOCK] = 0;
        host.dispatcher().addBusy(System.nanoTime() - started);
        afterTurn();
    }

    private void afterTurn() {
        if (hasWorkOrFailed()) {
            again();
            return;
        }
        scheduled.set(false);
        // A producer may have offered after our check but seen the flag still set: look once more. The next turn may
        // be running already on another thread: this check reads nothing that turn owns.
        if (hasWorkOrFailed() && scheduled.compareAndSet(false, true)) {
            again();
        }
    }

    /**
     * {@link #hasWork}, never throwing: an exception out of {@link #exec} would complete this cell's task for good,
     * and the actor would never run again, silently. A check that fails is logged and answered "yes": an extra turn
     * with nothing to do only ends.
     */
    private boolean hasWorkOrFailed() {
        try {
            return hasWork();
        } catch (final RuntimeException e) {
            LOG.error("[{}] internal error checking whether {} has work: {}", host.nodeId(), spec.name(), e, e);
            return true;
        }
    }

    /** Queues the next turn: first when it ends a swap (the actor waited already), else behind the others. */
    private void again() {
        final SwapAttempt inFlight = swap;
        if (inFlight != null && inFlight.isDone() || inFlight == null && slotGranted) {
            host.dispatcher().runFirst(firstTurn);
        } else {
            host.dispatcher().reschedule(this);
        }
    }

    private boolean hasWork() {
        if (role != null) {
            if (role.diverted()) {
                return !mailbox.isEmpty();
            }
            if (role.hasWork()) {
                return true;
            }
            if (role.blocksMessages()) {
                return swapCheck || pendingConfig != null || (stopRequested && state != ActorInfo.State.STOPPED);
            }
        }
        final SwapAttempt inFlight = swap;
        if (inFlight != null) {
            // Messages and config wait for the swap's end; a stop does not.
            return inFlight.isDone() || stopRequested;
        }
        if (state == ActorInfo.State.SUSPENDED) {
            // Messages wait; only a stop, a swap or a config wakes a suspended actor.
            return swapCheck || pendingConfig != null || stopRequested;
        }
        return !mailbox.isEmpty() || swapCheck || pendingConfig != null
            || (stopRequested && state != ActorInfo.State.STOPPED);
    }

    private void turn() {
        if (role != null && role.diverted()) {
            role.divertLate(this);
            return;
        }
        if (state == ActorInfo.State.STOPPED) {
            drainToDeadLetters();
            return;
        }
        final Thread thread = Thread.currentThread();
        final ClassLoader loader = thread.getContextClassLoader();
        try {
            if (!started && running != null && !host.isRegistered(running)) {
                // Spawned from a version that went away before the system could tell this cell.
                swapCheck = true;
            }
            // The turn that ends a swap runs ahead of the queued ones (see swapOver): a short one, so that the
            // actor answers at once without its whole batch jumping ahead of the other actors.
            int limit = host.settings().throughput();
            if (swap != null && swap.isDone() && !stopRequested) {
                endSwap();
                limit = Math.min(limit, FIRST_TURN_MESSAGES);
            } else if (slotGranted) {
                // Run first, ahead of the others: a short turn, then the snapshot at its end.
                slotGranted = false;
                limit = Math.min(limit, FIRST_TURN_MESSAGES);
            }
            // An actor with messages to handle swaps after them, at this turn's end: its pause then holds no
            // wait for a turn between the old version's last message and the swap.
            if (swapCheck && !stopRequested && swap == null
                && (mailbox.isEmpty() || !started || actor == null || state != ActorInfo.State.RUNNING)) {
                swapCheck = false;
                converge();
            }
            if (swap != null && !stopRequested) {
                // The new version's code runs on a swap thread: this thread goes back to the pool meanwhile.
                return;
            }
            if (pendingConfig != null && !stopRequested) {
                applyConfig();
            }
            if (state == ActorInfo.State.SUSPENDED && !stopRequested) {
                return;
            }
            if (role != null && !stopRequested && !role.beforeMessages(this)) {
                return;
            }
            if (!stopRequested && !started) {
                started = true;
                start();
            }
            for (int i = 0; i < limit && !stopRequested && state != ActorInfo.State.STOPPED; i++) {
                final Envelope envelope = role == null ? mailbox.poll() : role.next(this);
                if (envelope == null) {
                    break;
                }
                if (role != null) {
                    final ClusterRole.Admission admission = role.admit(envelope);
                    if (admission == ClusterRole.Admission.PAUSE) {
                        break;
                    }
                    if (admission == ClusterRole.Admission.SKIP) {
                        continue;
                    }
                }
                deliver(envelope);
                if (role != null && !role.afterMessage(this)) {
                    break;
                }
                if (thread.getContextClassLoader() != loader) {
                    thread.setContextClassLoader(loader);
                }
            }
            if (swapCheck && !stopRequested && swap == null && state == ActorInfo.State.RUNNING) {
                swapCheck = false;
                converge();
            }
            if (stopRequested && state != ActorInfo.State.STOPPED) {
                stop(stopReason);
            }
        } finally {
            thread.setContextClassLoader(loader);
        }
    }

    private void start() {
        Throwable failure = null;
        try {
            actor.onStart(context);
        } catch (final Throwable t) {
            failure = t;
        }
        if (failure != null) {
            failed(failure, "in onStart");
        }
    }

    private void deliver(final Envelope envelope) {
        Throwable failure = null;
        // Counted before the call: whoever saw this message's reply sees it counted.
        PROCESSED.setRelease(this, (long) PROCESSED.getOpaque(this) + 1);
        context.current = envelope;
        // What the actor sends while it handles this message inherits its trace id (see TraceContext).
        final long[] trace = TraceContext.here();
        final long outer = trace[TraceContext.ID];
        final long traceId = envelope.traceId();
        trace[TraceContext.ID] = traceId;
        host.tracer().record(trace, traceId, TraceRecorder.DELIVERED,
            envelope.sender() == null ? null : envelope.sender().address(), address, null);
        final long sampledAtNs = envelope.sampledAtNs;
        final long handlingNs = sampledAtNs != 0 ? System.nanoTime() : 0;
        try {
            actor.onMessage(envelope, context);
        } catch (final Throwable t) {
            failure = t;
        }
        if (sampledAtNs != 0) {
            host.dispatcher().meters().handled(spec.behavior(), sampledAtNs, handlingNs, System.nanoTime());
        }
        context.current = null;
        trace[TraceContext.ID] = outer;
        if (failure != null) {
            final Object sender = envelope.sender() == null ? "nobody" : envelope.sender().address();
            failed(failure, "on a message from " + sender + " (trace=" + TraceHop.hex(traceId) + ")");
        }
    }

    /** Supervision: restart from the behaviour while the window allows, then stop. The failing message is gone. */
    private void failed(final Throwable cause, final String where) {
        LOG.warn("[{}] actor {} failed {}: {}", host.nodeId(), spec.name(), where, oneLine(cause));
        LOG.debug("[{}] actor {} failure in full", host.nodeId(), spec.name(), cause);
        Throwable failure = cause;
        while (failure != null) {
            final RegistrySettings settings = host.settings();
            if (!restartWindow.tryRestart(host.nanoTime(), settings.maxRestarts(), settings.restartWindowNs())) {
                giveUp(failure, settings);
                return;
            }
            final Registration registration = host.registration(spec.behavior());
            if (registration == null) {
                LOG.error("[{}] actor {} cannot restart: behaviour {} is not registered", host.nodeId(),
                    spec.name(), spec.behavior());
                stop("cannot restart: behaviour " + spec.behavior() + " is not registered");
                return;
            }
            RESTARTS.setRelease(this, (int) RESTARTS.getOpaque(this) + 1);
            failure = restart(registration);
            if (failure == null) {
                LOG.info("[{}] restarted {} ({} of at most {} within {} ms)", host.nodeId(), spec.name(),
                    restartWindow.inWindow(), settings.maxRestarts(), millis(settings.restartWindowNs()));
            } else {
                LOG.warn("[{}] actor {} failed again while restarting: {}", host.nodeId(), spec.name(),
                    oneLine(failure));
            }
        }
    }

    /** @return null when the new instance is running; else what failed */
    private Throwable restart(final Registration registration) {
        final Actor old = actor;
        actor = null;
        running = null;
        runningView = null;
        if (old != null) {
            try {
                old.onStop(context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop before its restart: {}", host.nodeId(), spec.name(),
                    oneLine(t));
            }
        }
        try {
            final Actor fresh = registration.behavior().create(spec);
            if (fresh == null) {
                return new IllegalStateException("behaviour " + spec.behavior() + " made no actor (create returned"
                    + " null)");
            }
            actor = fresh;
            running = registration;
            runningView = registration;
            fresh.onStart(context);
            return null;
        } catch (final Throwable t) {
            return t;
        }
    }

    private void giveUp(final Throwable failure, final RegistrySettings settings) {
        LOG.error("[{}] actor {} failed after {} restarts within {} ms, the most allowed; stopping it. Last failure:"
            + " {}", host.nodeId(), spec.name(), restartWindow.inWindow(), millis(settings.restartWindowNs()),
            oneLine(failure));
        stop("failed after " + restartWindow.inWindow() + " restarts within " + millis(settings.restartWindowNs())
            + " ms");
    }

    /** Stops for good: out of the registry, onStop, and every waiting message to dead letters. */
    private void stop(final String because) {
        stoppedBecause = because;
        state = ActorInfo.State.STOPPED;
        host.retire(this);
        host.swaps().release(this);
        if (swap != null) {
            dropSwap("stopped during its swap (" + because + ")");
        }
        final Actor last = actor;
        actor = null;
        running = null;
        runningView = null;
        held = null;
        if (last != null && started) {
            try {
                last.onStop(context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop: {}", host.nodeId(), spec.name(), oneLine(t));
            }
        }
        final int dropped = drainToDeadLetters();
        LOG.info("[{}] stopped {} ({}); {} waiting messages to dead letters", host.nodeId(), spec.name(), because,
            dropped);
    }

    // ---- cluster actors: on the turn, for ClusterRole ----

    /** @return the cluster role, or null for a node-bound actor */
    ClusterRole role() {
        return role;
    }

    /** @return the next message of the mailbox, or null. Turn thread. */
    Envelope pollMailbox() {
        return mailbox.poll();
    }

    /**
     * @return the instance's state as plain gson values, or null (no instance, or no state)
     * @throws Throwable whatever the actor's snapshot threw
     */
    JsonElement clusterSnapshot() throws Throwable {
        final Actor current = actor;
        return current == null ? held : copyOf(current.snapshot());
    }

    /** @return null when the instance took the state, else what it threw. Turn thread, before onStart. */
    Throwable clusterRestore(final JsonElement state) {
        if (actor == null) {
            held = state;
            return null;
        }
        try {
            actor.restore(state);
            return null;
        } catch (final Throwable t) {
            return t;
        }
    }

    /** @return null when a fresh instance replaced the one a failed restore may have left half-changed */
    Throwable clusterRecreate() {
        final Registration registration = running != null ? running : host.registration(spec.behavior());
        if (registration == null) {
            return new IllegalStateException("behaviour " + spec.behavior() + " is not registered");
        }
        try {
            final Actor fresh = registration.behavior().create(spec);
            if (fresh == null) {
                return new IllegalStateException("behaviour " + spec.behavior() + " made no actor");
            }
            actor = fresh;
            running = registration;
            runningView = registration;
            return null;
        } catch (final Throwable t) {
            return t;
        }
    }

    /**
     * The activation ends here: the actor moved to another node. The instance is dropped (its onStop runs when
     * {@code stopInstance}); no message is dead-lettered (the role took them all). Turn thread.
     *
     * @param because for operators
     * @param stopInstance whether to call onStop (a clean handover), or not (fenced and taken over elsewhere: the
     *     instance must not act as the actor any more)
     */
    void clusterEnd(final String because, final boolean stopInstance) {
        stoppedBecause = because;
        state = ActorInfo.State.STOPPED;
        host.retire(this);
        host.swaps().release(this);
        if (swap != null) {
            dropSwap("moved during its swap (" + because + ")");
        }
        final Actor last = actor;
        actor = null;
        running = null;
        runningView = null;
        held = null;
        if (last != null && started && stopInstance) {
            try {
                last.onStop(context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop: {}", host.nodeId(), spec.name(), oneLine(t));
            }
        }
    }

    // ---- hot swap and config: on the turn ----

    /**
     * Brings the instance in line with the best registered version of the behaviour. Each outcome is counted in
     * the behaviour's swap tally.
     *
     * <ul>
     * <li>No version left: the old instance's snapshot is taken and held, the instance dropped (onStop), and the
     * actor suspended.</li>
     * <li>Another version is best: the state (the running instance's snapshot, or the one held) is taken here and
     * handed to the {@link SwapCoordinator}, which makes a new instance (create, restore, onStart, bounded by
     * {@code hamlet.registry.swap.timeout}) on a swap thread; the actor handles no message until {@link #endSwap}
     * takes the outcome on a later turn. A version already found broken is not tried.</li>
     * </ul>
     */
    private void converge() {
        final Registration target = host.registration(spec.behavior());
        final Registration from = running;
        final boolean fromAlive = from != null && host.isRegistered(from);
        if (target == from && (from == null || fromAlive)) {
            host.swaps().release(this);
            return;
        }
        final String name = spec.behavior();
        if (target == null) {
            host.swaps().release(this);
            suspend(takeSnapshot());
            host.swapOutcome(name, spec.name(), null);
            return;
        }
        if (!host.swaps().reserve(this, target)) {
            // No slot yet: the old version goes on handling messages until slotGranted wakes this actor.
            return;
        }
        final JsonElement kept;
        if (actor != null) {
            try {
                kept = copyOf(actor.snapshot());
            } catch (final Throwable t) {
                host.swaps().release(this);
                refuse(from, fromAlive, null, "snapshot of version " + from.version() + " failed: " + oneLine(t),
                    false);
                return;
            }
        } else {
            kept = held;
        }
        final SwapAttempt attempt = new SwapAttempt(this, target, from, kept, spec, new CellContext(host, this),
            host.settings().swapTimeoutNs());
        swap = attempt;
        swapping = true;
        host.swaps().submit(attempt);
        if (attempt.isDone()) {
            endSwap();
        }
    }

    /** Takes the outcome of the swap in flight: the new instance in, the old one stopped; or a rollback. */
    private void endSwap() {
        final SwapAttempt attempt = swap;
        swap = null;
        swapping = false;
        final Registration from = attempt.from;
        if (attempt.failure() != null) {
            host.dispatcher().meters().swapped(-1);
            refuse(from, from != null && host.isRegistered(from), attempt.kept, attempt.failure(),
                attempt.byBreaker());
            return;
        }
        final Actor old = actor;
        final CellContext oldContext = context;
        final boolean oldStarted = started;
        actor = attempt.made();
        context = attempt.context;
        running = attempt.target;
        runningView = attempt.target;
        held = null;
        started = true;
        state(ActorInfo.State.RUNNING);
        if (!host.isRegistered(attempt.target)) {
            // It went while the swap was in flight; the system asked only the actors running it to move on.
            swapCheck = true;
        }
        if (old != null && oldStarted) {
            try {
                old.onStop(oldContext);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop of version {} after its swap: {}", host.nodeId(),
                    spec.name(), from.version(), oneLine(t));
            }
        }
        LOG.debug("[{}] actor {} now runs {} {}", host.nodeId(), spec.name(), spec.behavior(),
            attempt.target.version());
        host.dispatcher().meters().swapped(System.nanoTime() - attempt.createdNs);
        host.swapOutcome(spec.behavior(), spec.name(), null);
    }

    /** The actor stops with a swap in flight: give it up, and stop its new instance if it was already made. */
    private void dropSwap(final String why) {
        final SwapAttempt attempt = swap;
        swap = null;
        swapping = false;
        if (host.swaps().abandon(attempt, why) && attempt.made() != null) {
            try {
                attempt.made().onStop(attempt.context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop of version {}, made by a swap it stopped during: {}",
                    host.nodeId(), spec.name(), attempt.target.version(), oneLine(t));
            }
        }
        host.swapOutcome(spec.behavior(), spec.name(), why);
    }

    /**
     * The swap failed: keep the old instance if its version is still there, else wait suspended. One line per
     * actor, but at debug for a rollback by a broken version's breaker: that break is logged once for all.
     */
    private void refuse(final Registration from, final boolean fromAlive, final JsonElement state,
                        final String why, final boolean byBreaker) {
        if (actor != null && !fromAlive) {
            suspend(state);
        }
        final String outcome = actor != null ? "it keeps version " + from.version() : "it waits suspended";
        if (byBreaker) {
            LOG.debug("[{}] actor {} swap rolled back, {}: {}", host.nodeId(), spec.name(), outcome, why);
        } else {
            LOG.warn("[{}] actor {} swap refused, {}: {}", host.nodeId(), spec.name(), outcome, why);
        }
        host.swapOutcome(spec.behavior(), spec.name(), why);
    }

    /** @return the running instance's state, or what is held; null when there is none */
    private JsonElement takeSnapshot() {
        if (actor == null) {
            return held;
        }
        try {
            return copyOf(actor.snapshot());
        } catch (final Throwable t) {
            LOG.warn("[{}] actor {} failed in snapshot; it waits without state: {}", host.nodeId(), spec.name(),
                oneLine(t));
            return null;
        }
    }

    /** Drops the instance and waits for a version, holding {@code state}. */
    private void suspend(final JsonElement state) {
        final Actor old = actor;
        actor = null;
        running = null;
        runningView = null;
        held = state;
        state(ActorInfo.State.SUSPENDED);
        if (old != null && started) {
            try {
                old.onStop(context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop before being suspended: {}", host.nodeId(), spec.name(),
                    oneLine(t));
            }
        }
        LOG.info("[{}] actor {} suspended: no version of behaviour {} is registered; {} messages wait",
            host.nodeId(), spec.name(), spec.behavior(), mailbox.size());
    }

    private void state(final ActorInfo.State next) {
        if (state != ActorInfo.State.STOPPED) {
            state = next;
        }
    }

    /** Takes the pending config block: a new spec, and the instance's onConfig. */
    private void applyConfig() {
        final JsonObject config = pendingConfig;
        pendingConfig = null;
        if (config == null || config.equals(spec.config())) {
            return;
        }
        spec = new ActorSpec(spec.name(), spec.behavior(), spec.group(), config);
        if (actor == null) {
            return;
        }
        Throwable failure = null;
        try {
            actor.onConfig(config, context);
        } catch (final Throwable t) {
            failure = t;
        }
        if (failure != null) {
            failed(failure, "in onConfig");
        }
    }

    /**
     * A snapshot copied into plain gson values: an actor may return its own subclass of nothing but gson's, yet a
     * copy makes sure the held state keeps no reference into the old version (and cannot change under us).
     */
    private static JsonElement copyOf(final JsonElement snapshot) {
        return snapshot == null ? null : JsonParser.parseString(snapshot.toString());
    }

    private int drainToDeadLetters() {
        int drained = 0;
        Envelope envelope;
        final long[] trace = TraceContext.here();
        while ((envelope = mailbox.poll()) != null) {
            // The dead letter shows the message's own trace id.
            final long outer = TraceContext.enter(trace, envelope.traceId());
            try {
                host.deadLetter(envelope.to().toString(), envelope.body(), envelope.sender(),
                    DeadLetter.Reason.ACTOR_STOPPED, stoppedDetail());
            } finally {
                TraceContext.exit(trace, outer);
            }
            drained++;
        }
        return drained;
    }

    private static long millis(final long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** @return the exception and where it was thrown, on one line */
    static String oneLine(final Throwable t) {
        final StackTraceElement[] trace = t.getStackTrace();
        return trace.length == 0 ? t.toString() : t + " at " + trace[0];
    }

    // ---- ForkJoinTask: the cell is never completed and has no result ----

    @Override
    public Void getRawResult() {
        return null;
    }

    @Override
    protected void setRawResult(final Void value) {
        // No result.
    }
}
