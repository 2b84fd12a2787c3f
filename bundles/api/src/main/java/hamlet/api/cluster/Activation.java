package hamlet.api.cluster;

import java.util.Objects;

/**
 * Placement's order to run a cluster actor on this node, from now on, under a new epoch.
 *
 * @param actor what to run
 * @param epoch this activation's epoch: higher than any earlier activation of the same actor anywhere; whatever
 *     carries an older epoch for this actor (state, handover, replica) is refused from now on
 * @param cause why it runs here now
 * @param previousOwner the node that ran it before, or {@code null} for a first activation
 */
public record Activation(ClusterActorSpec actor, long epoch, Cause cause, String previousOwner) {
    public Activation {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(cause, "cause");
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch " + epoch + " is below 1");
        }
    }

    /** Why an actor is activated on this node. */
    public enum Cause {
        /** Nobody ran it: a new actor, or a cluster that just formed. Restore from the newest copy held here. */
        FIRST,
        /** Its owner was declared dead by the majority and its lease has run out: restore from the newest copy held
         * here (this node is the replica). */
        TAKEOVER,
        /** This node's own activation lapsed with its lease and nobody took it over: restore from its own last
         * state. */
        RESUME,
        /** Its owner handed it over (a member joined or returned, or the owner was overloaded): the state and the
         * waiting messages come with the handover. */
        HANDOVER
    }
}
