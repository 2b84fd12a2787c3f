package hamlet.example.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerActorTest {
    private final FakeActorRef self = new FakeActorRef("w1");
    private final FakeActorRef client = new FakeActorRef("client");
    private final Actor worker = new WorkerBehavior().create(ActorSpec.of("worker", "w1"));

    @Test
    void shouldReplyFibonacciNumberAndCountWhenGivenAFibJob() throws Exception {
        assertEquals(json("{\"worker\":\"w1\",\"task\":\"fib\",\"result\":55,\"done\":1}"),
                send("{\"task\":\"fib\",\"n\":10}"));
        assertEquals(json("{\"worker\":\"w1\",\"task\":\"fib\",\"result\":0,\"done\":2}"),
                send("{\"task\":\"fib\",\"n\":0}"));
        assertEquals(2880067194370816120L, send("{\"task\":\"fib\",\"n\":90}").get("result").getAsLong());
    }

    @Test
    void shouldCountWordsWhenGivenAWordsJob() throws Exception {
        assertEquals(json("{\"worker\":\"w1\",\"task\":\"words\",\"result\":4,\"done\":1}"),
                send("{\"task\":\"words\",\"text\":\"  the quick\\tbrown\\n fox \"}"));
        assertEquals(0, send("{\"task\":\"words\",\"text\":\"   \"}").get("result").getAsLong());
    }

    @Test
    void shouldReplyJobsDoneWhenAskedForStats() throws Exception {
        send("{\"task\":\"fib\",\"n\":3}");
        send("{\"task\":\"words\",\"text\":\"a b\"}");

        assertEquals(json("{\"worker\":\"w1\",\"done\":2}"), send("{\"task\":\"stats\"}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"n\":3}                          | task is missing",
        "{\"task\":7}                       | task must be a string",
        "{\"task\":\"dance\"}               | unknown task 'dance'; expected fib, words or stats",
        "{\"task\":\"fib\"}                 | n is missing",
        "{\"task\":\"fib\",\"n\":91}        | n must be an integer from 0 to 90, got 91",
        "{\"task\":\"fib\",\"n\":-1}        | n must be an integer from 0 to 90, got -1",
        "{\"task\":\"fib\",\"n\":2.5}       | n must be an integer from 0 to 90, got 2.5",
        "{\"task\":\"fib\",\"n\":\"10\"}    | n must be an integer from 0 to 90, got \"10\"",
        "{\"task\":\"words\"}               | text is missing",
        "{\"task\":\"words\",\"text\":[1]}  | text must be a string, got [1]",
        "[1,2]                              | a job must be a JSON object",
    })
    void shouldReplyAnErrorAndCountNothingWhenTheJobIsBad(final String job, final String error) throws Exception {
        final JsonObject reply = send(job);

        assertEquals("w1", reply.get("worker").getAsString());
        assertTrue(reply.get("error").getAsString().startsWith(error), reply.toString());
        assertEquals(0, send("{\"task\":\"stats\"}").get("done").getAsLong());
    }

    @Test
    void shouldReplyAnErrorWhenTheBodyIsPlainText() throws Exception {
        worker.onMessage(message("fib 10", client), context(client));

        final JsonObject reply = (JsonObject) client.received().get(0).body();
        assertTrue(reply.get("error").getAsString().startsWith("a job must be a JSON object"), reply.toString());
    }

    @Test
    void shouldCarryTheJobIdIntoResultsAndErrors() throws Exception {
        assertEquals(7, send("{\"task\":\"fib\",\"n\":5,\"id\":7}").get("id").getAsInt());
        assertEquals("x", send("{\"task\":\"nope\",\"id\":\"x\"}").get("id").getAsString());
        assertEquals(json("{\"worker\":\"w1\",\"id\":[1],\"done\":1}"), send("{\"task\":\"stats\",\"id\":[1]}"));
    }

    @Test
    void shouldDoTheJobWithoutReplyingWhenThereIsNoSender() throws Exception {
        worker.onMessage(message(json("{\"task\":\"fib\",\"n\":4}"), null), context(null));

        assertEquals(1, send("{\"task\":\"stats\"}").get("done").getAsLong());
    }

    @Test
    void shouldNotAnswerADeadLetter() throws Exception {
        final DeadLetter lost = new DeadLetter("client", "w1", json("{\"worker\":\"w1\",\"done\":0}"),
                DeadLetter.Reason.ACTOR_STOPPED, "client stopped", Instant.EPOCH);

        worker.onMessage(message(lost, client), context(client));

        assertTrue(client.received().isEmpty());
    }

    @Test
    void shouldKeepItsCountAcrossSnapshotAndRestore() throws Exception {
        send("{\"task\":\"fib\",\"n\":1}");
        final JsonElement state = worker.snapshot();
        final Actor successor = new WorkerBehavior().create(ActorSpec.of("worker", "w1"));

        successor.restore(state);
        successor.onMessage(message(json("{\"task\":\"stats\"}"), client), context(client));

        assertEquals(1, ((JsonObject) client.received().get(1).body()).get("done").getAsLong());
    }

    /** Sends a JSON body from the client and returns the worker's one reply. */
    private JsonObject send(final String body) throws Exception {
        final int before = client.received().size();
        worker.onMessage(message(json(body), client), context(client));
        assertEquals(before + 1, client.received().size(), "one reply per job");
        assertEquals(self, client.received().get(before).sender());
        return (JsonObject) client.received().get(before).body();
    }

    private static JsonElement json(final String text) {
        return JsonParser.parseString(text);
    }

    private FakeActorContext context(final ActorRef sender) {
        return FakeActorContext.of(ActorSpec.of("worker", "w1"), self, sender);
    }

    private static FakeMessage message(final Object body, final ActorRef sender) {
        return FakeMessage.to("w1", body, sender);
    }
}
