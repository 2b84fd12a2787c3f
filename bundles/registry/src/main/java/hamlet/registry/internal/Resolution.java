package hamlet.registry.internal;

/**
 * Where an address leads, as a {@link Resolver} answers it at one moment: the {@link Router} delivers by it, and
 * {@link RemoteInbox} refuses by it what is not for this node. A value: it may be stale a moment later (the actor
 * stops, the directory changes), and whoever acts on it copes with that as a send always has.
 */
sealed interface Resolution permits Resolution.Local, Resolution.Remote, Resolution.Group, Resolution.Unknown {

    /**
     * An actor of this node.
     *
     * @param cell the actor, which may retire before the message reaches it (its enqueue then says so)
     */
    record Local(ActorCell cell) implements Resolution {
    }

    /**
     * An actor on another node: what the transport is for.
     *
     * @param nodeId the node it lives on, never this one
     */
    record Remote(String nodeId) implements Resolution {
    }

    /**
     * Any one member of a group; the router picks it at each send.
     *
     * @param group the group's name
     */
    record Group(String group) implements Resolution {
    }

    /**
     * No actor has the name where the address leads: a dead letter, UNKNOWN_ACTOR.
     *
     * @param nodeId the node that was meant (this one for a bare name no node hosts)
     * @param why for the dead letter's detail
     */
    record Unknown(String nodeId, String why) implements Resolution {
    }
}
