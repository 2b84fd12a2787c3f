package hamlet.example.jobrouter;

import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.Address;
import hamlet.api.Message;
import hamlet.testkit.FakeActorContext;
import hamlet.testkit.FakeActorRef;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node of one router for tests: the testkit's system, where every ref (local or on another node) is a
 * {@link FakeActorRef} per actor name that only records what it is told, so the test plays the workers by delivering
 * their replies to the router.
 */
final class FakeNode extends FakeActorSystem {
    private final Map<String, FakeActorRef> refs = new LinkedHashMap<>();

    FakeNode() {
        super("job-router", "worker", "echo");
    }

    /** Adds an actor that {@link #actors()} lists. */
    FakeActorRef add(final String name, final String behavior, final String group) {
        spawn(new ActorSpec(name, behavior, group, null));
        return recorder(name);
    }

    /** Takes an actor out of {@link #actors()}, as a stopped actor is. */
    void remove(final String name) {
        stop(name);
    }

    /** The ref to a name, made on first use: for submitters, which need not be listed as actors. */
    synchronized FakeActorRef recorder(final String name) {
        return refs.computeIfAbsent(name, FakeActorRef::new);
    }

    /** The context of one call of the actor {@code spec}, with {@code sender} as the message's sender. */
    ActorContext context(final ActorSpec spec, final ActorRef sender) {
        return new FakeActorContext(this, spec, recorder(spec.name()), sender);
    }

    /** A message to the router r1 as the registry delivers it. */
    static Message message(final Object body, final ActorRef sender) {
        return FakeMessage.to("r1", body, sender);
    }

    @Override
    public ActorRef ref(final Address address) {
        return recorder(address.name());
    }
}
