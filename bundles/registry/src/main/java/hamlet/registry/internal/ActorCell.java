package hamlet.registry.internal;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorSpec;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
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
 */
final class ActorCell extends ForkJoinTask<Void> {
    private static final VarHandle PROCESSED;
    private static final VarHandle RESTARTS;
    private static final Logger LOG = LoggerFactory.getLogger(ActorCell.class);

    // Set at spawn, never changed.
    private final LocalActorSystem system;
    private final ActorSpec spec;
    private final Address address;
    private final Mailbox<Envelope> mailbox;
    private final AddressRef self;
    private final CellContext context;
    /** True from the moment a turn is queued until a turn ends with nothing left to do. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    // Written by one thread, read by any.
    /** Out of the registry: refs holding this cell look the name up again. */
    private volatile boolean retired;
    private volatile boolean stopRequested;
    private volatile ActorInfo.State state = ActorInfo.State.RUNNING;
    private volatile String stoppedBecause;
    /** Counters written by the turn with release stores (no fence per message), read by operators. */
    private volatile long processed;
    private volatile int restarts;

    // Owned by the thread running the turn.
    private Actor actor;
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

    ActorCell(final LocalActorSystem system, final ActorSpec spec, final Actor actor, final int mailboxCapacity) {
        this.system = system;
        this.spec = spec;
        this.address = Address.of(system.nodeId(), spec.name());
        this.mailbox = new Mailbox<>(mailboxCapacity);
        this.actor = actor;
        this.self = new AddressRef(system, address, this);
        this.context = new CellContext(system, this);
    }

    /**
     * Puts a message in the mailbox and wakes the actor. Any thread.
     *
     * @param envelope the message
     * @return null when queued; else why not (the caller makes the dead letter)
     */
    DeadLetter.Reason enqueue(final Envelope envelope) {
        if (state == ActorInfo.State.STOPPED) {
            return DeadLetter.Reason.ACTOR_STOPPED;
        }
        if (!mailbox.offer(envelope)) {
            return DeadLetter.Reason.MAILBOX_FULL;
        }
        // A stop may have drained the mailbox between the check and the offer: the turn this schedules sees the
        // STOPPED state and dead-letters what came late, so nothing is lost silently.
        schedule();
        return null;
    }

    /** Queues a turn unless one is queued or running. Any thread. */
    void schedule() {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            system.dispatcher().execute(this);
        }
    }

    /** Stops the actor on its next turn: onStop, then its waiting messages to dead letters. Any thread. */
    void requestStop() {
        stopRequested = true;
        schedule();
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
        return new ActorInfo(address, spec.behavior(), spec.group(), state, mailbox.size(), processed, restarts);
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
        try {
            turn();
        } catch (final Throwable unexpected) {
            // User code is caught closer to where it runs; this is the runtime's own bug. Never let it escape:
            // a task that throws is completed by the pool and could never run again.
            LOG.error("[{}] internal error in the turn of {}: {}", system.nodeId(), spec.name(), unexpected,
                unexpected);
        }
        afterTurn();
        return false;
    }

    private void afterTurn() {
        if (hasWork()) {
            system.dispatcher().reschedule(this);
            return;
        }
        scheduled.set(false);
        // A producer may have offered after our check but seen the flag still set: look once more.
        if (hasWork() && scheduled.compareAndSet(false, true)) {
            system.dispatcher().reschedule(this);
        }
    }

    private boolean hasWork() {
        return !mailbox.isEmpty() || (stopRequested && state != ActorInfo.State.STOPPED);
    }

    private void turn() {
        if (state == ActorInfo.State.STOPPED) {
            drainToDeadLetters();
            return;
        }
        final Thread thread = Thread.currentThread();
        final ClassLoader loader = thread.getContextClassLoader();
        try {
            if (!stopRequested && !started) {
                started = true;
                start();
            }
            final int limit = system.settings().throughput();
            for (int i = 0; i < limit && !stopRequested && state != ActorInfo.State.STOPPED; i++) {
                final Envelope envelope = mailbox.poll();
                if (envelope == null) {
                    break;
                }
                deliver(envelope);
                if (thread.getContextClassLoader() != loader) {
                    thread.setContextClassLoader(loader);
                }
            }
            if (stopRequested && state != ActorInfo.State.STOPPED) {
                stop("stopped on request");
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
        try {
            actor.onMessage(envelope, context);
        } catch (final Throwable t) {
            failure = t;
        }
        context.current = null;
        if (failure != null) {
            final Object sender = envelope.sender() == null ? "nobody" : envelope.sender().address();
            failed(failure, "on a message from " + sender);
        }
    }

    /** Supervision: restart from the behaviour while the window allows, then stop. The failing message is gone. */
    private void failed(final Throwable cause, final String where) {
        LOG.warn("[{}] actor {} failed {}: {}", system.nodeId(), spec.name(), where, oneLine(cause));
        LOG.debug("[{}] actor {} failure in full", system.nodeId(), spec.name(), cause);
        Throwable failure = cause;
        while (failure != null) {
            final RegistrySettings settings = system.settings();
            if (!restartWindow.tryRestart(system.nanoTime(), settings.maxRestarts(), settings.restartWindowNs())) {
                giveUp(failure, settings);
                return;
            }
            final ActorBehavior behavior = system.behavior(spec.behavior());
            if (behavior == null) {
                LOG.error("[{}] actor {} cannot restart: behaviour {} is not registered", system.nodeId(),
                    spec.name(), spec.behavior());
                stop("cannot restart: behaviour " + spec.behavior() + " is not registered");
                return;
            }
            RESTARTS.setRelease(this, (int) RESTARTS.getOpaque(this) + 1);
            failure = restart(behavior);
            if (failure == null) {
                LOG.info("[{}] restarted {} ({} of at most {} within {} ms)", system.nodeId(), spec.name(),
                    restartWindow.inWindow(), settings.maxRestarts(), millis(settings.restartWindowNs()));
            } else {
                LOG.warn("[{}] actor {} failed again while restarting: {}", system.nodeId(), spec.name(),
                    oneLine(failure));
            }
        }
    }

    /** @return null when the new instance is running; else what failed */
    private Throwable restart(final ActorBehavior behavior) {
        final Actor old = actor;
        actor = null;
        if (old != null) {
            try {
                old.onStop(context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop before its restart: {}", system.nodeId(), spec.name(),
                    oneLine(t));
            }
        }
        try {
            final Actor fresh = behavior.create(spec);
            if (fresh == null) {
                return new IllegalStateException("behaviour " + spec.behavior() + " made no actor (create returned"
                    + " null)");
            }
            actor = fresh;
            fresh.onStart(context);
            return null;
        } catch (final Throwable t) {
            return t;
        }
    }

    private void giveUp(final Throwable failure, final RegistrySettings settings) {
        LOG.error("[{}] actor {} failed after {} restarts within {} ms, the most allowed; stopping it. Last failure:"
            + " {}", system.nodeId(), spec.name(), restartWindow.inWindow(), millis(settings.restartWindowNs()),
            oneLine(failure));
        stop("failed after " + restartWindow.inWindow() + " restarts within " + millis(settings.restartWindowNs())
            + " ms");
    }

    /** Stops for good: out of the registry, onStop, and every waiting message to dead letters. */
    private void stop(final String because) {
        stoppedBecause = because;
        state = ActorInfo.State.STOPPED;
        system.retire(this);
        final Actor last = actor;
        actor = null;
        if (last != null && started) {
            try {
                last.onStop(context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {} failed in onStop: {}", system.nodeId(), spec.name(), oneLine(t));
            }
        }
        final int dropped = drainToDeadLetters();
        LOG.info("[{}] stopped {} ({}); {} waiting messages to dead letters", system.nodeId(), spec.name(), because,
            dropped);
    }

    private int drainToDeadLetters() {
        int drained = 0;
        Envelope envelope;
        while ((envelope = mailbox.poll()) != null) {
            system.deadLetter(envelope.to().toString(), envelope.body(), envelope.sender(),
                DeadLetter.Reason.ACTOR_STOPPED, stoppedDetail());
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
