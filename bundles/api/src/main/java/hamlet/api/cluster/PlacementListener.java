package hamlet.api.cluster;

/**
 * Runs what placement decides on this node: a whiteboard service that the registry registers and the gossip bundle
 * calls.
 *
 * <p>Threading: called from the gossip bundle's notifier thread, in the order placement decided, never under a
 * lock; an implementation hands off to its own threads and returns. It reports back through {@link Placement}.
 */
public interface PlacementListener {
    /** Run a cluster actor here from now on: restore its state as {@link Activation#cause()} says. */
    void activate(Activation activation);

    /**
     * Stop running a cluster actor here: the old activation takes no more messages.
     *
     * @param name the actor's name
     * @param epoch the epoch of the activation that stops
     * @param handTo the member to hand its state and waiting messages to under {@code nextEpoch}; {@code null} when
     *     this node lost its lease (fenced: keep the state and the waiting messages here until placement says where
     *     they go, through a later activate or {@link #forward})
     * @param nextEpoch the new owner's epoch, when {@code handTo} is set
     * @param reason a sentence for operators
     */
    void deactivate(String name, long epoch, String handTo, long nextEpoch, String reason);

    /**
     * A fenced activation of this node was taken over elsewhere: send whatever waited here for it (mailbox and
     * held messages) to its new owner, in order, and forget its state.
     *
     * @param name the actor's name
     * @param owner the new owner
     * @param epoch the new owner's epoch
     */
    void forward(String name, String owner, long epoch);
}
