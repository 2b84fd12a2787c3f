package hamlet.example.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import hamlet.api.Actor;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.DeadLetter;
import hamlet.testkit.FakeActorContext;
import hamlet.testkit.FakeActorRef;
import hamlet.testkit.FakeMessage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EchoActorTest {
    private final Actor echo = new EchoBehavior().create(ActorSpec.of("echo", "echo-1"));
    private final FakeActorRef self = new FakeActorRef("echo-1");
    private final FakeActorRef client = new FakeActorRef("client");

    @Test
    void shouldReplyWithTheVeryBodyWhenSentAJsonObject() throws Exception {
        final Object body = JsonParser.parseString("{\"hello\":[1,2,3]}");

        echo.onMessage(message(body, client), context(client));

        assertEquals(1, client.received().size());
        assertSame(body, client.received().get(0).body());
        assertSame(self, client.received().get(0).sender());
    }

    @Test
    void shouldReplyWithTheStringWhenSentAString() throws Exception {
        echo.onMessage(message("hello", client), context(client));

        assertEquals("hello", client.received().get(0).body());
    }

    @Test
    void shouldStayQuietWhenThereIsNoSender() throws Exception {
        final FakeActorContext context = context(null);

        echo.onMessage(message("hello", null), context);

        assertEquals(0, context.replies().size());
    }

    @Test
    void shouldNotAnswerADeadLetter() throws Exception {
        final DeadLetter notice = new DeadLetter("client", "echo-1", "hello", DeadLetter.Reason.ACTOR_STOPPED,
                "client stopped", Instant.EPOCH);

        echo.onMessage(message(notice, client), context(client));

        assertTrue(client.received().isEmpty());
    }

    private FakeActorContext context(final ActorRef sender) {
        return FakeActorContext.of(ActorSpec.of("echo", "echo-1"), self, sender);
    }

    private static FakeMessage message(final Object body, final ActorRef sender) {
        return FakeMessage.to("echo-1", body, sender);
    }
}
