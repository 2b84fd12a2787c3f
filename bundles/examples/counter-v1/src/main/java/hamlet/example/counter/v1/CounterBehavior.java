package hamlet.example.counter.v1;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code counter} behaviour, version 1: counts every message. Version 2 (the bundle hamlet-example-counter-v2,
 * same symbolic name, Bundle-Version 2.0.0) adds a rate; dropping it into {@code deploy/} moves running counters to
 * it with their counts.
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=counter")
public final class CounterBehavior implements ActorBehavior {
    @Override
    public Actor create(final ActorSpec spec) {
        return new CounterActor();
    }
}
