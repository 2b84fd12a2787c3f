package hamlet.example.worker;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.Message;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context of one worker call, without OSGi or a registry: replies are recorded on the sender's ref. */
final class FakeActorContext implements ActorContext {
    private static final Gson GSON = new Gson();

    private final RecordingRef self;
    private final ActorRef sender;

    FakeActorContext(final RecordingRef self, final ActorRef sender) {
        this.self = self;
        this.sender = sender;
    }

    /** Builds a message to {@code self}, converting bodies the way the registry does. */
    static Message message(final Object body, final ActorRef sender) {
        return new Message() {
            @Override
            public Object body() {
                return body;
            }

            @Override
            public <T> T body(final Class<T> type) {
                if (type.isInstance(body)) {
                    return type.cast(body);
                }
                try {
                    final T converted = body instanceof String text
                            ? GSON.fromJson(text, type) : GSON.fromJson(GSON.toJsonTree(body), type);
                    if (converted == null) {
                        throw new IllegalArgumentException("cannot convert an empty body to " + type.getName());
                    }
                    return converted;
                } catch (final JsonParseException e) {
                    throw new IllegalArgumentException("cannot convert " + body.getClass().getName() + " to "
                            + type.getName(), e);
                }
            }

            @Override
            public ActorRef sender() {
                return sender;
            }

            @Override
            public Address to() {
                return Address.named("w1");
            }
        };
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
        throw new UnsupportedOperationException("a worker only replies");
    }

    @Override
    public ActorRef ref(final String address) {
        throw new UnsupportedOperationException("a worker only replies");
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        throw new UnsupportedOperationException("a worker only replies");
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("a worker never stops itself");
    }

    @Override
    public ActorSpec spec() {
        return ActorSpec.of("worker", self.address().name());
    }

    @Override
    public ActorSystem system() {
        // The worker only asks the system for the node id, for its log lines.
        return (ActorSystem) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ActorSystem.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("nodeId")) {
                        return "node1";
                    }
                    throw new UnsupportedOperationException(method.getName() + " is not used by a worker");
                });
    }

    @Override
    public Logger log() {
        return LoggerFactory.getLogger(WorkerActor.class);
    }

    /** What a ref was sent. */
    record Sent(Object body, ActorRef sender) {
    }

    /** A ref that records what it is sent. */
    static final class RecordingRef implements ActorRef {
        private final Address address;
        final List<Sent> received = new ArrayList<>();

        RecordingRef(final String name) {
            this.address = Address.of("node1", name);
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
    }
}
