package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.AskTimeoutException;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;

import java.security.SecureRandom;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The asks of a node that wait for their reply, and the one timer thread that times them out.
 *
 * <p>Each ask is a temporary ref ({@link AskRef}) given as the sender: its {@code tell} completes the stage. The
 * timeout is one task on the shared timer, cancelled (and removed from the timer's queue) when the reply comes.
 *
 * <p>A reply or an expiry completes the stage on the dispatcher, never on the thread that brought it: that thread
 * may be the transport's (a Jetty thread holding its link's inbound lock, or its timer) or this timer, and what
 * callers chain on the stage is user code that may block or send back through the same link (review findings C1
 * and M2). Which of reply, expiry and stop ends an ask is decided at once on the calling thread, so a second reply
 * is a dead letter even while the first one's completion is still queued.
 *
 * <p>Threading: any thread.
 */
final class Asks {
    /**
     * Temporary refs are named {@code temp-ask-<start>-N}, with {@code <start>} random for each start of the
     * runtime: they are not actors and are not in the registry of actors, but an envelope from another node
     * addressed to one finds it through {@link #find}. Every start's names begin with this.
     */
    static final String TEMP_PREFIX = "temp-ask-";

    private final LocalActorSystem system;
    private final ScheduledThreadPoolExecutor timer;
    /**
     * {@link #TEMP_PREFIX}, this start's random id and a dash. N alone restarts at 1 with every start, so a late or
     * resent reply to an ask of the previous start would complete whichever new ask got the same N (finding H1).
     */
    private final String prefix;
    /** The asks waiting, by their temporary name. */
    private final Map<String, AskRef> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    /** @param system the runtime whose asks these are; names get a random start id from a {@link SecureRandom} */
    Asks(final LocalActorSystem system) {
        this(system, new SecureRandom()::nextLong);
    }

    /**
     * @param system the runtime whose asks these are
     * @param startIds gives the random id of this start, read once
     */
    Asks(final LocalActorSystem system, final LongSupplier startIds) {
        this.system = system;
        this.prefix = TEMP_PREFIX + String.format("%016x", startIds.getAsLong()) + "-";
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
        // The request, its reply and what the caller's continuation sends share one trace id: the handled
        // message's when an actor asks, else a new one.
        final long[] trace = TraceContext.here();
        final long outer = TraceContext.enter(trace, 0);
        try {
            return ask(target, shown, body, timeoutNs, trace[TraceContext.ID]);
        } finally {
            TraceContext.exit(trace, outer);
        }
    }

    private CompletionStage<Object> ask(final ActorRef target, final String shown, final Object body,
                                        final long timeoutNs, final long traceId) {
        final AskRef ask = new AskRef(this, Address.of(system.nodeId(), prefix + ids.incrementAndGet()), shown,
            timeoutNs, traceId);
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
            if (ask.end()) {
                done(ask);
            }
            throw e;
        }
        return ask.future;
    }

    /** @return how many asks wait for their reply */
    int pending() {
        return pending.size();
    }

    /**
     * @param name a temporary ref's name, temp-ask-start-N
     * @return the ask still waiting under that name, or {@code null} when it ended (or never was)
     */
    AskRef find(final String name) {
        return pending.get(name);
    }

    /**
     * @param name a temporary ref's name
     * @return whether this start of the runtime made it (else an earlier start did, or nobody)
     */
    boolean isOfThisStart(final String name) {
        return name.startsWith(prefix);
    }

    /** @return how this start's ask names begin: {@code temp-ask-<16 hex digits>-} */
    String prefix() {
        return prefix;
    }

    LocalActorSystem system() {
        return system;
    }

    /**
     * The ask ended (answer, timeout or node stop): forget it and cancel its timeout, before its stage completes so
     * that whoever sees the stage complete sees it forgotten too. Idempotent.
     */
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

    /** Any thread: the reply came and ended the ask. Completes on the dispatcher. */
    void answer(final AskRef ask, final Object body) {
        done(ask);
        if (body instanceof DeadLetter) {
            complete(ask, null, new DeadLetterException((DeadLetter) body));
        } else {
            complete(ask, body, null);
        }
    }

    /** Timer thread: the timeout passed. Completes on the dispatcher. */
    void expire(final AskRef ask) {
        if (!ask.end()) {
            return;
        }
        done(ask);
        complete(ask, null, new AskTimeoutException("no reply from " + ask.target() + " within "
            + shownDuration(ask.timeoutNs())));
    }

    /**
     * Completes on the dispatcher. When the dispatcher is closed it runs here (the runtime stopped: completing on the
     * caller is better than never), which is a thread of whoever closes the runtime or, in a race with that close, of
     * the transport.
     */
    private void complete(final AskRef ask, final Object reply, final Throwable failure) {
        system.dispatcher().run(() -> {
            final long[] trace = TraceContext.here();
            final long outer = TraceContext.enter(trace, ask.traceId);
            try {
                if (failure == null) {
                    ask.future.complete(reply);
                } else {
                    ask.future.completeExceptionally(failure);
                }
            } finally {
                TraceContext.exit(trace, outer);
            }
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

    /** On the thread that asks or closes: no transport's. */
    private void fail(final AskRef ask) {
        if (!ask.end()) {
            return;
        }
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
        /** Set once by whatever ends the ask (reply, timeout, stop); the stage completes later, on the dispatcher. */
        private final AtomicBoolean ended = new AtomicBoolean();
        private final Asks asks;
        private final Address address;
        private final String target;
        private final long timeoutNs;
        /** The trace id of the request, which its reply shares. */
        final long traceId;

        AskRef(final Asks asks, final Address address, final String target, final long timeoutNs,
               final long traceId) {
            this.asks = asks;
            this.address = address;
            this.target = target;
            this.timeoutNs = timeoutNs;
            this.traceId = traceId;
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
            SentCount.countFrom(sender);
            if (end()) {
                asks.system().tracer().record(TraceContext.here(), traceId, TraceRecorder.REPLIED,
                    sender == null ? null : sender.address(), address, null);
                asks.answer(this, body);
            } else {
                asks.late(this, body, sender);
            }
        }

        /** @return whether this call ended the ask (and must complete it); false when it had ended already */
        boolean end() {
            return ended.compareAndSet(false, true);
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
