package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;

/** Until there is a transport: every message for another node is a dead letter, NO_TRANSPORT. */
final class NoTransportRouter implements RemoteRouter {
    private final DeadLetters deadLetters;

    NoTransportRouter(final DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void send(final String node, final Address to, final Object body, final ActorRef sender) {
        deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.NO_TRANSPORT,
            "no transport to node " + node);
    }
}
