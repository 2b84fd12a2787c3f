package hamlet.it.container;

import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.AskTimeoutException;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.SpawnException;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** Spawn, tell, ask, ask timeout and dead letters, through the ActorSystem service of the real bundles. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ActorRuntimeIT extends ContainerTestSupport {
    private static final Duration ASK = Duration.ofSeconds(5);

    @After
    public void cleanUp() {
        system.actors().forEach(actor -> system.stop(actor.name()));
        unregisterBehaviors();
    }

    @Test
    public void shouldSpawnTheEchoExampleAndAnswerAnAsk() throws Exception {
        awaitTrue("echo behaviour from its bundle", () -> system.behaviors().contains("echo"));
        final ActorRef echo = system.spawn("echo", "echo-1");

        assertEquals("it-node:echo-1", echo.address().toString());
        assertEquals("hello", echo.ask("hello", ASK).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals("hello", system.ref("it-node:echo-1").ask("hello", ASK).toCompletableFuture().get(5, TimeUnit.SECONDS));
        final ActorInfo info = system.actor("echo-1").orElseThrow();
        assertEquals("echo", info.behavior());
        assertEquals(ActorInfo.State.RUNNING, info.state());
        assertEquals(2, info.processed());
    }

    @Test
    public void shouldDeliverTellsInOrderWithTheSender() {
        final ConcurrentLinkedQueue<Object> seen = new ConcurrentLinkedQueue<>();
        registerBehavior("recorder", spec -> (message, ctx) -> seen.add(message.body()));
        final ActorRef recorder = system.spawn("recorder", "recorder-1");
        for (int i = 0; i < 1000; i++) {
            recorder.tell(i);
        }
        awaitTrue("1000 messages recorded", () -> seen.size() == 1000);
        int expected = 0;
        for (final Object body : seen) {
            assertEquals(expected++, body);
        }
    }

    @Test
    public void shouldTimeOutAnAskThatGetsNoReply() {
        registerBehavior("silent", spec -> ignoring());
        final ActorRef silent = system.spawn("silent", "silent-1");
        try {
            silent.ask("anyone?", Duration.ofMillis(200)).toCompletableFuture().join();
            fail("an ask nobody answers must time out");
        } catch (final CompletionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof AskTimeoutException);
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("silent-1"));
        }
    }

    @Test
    public void shouldRefuseUnknownBehavioursAndTakenNames() {
        try {
            system.spawn("no-such-behaviour", "x");
            fail("unknown behaviour must be refused");
        } catch (final SpawnException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no-such-behaviour"));
        }
        system.spawn("echo", "taken");
        try {
            system.spawn("echo", "taken");
            fail("a taken name must be refused");
        } catch (final SpawnException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("taken"));
        }
    }

    @Test
    public void shouldGiveADeadLetterForAnUnknownActor() {
        final long before = system.deadLetterCount();
        try {
            system.ref("nobody-here").ask("hello?", ASK).toCompletableFuture().join();
            fail("an ask of an unknown actor must fail");
        } catch (final CompletionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof DeadLetterException);
            assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, ((DeadLetterException) e.getCause()).deadLetter().reason());
        }
        assertEquals(before + 1, system.deadLetterCount());
        final DeadLetter last = system.deadLetters().get(system.deadLetters().size() - 1);
        assertEquals("hello?", last.body());
        assertTrue(last.to(), last.to().contains("nobody-here"));
    }

    @Test
    public void shouldSendTheDeadLetterToAnActorSender() {
        final ConcurrentLinkedQueue<Object> seen = new ConcurrentLinkedQueue<>();
        registerBehavior("forwarder", spec -> (message, ctx) -> {
            if ("go".equals(message.body())) {
                ctx.tell("ghost", "boo");
            } else {
                seen.add(message.body());
            }
        });
        system.spawn("forwarder", "forwarder-1").tell("go");
        awaitTrue("the dead letter came back to its sender", () -> !seen.isEmpty());
        final DeadLetter notice = (DeadLetter) seen.peek();
        assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, notice.reason());
        assertEquals("boo", notice.body());
    }

    @Test
    public void shouldDeadLetterMessagesForAnotherNodeWithoutTransport() {
        try {
            system.ref("other-node:echo").ask("hi", ASK).toCompletableFuture().join();
            fail("no transport yet: a remote address must be a dead letter");
        } catch (final CompletionException e) {
            assertEquals(DeadLetter.Reason.NO_TRANSPORT, ((DeadLetterException) e.getCause()).deadLetter().reason());
        }
    }

    @Test
    public void shouldDeadLetterMessagesToAStoppedActor() {
        final ActorRef echo = system.spawn("echo", "short-lived");
        assertTrue(system.stop("short-lived"));
        assertFalse(system.stop("short-lived"));
        try {
            echo.ask("still there?", ASK).toCompletableFuture().join();
            fail("a stopped actor must not answer");
        } catch (final CompletionException e) {
            final DeadLetter.Reason reason = ((DeadLetterException) e.getCause()).deadLetter().reason();
            assertTrue(String.valueOf(reason),
                reason == DeadLetter.Reason.ACTOR_STOPPED || reason == DeadLetter.Reason.UNKNOWN_ACTOR);
        }
    }

    @Test
    public void shouldRejectMalformedAddresses() {
        try {
            system.ref("a:b:c");
            fail("a malformed address must be refused");
        } catch (final IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("more than one ':'"));
        }
    }
}
