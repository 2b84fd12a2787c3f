package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.trace.TraceHop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Where undeliverable messages end: counted, the most recent kept in a bounded ring, logged at a bounded rate, and
 * sent back to their sender as a {@link DeadLetter} body when they had one.
 *
 * <p>No loops: a {@link DeadLetter} body that cannot be delivered in turn makes no new dead letter (it is counted
 * in {@link #undeliveredNotices()} only), and a reply with no sender ({@link DeadLetter.Reason#NO_SENDER}) is not
 * sent back to the actor that replied.
 *
 * <p>The ring keeps each body in a plain form ({@link PlainBody}): bodies of a behaviour bundle's classes become
 * their JSON tree, so that dead letters never pin the class loader of a swapped-out bundle revision. The sender's
 * notice carries the body as sent.
 *
 * <p>Threading: {@link #record} is called from any thread (senders, dispatcher turns, the ask timer, and the
 * transport's delivery and timer threads); the ring and the log budget are guarded by one lock held for a few field
 * writes, never while logging or sending.
 *
 * <p>Notices: {@code record} never tells a sender that may reach the transport on the caller's thread. That caller
 * can be the transport delivering an envelope under its link's inbound lock, and a notice to a remote sender goes
 * back out through the same link's send path, which takes the link's other lock: the first transport deadlocked on
 * exactly that (review finding C1). So a notice to a remote sender, or to a ref of a make this runtime does not know,
 * is handed to the dispatcher ({@link #handOffNotices}). A notice to a local actor or a waiting ask stays on the
 * caller: it is one enqueue (an ask completes on the dispatcher by itself), costs no task, and takes no lock outside
 * the runtime.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger("hamlet.registry.deadletters");
    private static final long SECOND_NS = 1_000_000_000L;

    private final String nodeId;
    private final Clock clock;
    private final LongSupplier nanoClock;
    /** Says whether a sender is of this node, so that its notice is an enqueue that may stay on the caller's thread. */
    private final Resolver resolver;
    private final LongAdder total = new LongAdder();
    private final LongAdder undeliveredNotices = new LongAdder();
    private final LongAdder linesLogged = new LongAdder();
    private final LongAdder noticesDropped = new LongAdder();
    private final Map<DeadLetter.Reason, LongAdder> byReason = new EnumMap<>(DeadLetter.Reason.class);
    private final Object lock = new Object();
    /** Runs notices that must leave the caller's thread; null until the runtime's dispatcher is handed in. */
    private volatile Executor handOff;
    /** Where the dead-letter hops are recorded; set once, before the runtime is in use. */
    private TraceRecorder tracer = TraceRecorder.OFF;

    // Guarded by lock.
    private DeadLetter[] ring;
    private int next;
    private int size;
    private int logPerSecond;
    private long windowStartNs;
    private boolean windowOpen;
    private int loggedInWindow;
    private long notLogged;

    /** A DeadLetters of its own, for tests: senders are of this node or another by today's rule (LocalResolver). */
    DeadLetters(final String nodeId, final int keep, final int logPerSecond, final Clock clock,
                final LongSupplier nanoClock) {
        this(nodeId, keep, logPerSecond, clock, nanoClock, new LocalResolver(nodeId, name -> null));
    }

    DeadLetters(final String nodeId, final int keep, final int logPerSecond, final Clock clock,
                final LongSupplier nanoClock, final Resolver resolver) {
        this.nodeId = nodeId;
        this.resolver = resolver;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.ring = new DeadLetter[keep];
        this.logPerSecond = logPerSecond;
        for (final DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            byReason.put(reason, new LongAdder());
        }
    }

    /**
     * Sets where notices that must not run on the caller's thread go: the runtime's dispatcher. Until it is set (a
     * DeadLetters of its own, in tests) they are told on the caller's thread.
     *
     * @param executor runs each notice on another thread; a notice it runs on the caller's thread anyway (a stopped
     *     pool does that) is dropped and counted in {@link #noticesDropped()}
     */
    void handOffNotices(final Executor executor) {
        this.handOff = executor;
    }

    /** Records a hop for each dead letter into {@code recorder}. Before the runtime is in use. */
    void traceTo(final TraceRecorder recorder) {
        this.tracer = recorder;
    }

    /**
     * Gives up a message. Its trace id is the one the calling thread deals with now ({@link TraceContext}): every
     * path that gives up a message runs within that message's trace.
     *
     * @param to where it was sent, as text
     * @param body what was sent
     * @param sender who sent it, or {@code null}; told with the {@link DeadLetter} as body (except for NO_SENDER)
     * @param reason why, in a word
     * @param detail why, in a sentence
     */
    void record(final String to, final Object body, final ActorRef sender, final DeadLetter.Reason reason,
                final String detail) {
        if (body instanceof DeadLetter) {
            undeliveredNotices.increment();
            LOG.debug("[{}] notice {} not delivered to {} ({}); no dead letter is made of a dead letter",
                nodeId, body, to, detail);
            return;
        }
        final String from = sender == null ? null : String.valueOf(sender.address());
        final long[] trace = TraceContext.here();
        final long traceId = trace[TraceContext.ID];
        tracer.record(trace, traceId, TraceRecorder.DEAD_LETTER, from, to, reason);
        final DeadLetter letter = new DeadLetter(to, from, body, reason, detail, clock.instant(), traceId);
        final boolean log;
        final long omitted;
        final int budget;
        // The ring outlives the swap of the behaviour that sent the body: it keeps a plain copy, not the object.
        final DeadLetter kept = new DeadLetter(to, from, PlainBody.of(body), reason, detail, letter.at(), traceId);
        synchronized (lock) {
            keep(kept);
            final long now = nanoClock.getAsLong();
            if (!windowOpen || now - windowStartNs >= SECOND_NS) {
                omitted = notLogged;
                notLogged = 0;
                windowStartNs = now;
                windowOpen = true;
                loggedInWindow = 0;
            } else {
                omitted = 0;
            }
            budget = logPerSecond;
            log = loggedInWindow < budget;
            if (log) {
                loggedInWindow++;
            } else {
                notLogged++;
            }
        }
        // Counted once kept: whoever sees the count grow finds the letter in recent() (a test read the ring between
        // the two and found it empty).
        total.increment();
        byReason.get(reason).increment();
        if (omitted > 0) {
            linesLogged.increment();
            LOG.info("[{}] {} more dead letters were not logged (at most {} a second: "
                + "hamlet.registry.dead-letters.log-per-second); all are counted", nodeId, omitted, budget);
        }
        if (log) {
            linesLogged.increment();
            LOG.info("[{}] dead letter {} to {} from {} trace={}: {}; body {}", nodeId, reason, to,
                from == null ? "nobody" : from, TraceHop.hex(traceId), detail, BodyConverter.describe(body));
        }
        if (sender != null && reason != DeadLetter.Reason.NO_SENDER) {
            final Executor executor = handOff;
            if (executor == null || staysLocal(sender)) {
                notify(sender, letter, from);
            } else {
                handOff(executor, sender, letter, from);
            }
        }
    }

    /** @return whether telling this sender is an enqueue on this runtime, which never reaches the transport */
    private boolean staysLocal(final ActorRef sender) {
        if (sender instanceof Asks.AskRef) {
            return true;
        }
        if (!(sender instanceof AddressRef)) {
            return false;
        }
        return !(resolver.resolve(sender.address()) instanceof Resolution.Remote);
    }

    private void handOff(final Executor executor, final ActorRef sender, final DeadLetter letter, final String from) {
        final Thread caller = Thread.currentThread();
        try {
            executor.execute(() -> {
                if (Thread.currentThread() == caller) {
                    dropNotice(from, "the actor runtime is stopping");
                } else {
                    // The notice goes on in the trace of the message it is about.
                    final long[] trace = TraceContext.here();
                    final long outer = TraceContext.enter(trace, letter.traceId());
                    try {
                        notify(sender, letter, from);
                    } finally {
                        TraceContext.exit(trace, outer);
                    }
                }
            });
        } catch (final RuntimeException e) {
            dropNotice(from, e.toString());
        }
    }

    private void dropNotice(final String from, final String why) {
        noticesDropped.increment();
        LOG.debug("[{}] dead letter notice to {} not sent: {}", nodeId, from, why);
    }

    private void notify(final ActorRef sender, final DeadLetter letter, final String from) {
        try {
            sender.tell(letter, null);
        } catch (final RuntimeException e) {
            // A foreign ActorRef implementation failing must not fail the send that made the dead letter.
            LOG.warn("[{}] dead letter notice to {} failed: {}", nodeId, from, e.toString());
        }
    }

    /** @return the most recent dead letters kept, oldest first */
    List<DeadLetter> recent() {
        synchronized (lock) {
            final List<DeadLetter> recent = new ArrayList<>(size);
            final int length = ring.length;
            for (int i = 0; i < size; i++) {
                recent.add(ring[(next - size + i + length) % length]);
            }
            return recent;
        }
    }

    /** @return how many dead letters there were, kept or not */
    long count() {
        return total.sum();
    }

    /** @return how many {@link DeadLetter} notices could not be delivered in turn (and made no dead letter) */
    long undeliveredNotices() {
        return undeliveredNotices.sum();
    }

    /**
     * @param reason a reason
     * @return how many dead letters there were for it
     */
    long count(final DeadLetter.Reason reason) {
        return byReason.get(reason).sum();
    }

    /** @return notices to remote senders not sent because the runtime was stopping when they were handed off */
    long noticesDropped() {
        return noticesDropped.sum();
    }

    /** @return log lines written, for tests of the rate limit */
    long linesLogged() {
        return linesLogged.sum();
    }

    /**
     * Applies new limits; shrinking the ring keeps the most recent.
     *
     * @param keep how many to keep
     * @param perSecond how many to log a second
     */
    void apply(final int keep, final int perSecond) {
        synchronized (lock) {
            logPerSecond = perSecond;
            if (keep == ring.length) {
                return;
            }
            final List<DeadLetter> recent = recent();
            final DeadLetter[] resized = new DeadLetter[keep];
            final int kept = Math.min(keep, recent.size());
            for (int i = 0; i < kept; i++) {
                resized[i] = recent.get(recent.size() - kept + i);
            }
            ring = resized;
            size = kept;
            next = keep == 0 ? 0 : kept % keep;
        }
    }

    private void keep(final DeadLetter letter) {
        final int length = ring.length;
        if (length == 0) {
            return;
        }
        ring[next] = letter;
        next = (next + 1) % length;
        size = Math.min(size + 1, length);
    }
}
