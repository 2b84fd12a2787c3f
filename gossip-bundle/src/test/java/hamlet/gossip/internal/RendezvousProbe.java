package hamlet.gossip.internal;

import java.util.List;

/** Lets the simulator's tests ask the hashing where an actor belongs. */
public final class RendezvousProbe {
    private RendezvousProbe() {
    }

    public static String first(final String actor, final List<String> nodes) {
        return Rendezvous.rank(actor, nodes).get(0);
    }
}
