package hamlet.registry.internal;

import hamlet.api.Actor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Runs the new version's code of hot swaps off the dispatcher, bounded in threads and in time, with a circuit
 * breaker per behaviour version.
 *
 * <p>An actor's turn takes its old instance's snapshot and hands a {@link SwapAttempt} here; the turn ends and its
 * dispatcher thread goes back to the pool while the actor waits, its messages queueing in its mailbox. A swap thread
 * runs the new version's {@code create}, {@code restore} and {@code onStart}, then wakes the actor, whose next turn
 * takes the new instance (or rolls back). No turn of the actor touches the new instance before that: the
 * one-thread-at-a-time rule holds, with the attempt's volatile {@code done} as the hand-over.
 *
 * <ul>
 * <li><b>Threads.</b> At most {@code threads} swap threads take attempts, first come first served. A thread exists
 * only while attempts wait. Each is made clean ({@link CleanThreads}, no inherited thread locals) and gets the
 * registry's loader back after each attempt, so none pins a behaviour's class loader.</li>
 * <li><b>Slots.</b> At most {@value #SLOTS_PER_THREAD} attempts per swap thread are in flight at once (granted,
 * queued or running). An actor asks for a slot ({@link #reserve}) before it takes its snapshot; without one it
 * keeps handling messages on its old version, and is woken ({@link ActorCell#slotGranted()}) when a slot frees,
 * first come first served. So an actor that stops to swap waits behind a few attempts, not behind every actor of
 * the behaviour (that wait, in a queue of a thousand, was most of the pause's p99), and the swap's share of the CPU
 * stays bounded. None is refused for want of room (a refusal after the old version went away would leave the actor
 * suspended with no reason to retry). The swap timeout counts from when a thread takes the attempt.</li>
 * <li><b>Deadlines.</b> Checked against the node's nano clock (injected) by a ticker thread that runs only while
 * attempts run. An attempt past its deadline is given up: its actor rolls back at once, and its thread is
 * interrupted and counted as hung until the version's code returns (Java cannot kill it); a new thread may replace
 * it, but never more than {@code maxThreads} live in all. When the code returns late, the instance it made is
 * stopped there ({@code onStop}) and dropped; its context is revoked, so it cannot send as the actor.</li>
 * <li><b>Circuit breaker.</b> The first timeout of a version marks it broken: every other attempt towards it, queued
 * or running, rolls back at once, and later ones are refused without running any of its code, until that version
 * is registered again. Why shows in the behaviour's swap tally ({@code GET /api/behaviors}).</li>
 * </ul>
 *
 * <p>Threading: every method from any thread; state guarded by one lock, never held while behaviour code or a
 * cell's wake-up runs.
 */
final class SwapCoordinator {
    /** Swap threads taking attempts: a swap is mostly waiting on behaviour code, not CPU, yet must not crowd it. */
    static final int THREADS = 2;
    /**
     * Attempts in flight (granted, queued, running) per swap thread. An actor granted a slot while its turn is queued
     * reaches it only after a round of the dispatcher (about 15 ms with a thousand busy actors on 2 threads), so
     * slots are granted ahead: enough that the swap threads rarely idle, few enough that an actor that stopped to
     * swap waits behind at most this many attempts of a few tens of microseconds each.
     */
    static final int SLOTS_PER_THREAD = 16;
    /** Live swap threads at most, hung ones included: room for a few broken versions' hung threads. */
    static final int MAX_THREADS = 4 * THREADS;
    private static final Logger LOG = LoggerFactory.getLogger(SwapCoordinator.class);
    /**
     * How long an idle swap thread waits for the next attempt before it ends: the actors of a behaviour reach their
     * swap one turn after another, and a thread per attempt would cost more than the attempt.
     */
    private static final long LINGER_MS = 1_000;
    /** How often running attempts are checked against their deadline: the precision of the swap timeout. */
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String nodeId;
    private final LongSupplier nanoClock;
    private final HotSwap tally;
    private final int threads;
    private final int maxThreads;
    /** The registry's own loader: swap threads get it back after each attempt. */
    private final ClassLoader loader = SwapCoordinator.class.getClassLoader();
    private final AtomicInteger numbers = new AtomicInteger();

    private final Object lock = new Object();
    private final ArrayDeque<SwapAttempt> queue = new ArrayDeque<>();
    private final List<SwapAttempt> running = new ArrayList<>();
    /** Broken versions and why; an entry goes when its registration does. */
    private final Map<Registration, String> broken = new HashMap<>();
    /** Cells granted a slot that have not submitted yet: each counts as an attempt in flight. */
    private final Set<ActorCell> holders = new HashSet<>();
    /** Cells waiting for a slot, first come first served, with the version each was to move to. */
    private final LinkedHashMap<ActorCell, Registration> waiting = new LinkedHashMap<>();
    /** Waiting cells whose version broke, to wake (without a slot) once the lock is let go. */
    private final List<ActorCell> brokenWaiters = new ArrayList<>();
    /** Threads taking attempts (not given up). */
    private int working;
    /** Threads whose attempt was given up, still inside the version's code. */
    private int hung;
    /** Of the working threads, those waiting for an attempt. */
    private int idle;
    private boolean ticking;
    private boolean closed;

    /**
     * @param nodeId for thread names and logs
     * @param nanoClock the clock deadlines are checked with
     * @param tally where breaks are noted
     * @param threads swap threads taking attempts, at least 1
     * @param maxThreads live swap threads at most, hung ones included; at least {@code threads}
     */
    SwapCoordinator(final String nodeId, final LongSupplier nanoClock, final HotSwap tally, final int threads,
                    final int maxThreads) {
        if (threads < 1 || maxThreads < threads) {
            throw new IllegalArgumentException("swap threads " + threads + ", at most " + maxThreads);
        }
        this.nodeId = nodeId;
        this.nanoClock = nanoClock;
        this.tally = tally;
        this.threads = threads;
        this.maxThreads = maxThreads;
    }

    /**
     * Asks for a slot before an actor stops to swap: at most {@code threads} attempts are in flight (granted, queued
     * or running), so that an actor that stops finds a swap thread free at once, and an actor without a slot keeps
     * handling messages on its old version instead of waiting paused in a queue. A cell refused now is woken by
     * {@link ActorCell#slotGranted()} when its turn comes (or when its version breaks, to be refused without a
     * slot). From the actor's turn.
     *
     * @param cell the actor
     * @param target the version it is to move to
     * @return whether it may take its snapshot and {@link #submit} now (also when the version is broken or the node
     *     stops: the submit then refuses at once)
     */
    boolean reserve(final ActorCell cell, final Registration target) {
        synchronized (lock) {
            if (closed || broken.containsKey(target) || holders.contains(cell)) {
                return true;
            }
            if (waiting.isEmpty() && inFlight() < slots()) {
                holders.add(cell);
                return true;
            }
            waiting.put(cell, target);
            return false;
        }
    }

    /**
     * Gives back a cell's slot, or its place in the wait for one: it stops, or found nothing to swap. From the
     * actor's turn.
     *
     * @param cell the actor
     */
    void release(final ActorCell cell) {
        final List<ActorCell> granted;
        synchronized (lock) {
            if (!holders.remove(cell) && waiting.remove(cell) == null) {
                return;
            }
            granted = grants();
        }
        wake(granted);
    }

    /**
     * Queues an attempt, or finishes it at once as failed when its version is broken or the node is stopping (the
     * caller then sees {@link SwapAttempt#isDone()}). From the actor's turn.
     *
     * @param attempt the attempt, QUEUED
     */
    void submit(final SwapAttempt attempt) {
        int start = 0;
        final List<ActorCell> granted;
        synchronized (lock) {
            // The slot the cell held becomes this attempt's place in the queue.
            holders.remove(attempt.cell);
            waiting.remove(attempt.cell);
            final String refused = closed ? "the node is stopping" : broken.get(attempt.target);
            if (refused != null) {
                attempt.state = SwapAttempt.State.DONE;
                attempt.finish(null, refused, !closed);
            } else {
                queue.addLast(attempt);
                start = workersToStart();
                if (starved()) {
                    giveUp(attempt, starvedReason(), new ArrayList<>());
                }
            }
            granted = grants();
        }
        startWorkers(start);
        wake(granted);
    }

    /**
     * Gives an attempt up because its actor stops. From the actor's turn.
     *
     * @param attempt the attempt
     * @param why for the attempt's failure
     * @return whether it was already done (its instance, if any, is then the caller's to stop)
     */
    boolean abandon(final SwapAttempt attempt, final String why) {
        final int start;
        final List<ActorCell> granted;
        synchronized (lock) {
            if (attempt.state == SwapAttempt.State.DONE) {
                return true;
            }
            giveUp(attempt, why, new ArrayList<>());
            start = workersToStart();
            granted = grants();
        }
        startWorkers(start);
        wake(granted);
        return false;
    }

    /**
     * @param registration a version
     * @return why swaps to it are no longer tried, or null when they are
     */
    String brokenReason(final Registration registration) {
        synchronized (lock) {
            return broken.get(registration);
        }
    }

    /**
     * Forgets a version that was unregistered (its breaker with it: a new registration is tried afresh).
     *
     * @param registration the version
     */
    void forget(final Registration registration) {
        synchronized (lock) {
            broken.remove(registration);
        }
    }

    /** @return live swap threads, hung ones included */
    int liveThreads() {
        synchronized (lock) {
            return working + hung;
        }
    }

    /**
     * Gives up the running attempts past their deadline, and breaks their versions. Called by the ticker; tests may
     * call it too.
     *
     * @param nowNs the nano clock's reading
     * @return whether attempts are still running (else the ticker ends)
     */
    boolean tick(final long nowNs) {
        final List<SwapAttempt> woken = new ArrayList<>();
        final List<String[]> breaks = new ArrayList<>();
        final List<ActorCell> granted;
        final int start;
        final boolean more;
        synchronized (lock) {
            for (final SwapAttempt attempt : new ArrayList<>(running)) {
                if (attempt.state != SwapAttempt.State.RUNNING || nowNs - attempt.deadlineNs < 0) {
                    continue;
                }
                final String why = "version " + attempt.target.version() + " not done within "
                    + TimeUnit.NANOSECONDS.toMillis(attempt.timeoutNs) + " ms (" + RegistrySettings.SWAP_TIMEOUT
                    + ")";
                giveUp(attempt, why, woken);
                if (!broken.containsKey(attempt.target)) {
                    breaks.add(breakVersion(attempt, why, woken));
                }
            }
            start = workersToStart();
            if (starved()) {
                final String why = starvedReason();
                for (final SwapAttempt attempt : new ArrayList<>(queue)) {
                    giveUp(attempt, why, woken);
                }
            }
            more = !running.isEmpty() && !closed;
            if (!more) {
                ticking = false;
            }
            granted = grants();
        }
        for (final String[] broke : breaks) {
            tally.broken(broke[0], broke[1], broke[2]);
        }
        woken.forEach(attempt -> attempt.cell.swapOver());
        startWorkers(start);
        wake(granted);
        return more;
    }

    /** Gives up what waits or runs; swap threads still inside a version's code end when it returns. */
    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
            // Their cells stop with the node; a later turn that asks again is told to go on at once.
            waiting.clear();
            holders.clear();
            final List<SwapAttempt> left = new ArrayList<>(queue);
            left.addAll(running);
            for (final SwapAttempt attempt : left) {
                giveUp(attempt, "the node is stopping", new ArrayList<>());
            }
        }
    }

    // ---- under the lock ----

    /** @return how many attempts may be in flight */
    private int slots() {
        return threads * SLOTS_PER_THREAD;
    }

    /** @return attempts in flight: slots granted and not yet used, queued attempts, running ones (not given up) */
    private int inFlight() {
        return holders.size() + queue.size() + running.size();
    }

    /**
     * Grants the free slots to the cells waiting longest.
     *
     * @return the cells to wake once the lock is let go, with those whose version broke
     */
    private List<ActorCell> grants() {
        final List<ActorCell> granted = new ArrayList<>(brokenWaiters);
        brokenWaiters.clear();
        final Iterator<ActorCell> next = waiting.keySet().iterator();
        while (next.hasNext() && inFlight() < slots() && !closed) {
            final ActorCell cell = next.next();
            next.remove();
            holders.add(cell);
            granted.add(cell);
        }
        return granted;
    }

    /** Ends an attempt that is not done: out of the queue, or its thread counted hung and interrupted. */
    private void giveUp(final SwapAttempt attempt, final String why, final List<SwapAttempt> woken) {
        giveUp(attempt, why, false, woken);
    }

    private void giveUp(final SwapAttempt attempt, final String why, final boolean breaker,
                        final List<SwapAttempt> woken) {
        if (attempt.state == SwapAttempt.State.QUEUED) {
            queue.remove(attempt);
        } else if (attempt.state == SwapAttempt.State.RUNNING) {
            running.remove(attempt);
            final Worker worker = attempt.worker;
            attempt.worker = null;
            worker.givenUp = true;
            working--;
            hung++;
            // As the old future.cancel(true) did: code that honours interrupts returns, and its thread with it.
            worker.thread.interrupt();
        } else {
            return;
        }
        attempt.context.revoke();
        attempt.state = SwapAttempt.State.DONE;
        attempt.finish(null, why, breaker);
        woken.add(attempt);
    }

    /** @return the behaviour, version and reason, for the tally */
    private String[] breakVersion(final SwapAttempt first, final String why, final List<SwapAttempt> woken) {
        final Registration target = first.target;
        final String reason = "swaps to version " + target.version() + " stopped after its first timeout ("
            + first.cell.name() + ": " + why + ")";
        broken.put(target, reason);
        final List<SwapAttempt> rest = new ArrayList<>();
        for (final SwapAttempt attempt : queue) {
            if (attempt.target == target) {
                rest.add(attempt);
            }
        }
        for (final SwapAttempt attempt : running) {
            if (attempt.target == target) {
                rest.add(attempt);
            }
        }
        for (final SwapAttempt attempt : rest) {
            giveUp(attempt, reason, true, woken);
        }
        // Cells still waiting for a slot to move to it are told now, without one: their submit is refused at once.
        final Iterator<Map.Entry<ActorCell, Registration>> waiters = waiting.entrySet().iterator();
        while (waiters.hasNext()) {
            final Map.Entry<ActorCell, Registration> waiter = waiters.next();
            if (waiter.getValue() == target) {
                waiters.remove();
                brokenWaiters.add(waiter.getKey());
            }
        }
        LOG.warn("[{}] behaviour {} {} is broken: the swap of {} timed out; {} other pending swaps to it roll back "
            + "now, and no more are tried until it is registered again", nodeId, target.name(), target.version(),
            first.cell.name(), rest.size());
        return new String[] {target.name(), target.version(), reason};
    }

    /**
     * @return whether what waits can never be taken: no thread works and no more may start, every live one hanging
     *     in a version given up. Refused then rather than left waiting, since only a deadline of a running attempt
     *     ends a wait.
     */
    private boolean starved() {
        return !queue.isEmpty() && working == 0 && hung >= maxThreads;
    }

    private String starvedReason() {
        return "no swap thread free: all " + hung + " hang in versions whose swaps timed out";
    }

    /** @return how many threads to start for what waits; counted as working already */
    private int workersToStart() {
        if (closed) {
            return 0;
        }
        if (idle > 0) {
            lock.notifyAll();
        }
        final int start = Math.min(queue.size() - idle, Math.min(threads - working, maxThreads - working - hung));
        if (start <= 0) {
            return 0;
        }
        working += start;
        return start;
    }

    /** @return the next attempt for a worker, RUNNING, or null when it is to end (its count undone) */
    private SwapAttempt next(final Worker worker) {
        if (worker.givenUp) {
            // Its attempt was given up and has now returned: it works on only if a working place is free.
            worker.givenUp = false;
            hung--;
            if (closed || queue.isEmpty() || working >= threads) {
                return null;
            }
            working++;
        }
        if (queue.isEmpty() && !closed) {
            linger();
        }
        final SwapAttempt attempt = closed ? null : queue.pollFirst();
        if (attempt == null) {
            working--;
            return null;
        }
        attempt.state = SwapAttempt.State.RUNNING;
        attempt.worker = worker;
        attempt.deadlineNs = nanoClock.getAsLong() + attempt.timeoutNs;
        running.add(attempt);
        if (!ticking) {
            ticking = true;
            newThread(this::runTicker, "swap-clock").start();
        }
        return attempt;
    }

    /** Waits a while for an attempt, holding the lock between waits. */
    private void linger() {
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
        idle++;
        try {
            long leftMs = LINGER_MS;
            while (queue.isEmpty() && !closed && leftMs > 0) {
                lock.wait(leftMs);
                leftMs = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            }
        } catch (final InterruptedException e) {
            // Only close interrupts an idle swap thread's wait by ending the JVM's threads; end this one.
            Thread.currentThread().interrupt();
        } finally {
            idle--;
        }
    }

    // ---- outside the lock ----

    private static void wake(final List<ActorCell> granted) {
        for (final ActorCell cell : granted) {
            cell.slotGranted();
        }
    }

    private void startWorkers(final int count) {
        for (int i = 0; i < count; i++) {
            final Worker worker = new Worker();
            worker.thread = newThread(worker, "swap-" + numbers.incrementAndGet());
            worker.thread.start();
        }
    }

    private Thread newThread(final Runnable job, final String name) {
        // Started from an actor's turn among others: nothing of its stack, thread locals or loader must stick.
        final Thread thread = CleanThreads.create(() -> new Thread(null, job, "hamlet-" + nodeId + "-" + name, 0,
            false));
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        return thread;
    }

    private void runTicker() {
        while (true) {
            LockSupport.parkNanos(TICK_NS);
            if (!tick(nanoClock.getAsLong())) {
                return;
            }
        }
    }

    /** Runs the version's code of one attempt, then hands the outcome to the actor, or stops a late instance. */
    private void run(final SwapAttempt attempt) {
        Actor made = null;
        boolean started = false;
        Throwable failure = null;
        try {
            made = attempt.target.behavior().create(attempt.spec);
            if (made == null) {
                throw new IllegalStateException("create returned null");
            }
            if (attempt.kept != null) {
                made.restore(attempt.kept.deepCopy());
            }
            made.onStart(attempt.context);
            started = true;
        } catch (final Throwable t) {
            failure = t;
        } finally {
            Thread.currentThread().setContextClassLoader(loader);
        }
        final boolean late;
        final List<ActorCell> granted;
        synchronized (lock) {
            late = attempt.state == SwapAttempt.State.DONE;
            if (!late) {
                running.remove(attempt);
                attempt.worker = null;
                attempt.state = SwapAttempt.State.DONE;
                attempt.finish(started ? made : null, started ? null
                    : "version " + attempt.target.version() + " failed: " + ActorCell.oneLine(failure));
            }
            // An interrupt meant for this attempt must not reach the next one.
            Thread.interrupted();
            granted = grants();
        }
        if (!late) {
            attempt.cell.swapOver();
            wake(granted);
            return;
        }
        wake(granted);
        if (started) {
            try {
                made.onStop(attempt.context);
            } catch (final Throwable t) {
                LOG.warn("[{}] actor {}: onStop of the instance of version {} made after its swap was given up "
                    + "failed: {}", nodeId, attempt.cell.name(), attempt.target.version(), ActorCell.oneLine(t));
            }
        }
        LOG.info("[{}] actor {}: the given-up swap to version {} returned{}", nodeId, attempt.cell.name(),
            attempt.target.version(), started ? "; its instance was stopped and dropped" : "");
    }

    /** A swap thread: takes attempts until none waits. */
    final class Worker implements Runnable {
        /** Guarded by the coordinator's lock. */
        boolean givenUp;
        Thread thread;

        @Override
        public void run() {
            while (true) {
                final SwapAttempt attempt;
                synchronized (lock) {
                    attempt = next(this);
                }
                if (attempt == null) {
                    return;
                }
                SwapCoordinator.this.run(attempt);
            }
        }
    }
}
