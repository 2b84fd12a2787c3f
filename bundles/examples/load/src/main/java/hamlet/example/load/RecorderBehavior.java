package hamlet.example.load;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code recorder} behaviour: the receiving end of {@code sender}'s numbered load. Spec config:
 * {@code ackEvery} (default {@value RecorderActor#DEFAULT_ACK_EVERY}): every that many messages from one sender,
 * it acknowledges the last one to its sender (the sender's flow control and round-trip latency).
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=recorder")
public final class RecorderBehavior implements ActorBehavior {
    @Override
    public Actor create(final ActorSpec spec) {
        return new RecorderActor(spec);
    }
}
