package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.AskTimeoutException;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;

import java.time.Duration;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The asks of a node that wait for their reply, and the one timer thread that times them out.
 *
 * <p>Each ask is a temporary ref ({@link AskRef}) given as the sender: its {@code tell} completes the stage. The
 * timeout is one task on the shared timer, cancelled (and removed from the timer's queue) when the reply comes; an
 * expiry completes the stage on the dispatcher, not on the timer thread, so that what callers chain on it cannot
 * hold up the other timeouts.
 *
 * <p>Threading: any thread.
 */
final class Asks {
    /**
     * Temporary refs are named temp-ask-N: they are not actors and are not in the registry of actors, but an envelope
     * from another node addressed to one finds it through {@link #find}.
     */
    static final String TEMP_PREFIX = "temp-ask-";

    private final LocalActorSystem system;
    private final ScheduledThreadPoolExecutor timer;
    /** The asks waiting, by their temporary name. */
    private final Map<String, AskRef> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    Asks(final LocalActorSystem system) {
        this.system = system;
        final ClassLoader loader = Asks.class.getClassLoader();
        this.timer = new ScheduledThreadPoolExecutor(1, job -> {
            // Started by the first ask, possibly from a behaviour's turn: keep nothing of that stack.
            final Thread thread = CleanThreads.create(() -> new Thread(job,
                "hamlet-" + system.nodeId() + "-ask-timer"));
            thread.setDaemon(true);
            thread.setContextClassLoader(loader);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Sends {@code body} to {@code target} with a temporary ref as sender, and waits for one reply.
     *
     * @param target where to send
     * @param shown the target as the timeout message names it
     * @param body the body
     * @param timeoutNs how long to wait, > 0
     * @return completes with the reply's body, or with AskTimeoutException or DeadLetterException
     */
    CompletionStage<Object> ask(final ActorRef target, final String shown, final Object body, final long timeoutNs) {
        final AskRef ask = new AskRef(this, Address.of(system.nodeId(), TEMP_PREFIX + ids.incrementAndGet()), shown,
            timeoutNs);
        pending.put(ask.address().name(), ask);
        try {
            ask.timeout = timer.schedule(ask, timeoutNs, TimeUnit.NANOSECONDS);
        } catch (final RejectedExecutionException e) {
            fail(ask);
            return ask.future;
        }
        if (closed) {
            fail(ask);
            return ask.future;
        }
        try {
            target.tell(body, ask);
        } catch (final RuntimeException e) {
            done(ask);
            throw e;
        }
        return ask.future;
    }

    /** @return how many asks wait for their reply */
    int pending() {
        return pending.size();
    }

    /**
     * @param name a temporary ref's name, temp-ask-N
     * @return the ask still waiting under that name, or {@code null} when it ended (or never was)
     */
    AskRef find(final String name) {
        return pending.get(name);
    }

    LocalActorSystem system() {
        return system;
    }

    /** The ask is about to end (answer, timeout or node stop): forget it and cancel its timeout. Idempotent. */
    void done(final AskRef ask) {
        pending.remove(ask.address().name(), ask);
        final ScheduledFuture<?> timeout = ask.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    /** A reply came after the ask ended (a second reply, or one after the timeout). */
    void late(final AskRef ask, final Object body, final ActorRef sender) {
        system.deadLetter(ask.address().toString(), body, sender, DeadLetter.Reason.UNKNOWN_ACTOR,
            "the ask of " + ask.target() + " that waited for this reply had already ended");
    }

    /** Timer thread: the timeout passed. Completes on the dispatcher. */
    void expire(final AskRef ask) {
        system.dispatcher().run(() -> {
            done(ask);
            ask.future.completeExceptionally(new AskTimeoutException("no reply from " + ask.target() + " within "
                + shownDuration(ask.timeoutNs())));
        });
    }

    /** Fails every ask still waiting, and ends the timer thread. */
    void close() {
        closed = true;
        timer.shutdownNow();
        for (final AskRef ask : pending.values()) {
            fail(ask);
        }
    }

    private void fail(final AskRef ask) {
        done(ask);
        ask.future.completeExceptionally(new AskTimeoutException("no reply from " + ask.target() + ": node "
            + system.nodeId() + " stopped before it came"));
    }

    static String shownDuration(final long nanos) {
        return nanos % 1_000_000L == 0 ? nanos / 1_000_000L + " ms" : nanos + " ns";
    }

    /** A temporary ref that is the sender of one ask: whatever is told to it completes the ask. */
    static final class AskRef implements ActorRef, Runnable {
        final CompletableFuture<Object> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;
        private final Asks asks;
        private final Address address;
        private final String target;
        private final long timeoutNs;

        AskRef(final Asks asks, final Address address, final String target, final long timeoutNs) {
            this.asks = asks;
            this.address = address;
            this.target = target;
            this.timeoutNs = timeoutNs;
        }

        @Override
        public Address address() {
            return address;
        }

        @Override
        public void tell(final Object body) {
            tell(body, null);
        }

        @Override
        public void tell(final Object body, final ActorRef sender) {
            Objects.requireNonNull(body, "a message body must not be null");
            if (!future.isDone()) {
                // Forgotten before it completes, so that whoever sees the stage complete sees it forgotten too.
                asks.done(this);
                final boolean completed = body instanceof DeadLetter
                    ? future.completeExceptionally(new DeadLetterException((DeadLetter) body))
                    : future.complete(body);
                if (completed) {
                    return;
                }
            }
            asks.late(this, body, sender);
        }

        @Override
        public CompletionStage<Object> ask(final Object body, final Duration timeout) {
            return asks.system().ask(this, body, timeout);
        }

        /** Timer thread: the timeout passed. */
        @Override
        public void run() {
            asks.expire(this);
        }

        String target() {
            return target;
        }

        long timeoutNs() {
            return timeoutNs;
        }

        @Override
        public String toString() {
            return "ActorRef(" + address + ", ask of " + target + ")";
        }
    }
}
