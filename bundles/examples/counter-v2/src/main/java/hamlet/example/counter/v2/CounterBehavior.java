package hamlet.example.counter.v2;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code counter} behaviour, version 2: counts every message, as version 1 does, and keeps a running rate.
 * Restores version 1's state ({@code {"count": N}}) as well as its own.
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=counter")
public final class CounterBehavior implements ActorBehavior {
    @Override
    public Actor create(final ActorSpec spec) {
        return new CounterActor(System::nanoTime);
    }
}
