package hamlet.registry.internal;

import com.google.gson.JsonElement;
import hamlet.api.Actor;
import hamlet.api.ActorSpec;

/**
 * One actor's hot swap in flight: the state its old instance handed over, and, once done, the new instance or why
 * there is none. Made on the actor's turn, run by a thread of the {@link SwapCoordinator}, taken back by a later turn
 * of the actor.
 *
 * <p>Threading: the final fields are set before the attempt is shared. {@code state}, {@code deadlineNs} and
 * {@code worker} are guarded by the coordinator's lock. {@link #made} and {@link #failure} are written once, before
 * the volatile {@code done}, so a turn that sees {@link #isDone()} sees them.
 */
final class SwapAttempt {
    /** Where the attempt is: waiting for a swap thread, on one, or over. Guarded by the coordinator's lock. */
    enum State { QUEUED, RUNNING, DONE }

    final ActorCell cell;
    /** The version to move to. */
    final Registration target;
    /** The version the actor ran when the attempt began, or null when it waited suspended. */
    final Registration from;
    /** The state handed over, plain JSON; null when there is none. */
    final JsonElement kept;
    /** The spec the new instance is made with. */
    final ActorSpec spec;
    /** The new instance's own context: revoked if the attempt is given up, so a late instance cannot act. */
    final CellContext context;
    /** {@code hamlet.registry.swap.timeout} when the attempt began: settings apply live, from the next swap on. */
    final long timeoutNs;

    /** When the actor stopped taking messages for it: the start of its pause. */
    final long createdNs = System.nanoTime();

    State state = State.QUEUED;
    /** On the coordinator's nano clock, set when a swap thread takes the attempt. */
    long deadlineNs;
    /** The swap thread running the attempt, while RUNNING. */
    SwapCoordinator.Worker worker;

    private Actor made;
    private String failure;
    private boolean byBreaker;
    private volatile boolean done;

    SwapAttempt(final ActorCell cell, final Registration target, final Registration from, final JsonElement kept,
                final ActorSpec spec, final CellContext context, final long timeoutNs) {
        this.cell = cell;
        this.target = target;
        this.from = from;
        this.kept = kept;
        this.spec = spec;
        this.context = context;
        this.timeoutNs = timeoutNs;
    }

    /** Sets the outcome once; the coordinator calls it under its lock, then wakes the cell. */
    void finish(final Actor instance, final String why) {
        finish(instance, why, false);
    }

    /** As {@link #finish(Actor, String)}, saying whether a broken version's breaker rolled it back. */
    void finish(final Actor instance, final String why, final boolean breaker) {
        made = instance;
        failure = why;
        byBreaker = breaker;
        done = true;
    }

    /** @return whether the attempt was rolled back, untried or cut short, by its version's circuit breaker */
    boolean byBreaker() {
        return byBreaker;
    }

    /** @return whether the outcome is set (then {@link #made} and {@link #failure} are final) */
    boolean isDone() {
        return done;
    }

    /** @return the new instance, started, when the attempt succeeded; else null. After {@link #isDone()}. */
    Actor made() {
        return made;
    }

    /** @return why the attempt failed, or null when it succeeded. After {@link #isDone()}. */
    String failure() {
        return failure;
    }
}
