package hamlet.example.load;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The {@code sender} behaviour: a load source. Owns one timer thread, shared by all its actors, that only tells
 * each sending actor a tick (actors must not block or sleep, so a fixed rate needs a clock outside them).
 */
@Component(service = ActorBehavior.class, property = ActorBehavior.NAME_PROPERTY + "=sender")
public final class SenderBehavior implements ActorBehavior {
    private ScheduledExecutorService timer;

    @Activate
    void activate() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "hamlet-load-sender-ticks");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    @Override
    public Actor create(final ActorSpec spec) {
        return new SenderActor(spec.name(), timer);
    }
}
