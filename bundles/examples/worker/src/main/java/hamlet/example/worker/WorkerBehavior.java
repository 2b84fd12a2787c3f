package hamlet.example.worker;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code worker} behaviour: does small jobs and counts them. See {@link WorkerActor} for the messages.
 *
 * <p>Spawn workers in group {@code worker} (the admin API's {@code "group"}) so that a {@code job-router} finds them.
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=worker")
public final class WorkerBehavior implements ActorBehavior {
    @Override
    public Actor create(final ActorSpec spec) {
        return new WorkerActor(spec.name());
    }
}
