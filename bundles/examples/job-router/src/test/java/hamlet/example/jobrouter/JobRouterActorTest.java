package hamlet.example.jobrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.Actor;
import hamlet.api.ActorSpec;
import hamlet.api.DeadLetter;
import hamlet.testkit.FakeActorRef;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobRouterActorTest {
    private static final String FIB = "{\"task\":\"fib\",\"n\":10}";

    private final FakeNode node = new FakeNode();
    private final FakeActorRef alice = node.recorder("alice");
    private final FakeActorRef bob = node.recorder("bob");
    /** Per worker, how many of its jobs {@link #answer} has answered. */
    private final Map<String, Integer> answered = new HashMap<>();
    private ActorSpec spec = ActorSpec.of("job-router", "r1");
    private Actor router = new JobRouterBehavior().create(spec);

    @Test
    void shouldSpreadJobsEvenlyWhenNoneIsAnsweredYet() throws Exception {
        final List<FakeActorRef> workers = addWorkers("w1", "w2", "w3");
        node.add("e1", "echo", null);

        for (int i = 0; i < 6; i++) {
            submit(alice, FIB);
        }

        for (final FakeActorRef worker : workers) {
            assertEquals(2, worker.received().size(), worker.address().toString());
        }
        assertTrue(node.recorder("e1").received().isEmpty(), "only the group's actors get jobs");
    }

    @Test
    void shouldTakeTurnsWhenEveryWorkerAnswersAtOnce() throws Exception {
        final List<FakeActorRef> workers = addWorkers("w1", "w2", "w3");

        for (int i = 0; i < 6; i++) {
            submit(alice, FIB);
            final FakeActorRef chosen = workers.get(i % 3);
            assertEquals(1 + i / 3, chosen.received().size(), "job " + i + " goes to " + chosen.address());
            answer(chosen, 55);
        }
    }

    @Test
    void shouldPickTheWorkerWithFewestJobsInFlight() throws Exception {
        final List<FakeActorRef> workers = addWorkers("w1", "w2");
        submit(alice, FIB);
        submit(alice, FIB);
        submit(alice, FIB);
        answer(workers.get(0), 55);
        answer(workers.get(0), 55);

        submit(alice, FIB);

        assertEquals(3, workers.get(0).received().size(), "w1 had none in flight, w2 had one");
        assertEquals(1, workers.get(1).received().size());
    }

    @Test
    void shouldSendTheWorkerACopyOfTheJobWithTheRoutersIdAndItselfAsSender() throws Exception {
        final FakeActorRef w1 = addWorkers("w1").get(0);
        final JsonObject job = json("{\"task\":\"fib\",\"n\":10,\"id\":\"mine\"}").getAsJsonObject();

        router.onMessage(FakeNode.message(job, alice), node.context(spec, alice));

        assertEquals(json("{\"task\":\"fib\",\"n\":10,\"id\":1}"), w1.last());
        assertEquals("r1", w1.received().get(0).sender().address().name());
        assertEquals("mine", job.get("id").getAsString(), "the submitter's job is left as it was");
    }

    @Test
    void shouldReturnEachResultToItsOwnSubmitterAsTheWorkerReplied() throws Exception {
        final FakeActorRef w1 = addWorkers("w1").get(0);
        submit(alice, "{\"task\":\"fib\",\"n\":10,\"id\":\"a-1\"}");
        submit(bob, "{\"task\":\"words\",\"text\":\"to be\"}");
        final JsonObject toAlice = (JsonObject) w1.received().get(0).body();
        final JsonObject toBob = (JsonObject) w1.received().get(1).body();

        reply(w1, "{\"worker\":\"w1\",\"task\":\"words\",\"result\":2,\"done\":1,\"id\":" + toBob.get("id") + "}");
        reply(w1, "{\"worker\":\"w1\",\"task\":\"fib\",\"result\":55,\"done\":2,\"id\":" + toAlice.get("id") + "}");

        assertEquals(json("{\"worker\":\"w1\",\"task\":\"words\",\"result\":2,\"done\":1}"), bob.last());
        assertEquals(json("{\"worker\":\"w1\",\"task\":\"fib\",\"result\":55,\"done\":2,\"id\":\"a-1\"}"),
                alice.last());
        assertEquals(1, alice.received().size());
        assertEquals(1, bob.received().size());
        assertSame(w1, alice.received().get(0).sender(), "the result comes from the worker");
    }

    @Test
    void shouldReplyNoWorkersWhenTheGroupIsEmpty() throws Exception {
        node.add("e1", "echo", null);
        node.add("w1", "worker", "other");

        submit(alice, FIB);

        assertEquals(json("{\"router\":\"r1\",\"error\":\"no workers in group worker\"}"), alice.last());
    }

    @Test
    void shouldRouteToTheGroupNamedInItsConfig() throws Exception {
        spec = new ActorSpec("r1", "job-router", null, json("{\"group\":\"crunchers\"}").getAsJsonObject());
        router = new JobRouterBehavior().create(spec);
        final FakeActorRef w1 = addWorkers("w1").get(0);

        submit(alice, FIB);
        assertEquals(json("{\"router\":\"r1\",\"error\":\"no workers in group crunchers\"}"), alice.last());

        final FakeActorRef c1 = node.add("c1", "worker", "crunchers");
        submit(alice, FIB);
        assertEquals(1, c1.received().size());
        assertTrue(w1.received().isEmpty());
    }

    @Test
    void shouldShareJobsBetweenLocalMembersAndWorkersListedByAddress() throws Exception {
        spec = new ActorSpec("r1", "job-router", null,
                json("{\"workers\":[\"node2:worker-a-1\",\"node3:worker-b-1\"]}").getAsJsonObject());
        router = new JobRouterBehavior().create(spec);
        final FakeActorRef local = addWorkers("w1").get(0);

        for (int i = 0; i < 6; i++) {
            submit(alice, FIB);
        }

        assertEquals(2, local.received().size());
        assertEquals(2, node.recorder("worker-a-1").received().size(), "sent to node2:worker-a-1");
        assertEquals(2, node.recorder("worker-b-1").received().size(), "sent to node3:worker-b-1");
        submit(bob, "{\"task\":\"stats\"}");
        assertEquals(json("{\"node2:worker-a-1\":2,\"node3:worker-b-1\":2,\"w1\":2}"),
                ((JsonObject) bob.last()).get("workers"));
    }

    @Test
    void shouldReachListedClusterActorsByBareNameAndUseALocalOneThatIsListedOnce() throws Exception {
        spec = new ActorSpec("r1", "job-router", null,
                json("{\"workers\":[\"worker-1\",\"worker-2\"]}").getAsJsonObject());
        router = new JobRouterBehavior().create(spec);
        final FakeActorRef here = addWorkers("worker-1").get(0);

        for (int i = 0; i < 4; i++) {
            submit(alice, FIB);
        }

        assertEquals(2, here.received().size(), "worker-1, local and listed, is one worker");
        assertEquals(2, node.recorder("worker-2").received().size());
        submit(bob, "{\"task\":\"stats\"}");
        assertEquals(json("{\"worker-1\":2,\"worker-2\":2}"), ((JsonObject) bob.last()).get("workers"));
    }

    @Test
    void shouldGoOnCountingWhereItsSnapshotLeftOffWhenRestoredElsewhere() throws Exception {
        final List<FakeActorRef> workers = addWorkers("w1", "w2");
        submit(alice, FIB);
        submit(alice, FIB);
        submit(alice, FIB);
        answer(workers.get(0), 55);
        answer(workers.get(1), 55);
        final JsonElement state = router.snapshot();

        router = new JobRouterBehavior().create(spec);
        router.restore(state);
        reply(workers.get(0), "{\"worker\":\"w1\",\"task\":\"fib\",\"result\":55,\"done\":2,\"id\":3}");
        submit(bob, FIB);

        assertEquals(json("{\"task\":\"fib\",\"n\":10,\"id\":4}"), workers.get(1).last(),
                "job numbers go on, so the late reply to job 3 of the old instance matches nothing");
        assertEquals(2, alice.received().size(), "job 3 was in flight, and is not carried");
        submit(bob, "{\"task\":\"stats\"}");
        assertEquals(json("{\"router\":\"r1\",\"routed\":4,\"completed\":2,\"workers\":{\"w1\":2,\"w2\":2}}"),
                bob.last());
    }

    @Test
    void shouldRefuseToRestoreAStateThatIsNotARoutersAndKeepItsOwn() throws Exception {
        addWorkers("w1");
        submit(alice, FIB);

        for (final String bad : List.of("7", "{\"routed\":1}", "{\"nextId\":2,\"routed\":1,\"completed\":0,"
                + "\"workers\":[]}")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> router.restore(json(bad)), bad);
            assertTrue(e.getMessage().contains("not a state of a job-router"), e.getMessage());
        }
        submit(bob, "{\"task\":\"stats\"}");
        assertEquals(1, ((JsonObject) bob.last()).get("routed").getAsInt());
    }

    @Test
    void shouldRefuseToBeCreatedWhenItsWorkersAreNotAddressesOfOneWorker() {
        for (final String bad : List.of("{\"workers\":\"node2:w\"}", "{\"workers\":[\"*:w\"]}",
                "{\"workers\":[\"node2:a b\"]}", "{\"workers\":[1]}")) {
            final ActorSpec spec = new ActorSpec("r1", "job-router", null, json(bad).getAsJsonObject());
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new JobRouterBehavior().create(spec), bad);
            assertTrue(refused.getMessage().contains("config workers"), refused.getMessage());
        }
    }

    @Test
    void shouldRefuseToBeCreatedWhenItsConfigNamesNoValidGroup() {
        final ActorSpec bad = new ActorSpec("r1", "job-router", null, json("{\"group\":\"a b\"}").getAsJsonObject());

        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JobRouterBehavior().create(bad));

        assertTrue(e.getMessage().contains("config group"), e.getMessage());
    }

    @Test
    void shouldReplyAnErrorAndFreeTheSlotWhenAWorkerCannotTakeTheJob() throws Exception {
        final List<FakeActorRef> workers = addWorkers("w1", "w2");
        submit(alice, "{\"task\":\"fib\",\"n\":1,\"id\":9}");
        submit(bob, FIB);
        node.remove("w1");
        final DeadLetter lost = new DeadLetter("node1:w1", "node1:r1", workers.get(0).last(),
                DeadLetter.Reason.ACTOR_STOPPED, "w1 stopped", Instant.EPOCH);

        router.onMessage(FakeNode.message(lost, null), node.context(spec, null));

        final JsonObject error = (JsonObject) alice.last();
        assertEquals("r1", error.get("router").getAsString());
        assertEquals(9, error.get("id").getAsInt());
        assertTrue(error.get("error").getAsString().contains("w1 did not take the job: ACTOR_STOPPED"), error + "");
        node.add("w1", "worker", "worker");
        submit(bob, FIB);
        assertEquals(2, workers.get(0).received().size(), "w1's slot was freed, so it is the lighter one again");
    }

    @Test
    void shouldDropADeadLetterThatIsNotAJobInFlight() throws Exception {
        addWorkers("w1");
        submit(alice, FIB);
        final DeadLetter lostReply = new DeadLetter("node1:bob", "node1:r1", json("{\"router\":\"r1\",\"id\":1}"),
                DeadLetter.Reason.ACTOR_STOPPED, "bob stopped", Instant.EPOCH);

        router.onMessage(FakeNode.message(lostReply, null), node.context(spec, null));

        assertTrue(alice.received().isEmpty(), "alice's job is still in flight");
    }

    @Test
    void shouldDropAWorkerReplyToAnUnknownId() throws Exception {
        final FakeActorRef w1 = addWorkers("w1").get(0);
        submit(alice, FIB);

        reply(w1, "{\"worker\":\"w1\",\"task\":\"fib\",\"result\":55,\"done\":1,\"id\":999}");
        reply(w1, "{\"worker\":\"w1\",\"task\":\"fib\",\"result\":55,\"done\":1}");

        assertTrue(alice.received().isEmpty());
        submit(bob, "{\"task\":\"stats\"}");
        assertEquals(0, ((JsonObject) bob.last()).get("completed").getAsInt());
    }

    @Test
    void shouldReplyStatsOfRoutedAndCompletedJobsPerWorker() throws Exception {
        final List<FakeActorRef> workers = addWorkers("w1", "w2", "w3");
        submit(alice, FIB);
        answer(workers.get(0), 55);
        submit(alice, FIB);

        submit(bob, "{\"task\":\"stats\"}");

        assertEquals(json("{\"router\":\"r1\",\"routed\":2,\"completed\":1,\"workers\":{\"w1\":1,\"w2\":1,\"w3\":0}}"),
                bob.last());
    }

    @Test
    void shouldReplyAnErrorWhenTheJobIsNotAJsonObject() throws Exception {
        addWorkers("w1");

        router.onMessage(FakeNode.message("fib 10", alice), node.context(spec, alice));

        final JsonObject error = (JsonObject) alice.last();
        assertTrue(error.get("error").getAsString().startsWith("a job must be a JSON object"), error + "");
        assertTrue(node.recorder("w1").received().isEmpty());
    }

    @Test
    void shouldTellWaitingSubmittersWhenItStops() throws Exception {
        addWorkers("w1");
        submit(alice, FIB);
        submit(bob, FIB);

        router.onStop(node.context(spec, null));

        assertTrue(((JsonObject) alice.last()).get("error").getAsString().contains("stopped"));
        assertTrue(((JsonObject) bob.last()).get("error").getAsString().contains("stopped"));
        assertFalse(((JsonObject) bob.last()).has("id"));
    }

    private List<FakeActorRef> addWorkers(final String... names) {
        return Arrays.stream(names).map(name -> node.add(name, "worker", "worker")).toList();
    }

    private void submit(final FakeActorRef from, final String body) throws Exception {
        router.onMessage(FakeNode.message(json(body), from), node.context(spec, from));
    }

    /** Plays a worker answering the oldest job it has not answered yet, echoing its id as a worker does. */
    private void answer(final FakeActorRef worker, final long result) throws Exception {
        final int oldest = answered.merge(worker.address().name(), 1, Integer::sum) - 1;
        final JsonObject job = (JsonObject) worker.received().get(oldest).body();
        reply(worker, "{\"worker\":\"" + worker.address().name() + "\",\"task\":\"fib\",\"result\":" + result
                + ",\"done\":1,\"id\":" + job.get("id") + "}");
    }

    private void reply(final FakeActorRef worker, final String body) throws Exception {
        router.onMessage(FakeNode.message(json(body), worker), node.context(spec, worker));
    }

    private static JsonElement json(final String text) {
        return JsonParser.parseString(text);
    }
}
