package hamlet.api.cluster;

import java.util.Objects;

/**
 * One change in the cluster as this node saw it.
 *
 * @param type what changed
 * @param node the member it is about (this node's own id for MINORITY and MAJORITY)
 * @param actor the actor's name for ACTOR_ADDED, ACTOR_REMOVED, ACTIVATED, DEACTIVATED and REFUSED, else
 *     {@code null}
 * @param detail a sentence for operators (why a member was declared dead, which members are seen, ...)
 */
public record ClusterEvent(Type type, String node, String actor, String detail) {
    public ClusterEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
    }

    /** What changed. */
    public enum Type {
        /** A member was seen for the first time, or came back after being dead or left (status JOINING). */
        JOINED,
        /** A member is alive and stable: given work from now on (after JOINED and stable-after, or a refuted
         * suspicion). */
        ALIVE,
        /** A member missed a probe. */
        SUSPECT,
        /** A member was declared dead. */
        DEAD,
        /** A member left gracefully. */
        LEFT,
        /** A dead or left member was forgotten after remove-after. */
        REMOVED,
        /** This node sees at most half of the last stable membership. */
        MINORITY,
        /** This node sees more than half of the last stable membership again. */
        MAJORITY,
        /** A member's directory gained an actor. */
        ACTOR_ADDED,
        /** A member's directory lost an actor. */
        ACTOR_REMOVED,
        /** A cluster actor was activated on {@code node} (first, takeover, resume or handover: see the detail).
         * @since 1.1 */
        ACTIVATED,
        /** A cluster actor stopped on {@code node}: handed over, or fenced because the node lost its lease.
         * @since 1.1 */
        DEACTIVATED,
        /** A placement message was refused (older epoch, not from a member, state too large): see the detail.
         * @since 1.1 */
        REFUSED
    }
}
