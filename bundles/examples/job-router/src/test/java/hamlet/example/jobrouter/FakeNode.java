package hamlet.example.jobrouter;

import hamlet.api.ActorContext;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of one router for tests, without OSGi or a registry: every other actor is a {@link RecordingRef} that only
 * records what it is sent, and the test plays the workers by delivering their replies to the router.
 */
final class FakeNode implements ActorSystem {
    static final String NODE = "node1";

    private final Map<String, ActorInfo> actors = new LinkedHashMap<>();
    private final Map<String, RecordingRef> refs = new LinkedHashMap<>();

    /** Adds an actor that {@link #actors()} lists. */
    RecordingRef add(final String name, final String behavior, final String group) {
        actors.put(name, new ActorInfo(Address.of(NODE, name), behavior, group, ActorInfo.State.RUNNING, 0, 0, 0));
        return recorder(name);
    }

    /** Takes an actor out of {@link #actors()}, as a stopped actor is. */
    void remove(final String name) {
        actors.remove(name);
    }

    /** The ref to a name, made on first use: for submitters, which need not be listed as actors. */
    RecordingRef recorder(final String name) {
        return refs.computeIfAbsent(name, RecordingRef::new);
    }

    /** The context of one call of the actor {@code self}, with {@code sender} as the message's sender. */
    ActorContext context(final ActorSpec spec, final ActorRef sender) {
        return new Context(spec, recorder(spec.name()), sender);
    }

    /** A message as the registry delivers it; a body is converted only when it already has the wanted type. */
    static Message message(final Object body, final ActorRef sender) {
        return new Message() {
            @Override
            public Object body() {
                return body;
            }

            @Override
            public <T> T body(final Class<T> type) {
                if (!type.isInstance(body)) {
                    throw new IllegalArgumentException("cannot convert " + body + " to " + type.getName());
                }
                return type.cast(body);
            }

            @Override
            public ActorRef sender() {
                return sender;
            }

            @Override
            public Address to() {
                return Address.named("r1");
            }
        };
    }

    @Override
    public String nodeId() {
        return NODE;
    }

    @Override
    public List<ActorInfo> actors() {
        return actors.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    @Override
    public Optional<ActorInfo> actor(final String name) {
        return Optional.ofNullable(actors.get(name));
    }

    @Override
    public ActorRef ref(final String address) {
        return recorder(Address.parse(address).name());
    }

    @Override
    public ActorRef ref(final Address address) {
        return recorder(address.name());
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        throw new UnsupportedOperationException("a router spawns nothing");
    }

    @Override
    public ActorRef spawn(final ActorSpec spec) {
        throw new UnsupportedOperationException("a router spawns nothing");
    }

    @Override
    public boolean stop(final String name) {
        throw new UnsupportedOperationException("a router stops nothing");
    }

    @Override
    public Set<String> behaviors() {
        return Set.of("job-router", "worker");
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return List.of();
    }

    @Override
    public long deadLetterCount() {
        return 0;
    }

    /** What a ref was sent. */
    record Sent(Object body, ActorRef sender) {
    }

    /** A ref that records what it is sent. */
    static final class RecordingRef implements ActorRef {
        private final Address address;
        final List<Sent> received = new ArrayList<>();

        RecordingRef(final String name) {
            this.address = Address.of(NODE, name);
        }

        @Override
        public Address address() {
            return address;
        }

        @Override
        public void tell(final Object body) {
            tell(body, null);
        }

        @Override
        public void tell(final Object body, final ActorRef sender) {
            received.add(new Sent(body, sender));
        }

        @Override
        public CompletionStage<Object> ask(final Object body, final Duration timeout) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        /** @return the body of the last message, removing nothing */
        Object last() {
            return received.get(received.size() - 1).body();
        }
    }

    private final class Context implements ActorContext {
        private final ActorSpec spec;
        private final RecordingRef self;
        private final ActorRef sender;

        Context(final ActorSpec spec, final RecordingRef self, final ActorRef sender) {
            this.spec = spec;
            this.self = self;
            this.sender = sender;
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
            if (sender == null) {
                throw new AssertionError("reply with no sender would be a dead letter: " + body);
            }
            sender.tell(body, self);
        }

        @Override
        public void tell(final String address, final Object body) {
            FakeNode.this.ref(address).tell(body, self);
        }

        @Override
        public ActorRef ref(final String address) {
            return FakeNode.this.ref(address);
        }

        @Override
        public ActorRef spawn(final String behavior, final String name) {
            throw new UnsupportedOperationException("a router spawns nothing");
        }

        @Override
        public void stop() {
            throw new UnsupportedOperationException("a router never stops itself");
        }

        @Override
        public ActorSpec spec() {
            return spec;
        }

        @Override
        public ActorSystem system() {
            return FakeNode.this;
        }

        @Override
        public Logger log() {
            return LoggerFactory.getLogger(JobRouterActor.class);
        }
    }
}
