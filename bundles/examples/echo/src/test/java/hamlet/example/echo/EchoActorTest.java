package hamlet.example.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EchoActorTest {
    private final Actor echo = new EchoBehavior().create(ActorSpec.of("echo", "echo-1"));
    private final RecordingRef self = new RecordingRef("echo-1");
    private final RecordingRef client = new RecordingRef("client");

    @Test
    void shouldReplyWithTheVeryBodyWhenSentAJsonObject() throws Exception {
        final Object body = JsonParser.parseString("{\"hello\":[1,2,3]}");

        echo.onMessage(new FakeMessage(body, client), new FakeContext(self, client));

        assertEquals(1, client.received.size());
        assertSame(body, client.received.get(0).body());
        assertSame(self, client.received.get(0).sender());
    }

    @Test
    void shouldReplyWithTheStringWhenSentAString() throws Exception {
        echo.onMessage(new FakeMessage("hello", client), new FakeContext(self, client));

        assertEquals("hello", client.received.get(0).body());
    }

    @Test
    void shouldStayQuietWhenThereIsNoSender() throws Exception {
        final FakeContext context = new FakeContext(self, null);

        echo.onMessage(new FakeMessage("hello", null), context);

        assertEquals(0, context.replies);
    }

    @Test
    void shouldNotAnswerADeadLetter() throws Exception {
        final DeadLetter notice = new DeadLetter("client", "echo-1", "hello", DeadLetter.Reason.ACTOR_STOPPED,
                "client stopped", Instant.EPOCH);

        echo.onMessage(new FakeMessage(notice, client), new FakeContext(self, client));

        assertTrue(client.received.isEmpty());
    }

    /** What a ref was sent. */
    private record Sent(Object body, ActorRef sender) {
    }

    /** A ref that only records what it is sent. */
    private static final class RecordingRef implements ActorRef {
        private final Address address;
        private final List<Sent> received = new ArrayList<>();

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
            throw new UnsupportedOperationException("not used by echo");
        }
    }

    private record FakeMessage(Object body, ActorRef sender) implements Message {
        @Override
        public <T> T body(final Class<T> type) {
            return type.cast(body);
        }

        @Override
        public Address to() {
            return Address.named("echo-1");
        }
    }

    /** The context of one call: replies go to the given sender, as the registry does. */
    private static final class FakeContext implements ActorContext {
        private final RecordingRef self;
        private final ActorRef sender;
        private int replies;

        FakeContext(final RecordingRef self, final ActorRef sender) {
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
            replies++;
            if (sender != null) {
                sender.tell(body, self);
            }
        }

        @Override
        public void tell(final String address, final Object body) {
            throw new UnsupportedOperationException("not used by echo");
        }

        @Override
        public ActorRef ref(final String address) {
            throw new UnsupportedOperationException("not used by echo");
        }

        @Override
        public ActorRef spawn(final String behavior, final String name) {
            throw new UnsupportedOperationException("not used by echo");
        }

        @Override
        public void stop() {
            throw new UnsupportedOperationException("not used by echo");
        }

        @Override
        public ActorSpec spec() {
            return ActorSpec.of("echo", "echo-1");
        }

        @Override
        public ActorSystem system() {
            // Echo only asks the system for the node id, for its log lines.
            return (ActorSystem) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ActorSystem.class}, (proxy, method, args) -> {
                        if (method.getName().equals("nodeId")) {
                            return "node1";
                        }
                        throw new UnsupportedOperationException(method.getName() + " not used by echo");
                    });
        }

        @Override
        public Logger log() {
            return LoggerFactory.getLogger(EchoActor.class);
        }
    }
}
