package hamlet.example.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.Actor;
import hamlet.api.ActorSpec;
import hamlet.api.DeadLetter;
import hamlet.testkit.FakeActorContext;
import hamlet.testkit.FakeActorRef;
import hamlet.testkit.FakeMessage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LedgerActorTest {
    private final Actor ledger = new LedgerBehavior().create(ActorSpec.of("ledger", "ledger"));
    private final FakeActorRef self = new FakeActorRef("ledger");
    private final FakeActorRef client = new FakeActorRef("client");

    @Test
    void shouldCountNumberedMessagesAndTellTheLastNumberSeenBefore() throws Exception {
        final JsonObject first = ask(ledger, "{\"from\":\"s1\",\"seq\":1}");
        final JsonObject second = ask(ledger, "{\"from\":\"s1\",\"seq\":2}");
        final JsonObject other = ask(ledger, "{\"from\":\"s2\",\"seq\":1}");

        assertEquals(1, first.get("count").getAsLong());
        assertEquals(0, first.get("prev").getAsLong());
        assertEquals(2, second.get("count").getAsLong());
        assertEquals(1, second.get("prev").getAsLong());
        assertFalse(second.get("duplicate").getAsBoolean());
        assertEquals(0, other.get("prev").getAsLong(), "each sender has its own numbers");
        assertEquals(3, other.get("count").getAsLong());
        assertEquals("node1", other.get("node").getAsString(), "the node that runs it");
    }

    @Test
    void shouldReportADuplicateAndAGap() throws Exception {
        ask(ledger, "{\"from\":\"s1\",\"seq\":1}");
        ask(ledger, "{\"from\":\"s1\",\"seq\":2}");
        final JsonObject again = ask(ledger, "{\"from\":\"s1\",\"seq\":2}");
        ask(ledger, "{\"from\":\"s1\",\"seq\":5}");

        assertTrue(again.get("duplicate").getAsBoolean());
        assertEquals(2, again.get("prev").getAsLong());
        final JsonObject state = ask(ledger, "\"?\"");
        assertEquals(4, state.get("count").getAsLong(), "a duplicate is counted too: it was delivered");
        assertEquals(1, state.get("duplicates").getAsLong());
        assertEquals(2, state.get("gaps").getAsLong(), "3 and 4 were skipped");
        assertEquals(5, state.getAsJsonObject("senders").get("s1").getAsLong());
    }

    @Test
    void shouldCountANumberThatComesAfterAHigherOneAsLateNotAsADuplicate() throws Exception {
        ask(ledger, "{\"from\":\"s1\",\"seq\":1}");
        ask(ledger, "{\"from\":\"s1\",\"seq\":3}");
        final JsonObject gap = ask(ledger, "\"?\"");
        final JsonObject late = ask(ledger, "{\"from\":\"s1\",\"seq\":2}");
        final JsonObject again = ask(ledger, "{\"from\":\"s1\",\"seq\":2}");

        assertEquals(1, gap.get("gaps").getAsLong(), "2 is missing once 3 came");
        assertEquals("[2]", gap.getAsJsonObject("missing").get("s1").toString());
        assertTrue(late.get("late").getAsBoolean(), "2 came after 3: " + late);
        assertFalse(late.get("duplicate").getAsBoolean(), "2 had not been seen: " + late);
        assertTrue(again.get("duplicate").getAsBoolean(), "2 a second time: " + again);
        final JsonObject state = ask(ledger, "\"?\"");
        assertEquals(1, state.get("late").getAsLong());
        assertEquals(1, state.get("duplicates").getAsLong());
        assertEquals(0, state.get("gaps").getAsLong(), "nothing is missing any more: " + state);
        assertEquals(0, state.getAsJsonObject("missing").size(), "nothing is missing any more: " + state);
    }

    @Test
    void shouldCarryItsCountAndNumbersAcrossSnapshotAndRestore() throws Exception {
        ask(ledger, "{\"from\":\"s1\",\"seq\":1}");
        ask(ledger, "{\"from\":\"s1\",\"seq\":4}");
        ask(ledger, "tick");
        final JsonElement state = ledger.snapshot();

        final Actor next = new LedgerBehavior().create(ActorSpec.of("ledger", "ledger"));
        next.restore(JsonParser.parseString(state.toString()));
        final JsonObject after = ask(next, "{\"from\":\"s1\",\"seq\":5}");
        final JsonObject late = ask(next, "{\"from\":\"s1\",\"seq\":3}");

        assertEquals(4, after.get("count").getAsLong(), "the count goes on");
        assertEquals(4, after.get("prev").getAsLong(), "the numbers seen before the restore are kept");
        assertTrue(late.get("late").getAsBoolean(), "what was missing before the restore still is: " + late);
        assertEquals(0, ask(next, "{\"query\":true}").get("duplicates").getAsLong());
    }

    @Test
    void shouldNotCountAQueryNorAnswerADeadLetter() throws Exception {
        ask(ledger, "{\"from\":\"s1\",\"seq\":1}");
        final DeadLetter notice = new DeadLetter("client", "ledger", "x", DeadLetter.Reason.ACTOR_STOPPED,
            "client stopped", Instant.EPOCH);
        ledger.onMessage(FakeMessage.to("ledger", notice, client), context());
        ask(ledger, "{\"query\":true}");

        assertEquals(1, ask(ledger, "\"?\"").get("count").getAsLong());
    }

    private JsonObject ask(final Actor actor, final String json) throws Exception {
        final JsonElement parsed = JsonParser.parseString(json);
        final Object body = parsed.isJsonPrimitive() ? parsed.getAsString() : parsed;
        final FakeActorContext context = context();
        actor.onMessage(FakeMessage.to("ledger", body, client), context);
        assertEquals(1, context.replies().size(), "one reply to " + json);
        return (JsonObject) context.replies().get(0);
    }

    private FakeActorContext context() {
        return FakeActorContext.of(ActorSpec.of("ledger", "ledger"), self, client);
    }
}
