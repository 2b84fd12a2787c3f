package hamlet.testkit;

import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The context of one call of an actor, without OSGi or a registry. A reply is recorded and told to the sender (a
 * reply with no sender fails the test: the registry would make it a dead letter); a tell is recorded and told to
 * {@code system.ref(address)}; ref and spawn go to the system. An actor that stops itself is recorded too.
 */
public class FakeActorContext implements ActorContext {
    /** What the actor told to an address through its context. */
    public record Told(String address, Object body) {
    }

    private final ActorSystem system;
    private final ActorSpec spec;
    private final FakeActorRef self;
    private final ActorRef sender;
    private final List<Object> replies = new CopyOnWriteArrayList<>();
    private final List<Told> tells = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    public FakeActorContext(final ActorSystem system, final ActorSpec spec, final FakeActorRef self,
                            final ActorRef sender) {
        this.system = system;
        this.spec = spec;
        this.self = self;
        this.sender = sender;
    }

    /** A context on a fresh {@link FakeActorSystem}, for an actor that only replies. */
    public static FakeActorContext of(final ActorSpec spec, final FakeActorRef self, final ActorRef sender) {
        return new FakeActorContext(new FakeActorSystem(), spec, self, sender);
    }

    @Override
    public ActorRef self() {
        return self;
    }

    @Override
    public ActorRef sender() {
        return sender;
    }

    @Override
    public void reply(final Object body) {
        replies.add(body);
        if (sender == null) {
            throw new AssertionError("reply with no sender would be a dead letter: " + body);
        }
        sender.tell(body, self);
    }

    @Override
    public void tell(final String address, final Object body) {
        tells.add(new Told(address, body));
        system.ref(address).tell(body, self);
    }

    @Override
    public ActorRef ref(final String address) {
        return system.ref(address);
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        return system.spawn(behavior, name);
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public ActorSpec spec() {
        return spec;
    }

    @Override
    public ActorSystem system() {
        return system;
    }

    @Override
    public Logger log() {
        return LoggerFactory.getLogger("hamlet.testkit." + spec.behavior());
    }

    /** @return the bodies replied, oldest first, including a reply that had no sender */
    public List<Object> replies() {
        return Collections.unmodifiableList(replies);
    }

    /** @return what was told through {@link #tell(String, Object)}, oldest first */
    public List<Told> tells() {
        return Collections.unmodifiableList(tells);
    }

    /** @return whether the actor asked to stop itself */
    public boolean stopped() {
        return stopped;
    }
}
