package hamlet.example.ledger;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code ledger} behaviour: a counter that also keeps, per sender, the last sequence number it saw, so that a
 * test sending numbered messages can tell from the replies and the state whether anything was lost, seen twice or
 * skipped across a failover. See {@link LedgerActor}.
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=ledger")
public final class LedgerBehavior implements ActorBehavior {
    @Override
    public Actor create(final ActorSpec spec) {
        return new LedgerActor();
    }
}
