package hamlet.registry.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.cluster.Activation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What makes an {@link ActorCell} one activation of a cluster actor: run by the cell on its turn, around its
 * messages. Before each message: the lease check (a node whose lease ran out delivers nothing more: the message goes
 * back to the front and the cell pauses) and the second-copy check ({@link SeenSequences}). After each message: the
 * state copy to the replica and, with {@code replicate = every-message}, the output commit (what the actor sent
 * while handling it leaves the node once the replica acknowledged the copy). On its first turn: the restore from the
 * state it was activated with, falling back to the previous copy, then to empty. And the orders placement gives
 * (handover, fence, forward, resume), carried out on the turn so that the snapshot and the mailbox are taken between
 * two messages.
 *
 * <p>Threading: the fields marked turn-owned belong to the thread running the cell's turn. The volatiles and the
 * command queue are written by placement's notifier thread, the transport's delivery threads (acknowledgements) and
 * the registry's failover thread; each such write is followed by {@link ActorCell#schedule()}.
 */
final class ClusterRole {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRole.class);
    /** Copies in flight (outputs waiting for an acknowledgement) before the actor waits: bounds the held outputs. */
    static final int MAX_PENDING = 256;

    /** An order to carry out on the turn. */
    sealed interface Command permits HandOver, Forward, Resume, Copy, Resend {
    }

    /** Hand the actor to {@code to} under {@code nextEpoch}: state and waiting messages go there. */
    record HandOver(String to, long nextEpoch) implements Command {
    }

    /** A fenced activation was taken over by {@code owner}: its kept messages go there, its state is dropped. */
    record Forward(String owner, long epoch) implements Command {
    }

    /** A fenced activation runs again under a new epoch, with its own state. */
    record Resume(long epoch) implements Command {
    }

    /** Copy the newest state to the replica now (replicate = an interval). */
    record Copy() implements Command {
    }

    /** Send the newest copy again (its acknowledgement is late, or the replica changed). */
    record Resend() implements Command {
    }

    private record Pending(long number, List<OutputCapture.Output> outputs) {
    }

    /** What {@link #admit} says of one message. */
    enum Admission { DELIVER, SKIP, PAUSE }

    final String name;
    private final ClusterActors manager;
    private final Activation.Cause cause;
    private volatile long epoch;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    /** Set by deactivate without a new owner: messages are kept, none delivered. */
    private volatile boolean fenced;
    /** Set by the lease check: nothing delivered until the lease holds again or placement decides. */
    private volatile boolean leaseLapsed;
    /** Set once the actor has left this node: whatever still reaches the cell is routed again. */
    private volatile boolean diverted;
    /** The highest copy number the replica acknowledged, in this epoch. */
    private volatile long acked;
    /** When the oldest copy waiting for its acknowledgement was sent, 0 when none waits. */
    private volatile long oldestPendingNs;
    /** Since when held output has waited with no acknowledgement coming in: the last one, or the first hold. */
    private volatile long ackAwaitedSinceNs;
    /** Whether the failover thread said so for the present wait (see {@link #lateOnce}). */
    private volatile boolean lateSaid;

    // Turn-owned.
    /** Messages to deliver before the mailbox: one put back by the lease check. */
    private final ArrayDeque<Envelope> front = new ArrayDeque<>();
    private SeenSequences seen = new SeenSequences();
    /** The state documents to restore from, best first; null once restored. */
    private volatile List<String> restoreFrom;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /*
     * What hasWork and blocksMessages read of the two turn-owned queues, written by the turn after each change.
     * Those two run on whichever thread ends a turn, and after it cleared the scheduled flag another thread may
     * already run the next turn: reading the queues themselves there could throw (a peek that found the head just
     * polled), and an exception out of a turn's end completes the cell's task for good (it never runs again).
     */
    /** The number of the oldest copy whose outputs wait, 0 when none. */
    private volatile long oldestPendingNumber;
    private volatile int pendingCount;
    private volatile boolean frontWaiting;
    private long copyNumber;
    private String lastDocument;
    private boolean tooLargeLogged;
    private OutputCapture capture;

    /**
     * @param name the actor
     * @param epoch the activation's epoch
     * @param cause why it runs here
     * @param restoreFrom the state documents to restore from, best first (empty: start empty)
     * @param manager the node's cluster actors
     */
    ClusterRole(final String name, final long epoch, final Activation.Cause cause, final List<String> restoreFrom,
                final ClusterActors manager) {
        this.name = name;
        this.epoch = epoch;
        this.cause = cause;
        this.restoreFrom = new ArrayList<>(restoreFrom);
        this.manager = manager;
    }

    long epoch() {
        return epoch;
    }

    boolean fenced() {
        return fenced;
    }

    boolean diverted() {
        return diverted;
    }

    boolean leaseLapsed() {
        return leaseLapsed;
    }

    /** @return when the oldest unacknowledged copy was sent, 0 when none */
    long oldestPendingNs() {
        return oldestPendingNs;
    }

    /** @return the highest copy number the replica acknowledged in this epoch */
    long acked() {
        return acked;
    }

    /**
     * Failover thread: whether output has waited longer than {@code lateNs} with no acknowledgement coming in, told
     * once per wait (a new acknowledgement or an empty hold ends the wait).
     */
    boolean lateOnce(final long nowNs, final long lateNs) {
        if (oldestPendingNs == 0 || lateSaid || nowNs - ackAwaitedSinceNs <= lateNs) {
            return false;
        }
        lateSaid = true;
        return true;
    }

    // ---- from other threads: each followed by cell.schedule() ----

    void command(final Command command) {
        commands.add(command);
    }

    /** Fenced: deliver nothing more, keep state and messages. Any thread. */
    void fence() {
        fenced = true;
    }

    /** The lease holds again: deliver again unless fenced. Any thread. */
    void leaseHolds() {
        leaseLapsed = false;
    }

    /** The replica acknowledged copy {@code number} of {@code ofEpoch}. Any thread. */
    void acknowledged(final long ofEpoch, final long number) {
        if (ofEpoch == epoch && number > acked) {
            acked = number;
            ackAwaitedSinceNs = manager.nanoTime();
            lateSaid = false;
        }
    }

    /** The actor left this node: a message that still reached its cell is routed again. Any thread. */
    void reroute(final Envelope envelope) {
        manager.reroute(name, envelope);
    }

    // ---- the turn ----

    /**
     * @return whether the turn has something to do besides the mailbox. Any thread (the end of a turn, while the next
     *     may run): reads only volatile state
     */
    boolean hasWork() {
        final long oldest = oldestPendingNumber;
        return !commands.isEmpty() || restoreFrom != null || oldest != 0 && oldest <= acked
            || frontWaiting && !blocksMessages();
    }

    /**
     * @return whether messages wait undelivered now: fenced, lease run out, or too many copies unacknowledged. Any
     *     thread
     */
    boolean blocksMessages() {
        return fenced || leaseLapsed || pendingCount >= MAX_PENDING;
    }

    /**
     * Before the turn's messages: carries out the orders, restores on the first turn, releases acknowledged outputs.
     *
     * @param cell the cell
     * @return whether messages may be delivered on this turn
     */
    boolean beforeMessages(final ActorCell cell) {
        Command command;
        while ((command = commands.poll()) != null) {
            if (!carryOut(cell, command)) {
                return false;
            }
        }
        if (restoreFrom != null) {
            restore(cell);
        }
        releaseAcknowledged();
        return !fenced && !leaseLapsed && !diverted && pending.size() < MAX_PENDING;
    }

    /** @return whether the turn may go on to messages */
    private boolean carryOut(final ActorCell cell, final Command command) {
        if (command instanceof HandOver handOver) {
            final String document = document(cell, snapshot(cell));
            diverted = true;
            releaseAll();
            manager.handOver(cell, this, handOver.to(), handOver.nextEpoch(), document, drainWaiting(cell));
            return false;
        }
        if (command instanceof Forward forward) {
            diverted = true;
            manager.counters().add(ClusterCounters.OUTPUTS_DROPPED, dropPending());
            manager.forwardKept(cell, this, forward.owner(), forward.epoch(), drainWaiting(cell));
            return false;
        }
        if (command instanceof Resume resume) {
            epoch = resume.epoch();
            copyNumber = 0;
            acked = 0;
            fenced = false;
            if (!pending.isEmpty()) {
                // The outputs of the fenced epoch wait for a copy of the new epoch to be acknowledged.
                copyAndHold(cell, List.of());
            }
            manager.reportActivated(name, epoch, lastDocument == null ? 0 : lastDocument.length(),
                "resumed with its own state (cause " + Activation.Cause.RESUME + ")");
            return true;
        }
        if (command instanceof Copy) {
            if (!diverted && restoreFrom == null) {
                sendCopy(cell, snapshot(cell));
            }
            return true;
        }
        if (lastDocument != null && !pending.isEmpty()) {
            if (manager.replicaOf(name) != null) {
                manager.sendCopy(name, epoch, copyNumber, lastDocument);
                oldestPendingNs = manager.nanoTime();
            } else if (mayRunNow()) {
                // Alone in a cluster that lets it run (no member to copy to): nobody can take the actor over.
                releaseAll();
            } else {
                // Cut off: no member is up to copy to, and a takeover elsewhere restores an older copy. What the
                // actor sent since must never leave (it would show a state that the new owner does not have): it
                // leaves once a copy is acknowledged (a replica up again, or a resume), or is dropped on a forward.
                oldestPendingNs = manager.nanoTime();
            }
        }
        return true;
    }

    /** @return whether this node may run the actor now: not fenced, and its lease holds */
    private boolean mayRunNow() {
        return !fenced && !leaseLapsed && manager.nanoTime() - manager.leaseValidUntilNanos() < 0;
    }

    /** @return the next message: the one put back first, then the mailbox */
    Envelope next(final ActorCell cell) {
        final Envelope first = front.poll();
        if (first != null) {
            frontWaiting = !front.isEmpty();
            return first;
        }
        return cell.pollMailbox();
    }

    /**
     * The checks before one message is handed to the actor.
     *
     * @param envelope the message
     * @return DELIVER; SKIP for a second copy (dropped and counted); PAUSE when the lease ran out (the message is
     *     put back first)
     */
    Admission admit(final Envelope envelope) {
        if (fenced || diverted || manager.nanoTime() - manager.leaseValidUntilNanos() >= 0) {
            front.addFirst(envelope);
            frontWaiting = true;
            if (!fenced && !diverted) {
                if (!leaseLapsed) {
                    LOG.warn("[{}] cluster actor {} (epoch {}): this node's lease ran out; its messages are held, "
                        + "none delivered, until the lease holds again or placement moves it", manager.nodeId(),
                        name, epoch);
                }
                leaseLapsed = true;
                manager.counters().add(ClusterCounters.LEASE_HELD);
                manager.watchLease(this);
            }
            return Admission.PAUSE;
        }
        final Stamp stamp = envelope.stamp();
        if (stamp != null && !seen.firstTime(stamp)) {
            manager.counters().add(ClusterCounters.DUPLICATES);
            LOG.debug("[{}] cluster actor {}: second copy of message {} from {} dropped", manager.nodeId(), name,
                stamp.seq(), stamp.originKey());
            return Admission.SKIP;
        }
        if (manager.settings().replicateEveryMessage() && manager.replicaOf(name) != null) {
            capture = OutputCapture.open();
        }
        return Admission.DELIVER;
    }

    /**
     * After one message was handed to the actor: the copy and the output commit.
     *
     * @param cell the cell
     * @return whether the turn may go on with the next message
     */
    boolean afterMessage(final ActorCell cell) {
        final OutputCapture open = capture;
        if (open == null) {
            return true;
        }
        capture = null;
        copyAndHold(cell, open.close());
        return pending.size() < MAX_PENDING;
    }

    /** Takes the state, sends the copy, and holds the outputs until it is acknowledged (or releases them now). */
    private void copyAndHold(final ActorCell cell, final List<OutputCapture.Output> outputs) {
        final long number = sendCopy(cell, snapshot(cell));
        if (number <= 0) {
            releaseAll();
            manager.release(outputs);
            return;
        }
        if (!outputs.isEmpty() || !pending.isEmpty()) {
            if (pending.isEmpty()) {
                oldestPendingNs = manager.nanoTime();
                ackAwaitedSinceNs = oldestPendingNs;
                lateSaid = false;
            }
            pending.add(new Pending(number, outputs));
            pendingChanged();
            manager.counters().add(ClusterCounters.OUTPUTS_HELD, outputs.size());
        }
    }

    /** @return the copy's number, or 0 when no copy was sent (no state, too large, no replica) */
    private long sendCopy(final ActorCell cell, final JsonElement state) {
        if (state == null) {
            return 0;
        }
        final String document = document(cell, state);
        final long bytes = document.getBytes(StandardCharsets.UTF_8).length;
        manager.stateSize(name, bytes);
        if (bytes > manager.settings().maxStateBytes()) {
            manager.counters().add(ClusterCounters.STATE_TOO_LARGE);
            if (!tooLargeLogged) {
                tooLargeLogged = true;
                LOG.error("[{}] cluster actor {}: its state of {} bytes is larger than hamlet.failover.max-state ({} "
                    + "bytes) and is not copied to its replica: it keeps running, but a takeover would start it "
                    + "from an older copy or empty (logged once; counted in replica.state-too-large)",
                    manager.nodeId(), name, bytes, manager.settings().maxStateBytes());
            }
            return 0;
        }
        if (manager.replicaOf(name) == null) {
            return 0;
        }
        copyNumber++;
        lastDocument = document;
        return manager.sendCopy(name, epoch, copyNumber, document) ? copyNumber : 0;
    }

    /** Releases the outputs whose copy was acknowledged, in order. */
    private void releaseAcknowledged() {
        final long upTo = acked;
        while (!pending.isEmpty() && pending.peek().number() <= upTo) {
            manager.release(pending.poll().outputs());
        }
        pendingChanged();
        oldestPendingNs = pending.isEmpty() ? 0 : oldestPendingNs;
    }

    /** Releases every held output, in order: the state is safe another way (handed over) or cannot be copied. */
    private void releaseAll() {
        while (!pending.isEmpty()) {
            manager.release(pending.poll().outputs());
        }
        pendingChanged();
        oldestPendingNs = 0;
    }

    /** Turn: publishes the pending queue's head and size for {@link #hasWork} and {@link #blocksMessages}. */
    private void pendingChanged() {
        final Pending oldest = pending.peek();
        oldestPendingNumber = oldest == null ? 0 : oldest.number();
        pendingCount = pending.size();
    }

    /** @return how many outputs were dropped: their activation was taken over elsewhere, from an older copy */
    private int dropPending() {
        int dropped = 0;
        while (!pending.isEmpty()) {
            dropped += pending.poll().outputs().size();
        }
        pendingChanged();
        oldestPendingNs = 0;
        return dropped;
    }

    /** @return the put-back message and the mailbox, in order */
    private List<Envelope> drainWaiting(final ActorCell cell) {
        final List<Envelope> waiting = new ArrayList<>(front);
        front.clear();
        frontWaiting = false;
        Envelope envelope;
        while ((envelope = cell.pollMailbox()) != null) {
            waiting.add(envelope);
        }
        return waiting;
    }

    /** The actor left: whatever still reached the cell is routed again, in order. */
    void divertLate(final ActorCell cell) {
        for (final Envelope envelope : drainWaiting(cell)) {
            manager.reroute(name, envelope);
        }
    }

    private JsonElement snapshot(final ActorCell cell) {
        try {
            return cell.clusterSnapshot();
        } catch (final Throwable t) {
            LOG.warn("[{}] cluster actor {}: snapshot failed, no copy taken: {}", manager.nodeId(), name,
                ActorCell.oneLine(t));
            return null;
        }
    }

    private String document(final ActorCell cell, final JsonElement state) {
        final JsonObject document = new JsonObject();
        document.add("state", state == null ? JsonNull.INSTANCE : state);
        document.add("seen", seen.toJson());
        return document.toString();
    }

    /** Restores from the best document that works: the next one after a failure, then empty. */
    private void restore(final ActorCell cell) {
        final List<String> documents = restoreFrom;
        restoreFrom = null;
        String detail = "started empty: no state held here";
        long bytes = 0;
        final StringBuilder failures = new StringBuilder();
        for (int i = 0; i < documents.size(); i++) {
            final String document = documents.get(i);
            final Throwable failed = restoreOne(cell, document);
            if (failed == null) {
                bytes = document.length();
                detail = "restored from " + (i == 0 ? "the newest" : "an older") + " copy (" + bytes + " bytes, "
                    + cause.name().toLowerCase() + ")" + (failures.length() == 0 ? "" : "; " + failures);
                break;
            }
            manager.counters().add(ClusterCounters.RESTORE_FAILED);
            failures.append("restore of copy ").append(i + 1).append(" failed: ").append(ActorCell.oneLine(failed))
                .append("; ");
            final Throwable recreated = cell.clusterRecreate();
            if (recreated != null) {
                failures.append("recreating it failed: ").append(ActorCell.oneLine(recreated)).append("; ");
            }
            seen = new SeenSequences();
        }
        if (bytes == 0 && failures.length() > 0) {
            detail = "started empty: " + failures;
            LOG.error("[{}] cluster actor {} (epoch {}): {}", manager.nodeId(), name, epoch, detail);
        }
        LOG.info("[{}] cluster actor {} activated, epoch {} ({}): {}", manager.nodeId(), name, epoch,
            cause.name().toLowerCase(), detail);
        manager.counters().add(ClusterCounters.ACTIVATED);
        manager.reportActivated(name, epoch, bytes, detail);
    }

    /** @return null when restored, else what failed */
    private Throwable restoreOne(final ActorCell cell, final String document) {
        try {
            final JsonObject parsed = JsonParser.parseString(document).getAsJsonObject();
            final JsonElement state = parsed.get("state");
            seen = SeenSequences.fromJson(parsed.get("seen"));
            if (state != null && !state.isJsonNull()) {
                final Throwable failed = cell.clusterRestore(state);
                if (failed != null) {
                    return failed;
                }
            }
            lastDocument = document;
            return null;
        } catch (final RuntimeException e) {
            return e;
        }
    }
}
