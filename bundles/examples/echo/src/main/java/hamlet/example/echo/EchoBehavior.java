package hamlet.example.echo;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code echo} behaviour: every actor spawned with it replies with the very body it got.
 *
 * <p>This is the smallest complete Hamlet bundle: one DS component that provides {@link ActorBehavior} with the
 * service property {@code hamlet.behavior=echo}, and one {@link Actor}. Once this bundle is started, {@code echo}
 * appears in the node's behaviours and {@code actor:spawn echo NAME} works; when it stops, the name goes away.
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=echo")
public final class EchoBehavior implements ActorBehavior {
    @Override
    public Actor create(final ActorSpec spec) {
        // The actor has no state, but the contract is a fresh instance per spawn and restart: never share one.
        return new EchoActor();
    }
}
