package hamlet.registry.internal;

import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.AskTimeoutException;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.askFailure;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spawn, tell, ask, stop and what an actor sees of the runtime. */
class LocalActorSystemTest {
    private static Actor echo() {
        return (message, ctx) -> ctx.reply(message.body());
    }

    @Test
    void shouldAnswerAnAskWithTheBodyTheActorReplied() {
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> echo());
            final ActorRef ref = node.system.spawn("echo", "echo-1");

            assertEquals("node1:echo-1", ref.address().toString());
            assertEquals("hello", ask(ref, "hello"));
            assertEquals(42, ask(node.system.ref("echo-1"), 42));
            assertEquals("again", ask(node.system.ref("node1:echo-1"), "again"));
            assertEquals(0, node.system.pendingAsks(), "answered asks leave nothing behind, their timeouts cancelled");
        }
    }

    @Test
    void shouldAnswerAnAskThroughARefMadeFromItsAddress() {
        // A router keeps its submitters' addresses as text (so that they survive a snapshot) and answers later.
        try (TestNode node = new TestNode()) {
            node.behavior("later", spec -> (message, ctx) -> ctx.ref(ctx.sender().address().toString())
                .tell("answered through " + ctx.sender().address().name().substring(0, 9)));
            final ActorRef ref = node.system.spawn("later", "later");
            assertEquals("answered through temp-ask-", ask(ref, "hello"));
        }
    }

    @Test
    void shouldDeliverTellsFromOneSenderInOrder() {
        try (TestNode node = new TestNode()) {
            final ConcurrentLinkedQueue<Object> seen = new ConcurrentLinkedQueue<>();
            node.behavior("recorder", spec -> (message, ctx) -> seen.add(message.body()));
            final ActorRef recorder = node.system.spawn("recorder", "recorder");
            for (int i = 0; i < 5_000; i++) {
                recorder.tell(i);
            }
            awaitTrue("5000 recorded", () -> seen.size() == 5_000);
            int expected = 0;
            for (final Object body : seen) {
                assertEquals(expected++, body);
            }
            assertEquals(5_000, node.system.actor("recorder").orElseThrow().processed());
        }
    }

    @Test
    void shouldRunOnStartOnTheActorsFirstTurnBeforeAnyMessage() {
        try (TestNode node = new TestNode()) {
            final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
            node.behavior("lifecycle", spec -> new Actor() {
                @Override
                public void onStart(final ActorContext ctx) {
                    events.add("start on " + Thread.currentThread().getName().startsWith("hamlet-node1-dispatcher"));
                }

                @Override
                public void onMessage(final Message message, final ActorContext ctx) {
                    events.add("message " + message.body());
                    ctx.reply("ok");
                }
            });
            final ActorRef ref = node.system.spawn("lifecycle", "life");
            awaitTrue("onStart ran without any message", () -> events.contains("start on true"));
            ask(ref, 1);
            assertEquals(List.of("start on true", "message 1"), List.copyOf(events));
        }
    }

    @Test
    void shouldGiveTheReceiverItsSenderAndLetItReplyToIt() {
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> echo());
            // The client forwards a question to the echo with itself as sender, then answers the asker.
            final AtomicReference<ActorRef> asker = new AtomicReference<>();
            node.behavior("client", spec -> (message, ctx) -> {
                if (message.sender() != null && message.sender().address().name().startsWith("temp-ask-")) {
                    asker.set(ctx.sender());
                    ctx.tell("echo", "via client: " + message.body());
                } else {
                    assertEquals("node1:echo", ctx.sender().address().toString());
                    asker.get().tell(message.body(), ctx.self());
                }
            });
            node.system.spawn("echo", "echo");
            final ActorRef client = node.system.spawn("client", "client");
            assertEquals("via client: hi", ask(client, "hi"));
        }
    }

    @Test
    void shouldTimeOutAnAskThatGetsNoReplyNamingTheActorAndTheTimeout() {
        try (TestNode node = new TestNode()) {
            node.behavior("silent", spec -> (message, ctx) -> { });
            final ActorRef silent = node.system.spawn("silent", "silent");

            final Throwable failure = askFailure(silent, "anyone?", Duration.ofMillis(50));
            assertInstanceOf(AskTimeoutException.class, failure);
            assertEquals("no reply from node1:silent within 50 ms", failure.getMessage());
            awaitTrue("the expired ask is forgotten", () -> node.system.pendingAsks() == 0);
        }
    }

    @Test
    void shouldUseTheConfiguredDefaultTimeoutWhenAnAskGivesNone() {
        try (TestNode node = new TestNode("hamlet.registry.ask.default-timeout = 30ms")) {
            node.behavior("silent", spec -> (message, ctx) -> { });
            final ActorRef silent = node.system.spawn("silent", "silent");

            final Throwable failure = askFailure(silent, "anyone?", null);
            assertEquals("no reply from node1:silent within 30 ms", failure.getMessage());
            assertThrows(IllegalArgumentException.class, () -> silent.ask("x", Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> silent.ask("x", Duration.ofMillis(-1)));
            assertThrows(NullPointerException.class, () -> silent.tell(null));
        }
    }

    @Test
    void shouldMakeADeadLetterOfAReplyThatComesAfterTheAskEnded() throws Exception {
        try (TestNode node = new TestNode()) {
            final CountDownLatch release = new CountDownLatch(1);
            node.behavior("late", spec -> (message, ctx) -> {
                if (message.body() instanceof DeadLetter) {
                    return;
                }
                release.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                ctx.reply("too late");
            });
            final ActorRef late = node.system.spawn("late", "late");
            assertInstanceOf(AskTimeoutException.class, askFailure(late, "q", Duration.ofMillis(20)));
            release.countDown();
            awaitTrue("the late reply is a dead letter", () -> node.system.deadLetterCount() == 1);
            final DeadLetter letter = node.system.deadLetters().get(0);
            assertEquals("too late", letter.body());
            assertTrue(letter.to().startsWith("node1:temp-ask-"), letter.to());
            assertEquals("node1:late", letter.from());
        }
    }

    @Test
    void shouldDeadLetterAReplyWithNoSenderWithoutNotifyingTheReplier() {
        try (TestNode node = new TestNode()) {
            final AtomicInteger received = new AtomicInteger();
            node.behavior("replier", spec -> (message, ctx) -> {
                if ("count".equals(message.body())) {
                    ctx.reply(received.get());
                } else {
                    received.incrementAndGet();
                    ctx.reply("answer to nobody");
                }
            });
            final ActorRef replier = node.system.spawn("replier", "replier");
            replier.tell("no sender here");
            awaitTrue("a NO_SENDER dead letter", () -> node.system.deadLetterCount() == 1);
            final DeadLetter letter = node.system.deadLetters().get(0);
            assertEquals(DeadLetter.Reason.NO_SENDER, letter.reason());
            assertEquals("node1:replier", letter.from());
            assertEquals("answer to nobody", letter.body());
            // Had the notice gone back to the replier, it would have replied to it again, and again.
            assertEquals(1, ask(replier, "count"));
            assertEquals(1, node.system.deadLetterCount());
        }
    }

    @Test
    void shouldStopAnActorRunningOnStopAndDeadLetterWhatComesAfter() {
        try (TestNode node = new TestNode()) {
            final CountDownLatch stopped = new CountDownLatch(1);
            node.behavior("stoppable", spec -> new Actor() {
                @Override
                public void onMessage(final Message message, final ActorContext ctx) {
                    ctx.reply(message.body());
                }

                @Override
                public void onStop(final ActorContext ctx) {
                    stopped.countDown();
                }
            });
            final ActorRef ref = node.system.spawn("stoppable", "s");
            assertEquals("up", ask(ref, "up"));
            assertTrue(node.system.stop("s"));
            assertFalse(node.system.stop("s"));
            assertFalse(node.system.stop("never-was"));
            awaitTrue("onStop ran", () -> stopped.getCount() == 0);
            assertTrue(node.system.actor("s").isEmpty());

            final Throwable failure = askFailure(ref, "still there?", TestNode.DEADLINE);
            assertEquals(DeadLetter.Reason.ACTOR_STOPPED, ((DeadLetterException) failure).deadLetter().reason());
            // The name is free again, and an old ref sends to the new actor of that name.
            node.system.spawn("stoppable", "s");
            assertEquals("back", ask(ref, "back"));
        }
    }

    @Test
    void shouldStopFromInsideAfterTheCurrentMessage() {
        try (TestNode node = new TestNode()) {
            final ConcurrentLinkedQueue<Object> handled = new ConcurrentLinkedQueue<>();
            final CountDownLatch hold = new CountDownLatch(1);
            node.behavior("quitter", spec -> (message, ctx) -> {
                hold.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                handled.add(message.body());
                if ("quit".equals(message.body())) {
                    ctx.stop();
                }
            });
            final ActorRef quitter = node.system.spawn("quitter", "quitter");
            quitter.tell("quit");
            quitter.tell("after 1");
            quitter.tell("after 2");
            hold.countDown();
            awaitTrue("stopped", () -> node.system.actor("quitter").isEmpty());
            awaitTrue("the two later messages are dead letters", () -> node.system.deadLetterCount() == 2);
            assertEquals(List.of("quit"), List.copyOf(handled));
            assertEquals(DeadLetter.Reason.ACTOR_STOPPED, node.system.deadLetters().get(0).reason());
        }
    }

    @Test
    void shouldDescribeActorsForOperators() {
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> echo());
            node.system.spawn(new ActorSpec("b-worker", "echo", "workers", null));
            final ActorRef a = node.system.spawn("echo", "a-echo");
            ask(a, 1);
            ask(a, 2);

            final List<ActorInfo> actors = node.system.actors();
            assertEquals(List.of("a-echo", "b-worker"), actors.stream().map(ActorInfo::name).toList());
            final ActorInfo info = node.system.actor("a-echo").orElseThrow();
            assertEquals("node1:a-echo", info.address().toString());
            assertEquals("echo", info.behavior());
            assertNull(info.group());
            assertEquals(ActorInfo.State.RUNNING, info.state());
            assertEquals(0, info.mailboxSize());
            assertEquals(2, info.processed());
            assertEquals(0, info.restarts());
            assertEquals("workers", node.system.actor("b-worker").orElseThrow().group());
            assertTrue(node.system.actor("nobody").isEmpty());
        }
    }

    @Test
    void shouldGiveActorsALoggerNamedAfterNodeAndActorAndTheirSpec() {
        try (TestNode node = new TestNode()) {
            node.behavior("introspect", spec -> (message, ctx) ->
                ctx.reply(ctx.log().getName() + " " + ctx.spec().name() + " " + ctx.system().nodeId() + " "
                    + ctx.self().address()));
            final ActorRef ref = node.system.spawn("introspect", "me");
            assertEquals("hamlet.actor.node1.me me node1 node1:me", ask(ref, "who"));
        }
    }

    @Test
    void shouldSpawnFromInsideAnActor() {
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> echo());
            node.behavior("parent", spec -> (message, ctx) -> {
                final ActorRef child = ctx.spawn("echo", "child");
                child.tell("from parent", ctx.sender());
            });
            assertEquals("from parent", ask(node.system.spawn("parent", "parent"), "go"));
            assertTrue(node.system.actor("child").isPresent());
        }
    }

    @Test
    void shouldGiveTheDispatcherThreadItsContextClassLoaderBackAfterEachMessage() {
        try (TestNode node = new TestNode("hamlet.registry.dispatcher.parallelism = 1")) {
            final ClassLoader foreign = new ClassLoader(null) { };
            node.behavior("swapper", spec -> (message, ctx) -> {
                final ClassLoader seen = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(foreign);
                ctx.reply(seen);
            });
            final ActorRef swapper = node.system.spawn("swapper", "swapper");
            final Object first = ask(swapper, 1);
            final Object second = ask(swapper, 2);
            assertNotEquals(foreign, first);
            assertSame(first, second, "the loader left by the first message is gone by the second");
        }
    }

    @Test
    void shouldStopEveryActorAndFailWaitingAsksOnClose() {
        final TestNode node = new TestNode();
        final CountDownLatch starts = new CountDownLatch(3);
        final CountDownLatch stops = new CountDownLatch(3);
        node.behavior("mortal", spec -> new Actor() {
            @Override
            public void onStart(final ActorContext ctx) {
                starts.countDown();
            }

            @Override
            public void onMessage(final Message message, final ActorContext ctx) {
                // Never answers.
            }

            @Override
            public void onStop(final ActorContext ctx) {
                stops.countDown();
            }
        });
        final ActorRef first = node.system.spawn("mortal", "m1");
        node.system.spawn("mortal", "m2");
        node.system.spawn("mortal", "m3");
        final var waiting = first.ask("never answered", Duration.ofMinutes(5)).toCompletableFuture();
        awaitTrue("the ask's message is handled and its reply awaited", () -> node.system.pendingAsks() == 1
            && node.system.actor("m1").orElseThrow().processed() == 1);
        awaitTrue("all three started (an actor stopped before its first turn gets neither onStart nor onStop)",
            () -> starts.getCount() == 0);

        node.close();
        assertEquals(0, stops.getCount(), "every onStop ran before close returned");
        assertTrue(node.system.actors().isEmpty());
        final Throwable failure = assertThrows(Exception.class, waiting::join).getCause();
        assertInstanceOf(AskTimeoutException.class, failure);
        assertTrue(failure.getMessage().contains("node node1 stopped"), failure.getMessage());
        assertThrows(hamlet.api.SpawnException.class, () -> node.system.spawn("mortal", "m4"));
        node.close();
    }
}
