package hamlet.registry.internal;

import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.askFailure;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restart from the behaviour on failure, at most max-restarts within the window, driven by a fake clock. */
class SupervisionTest {
    private static final String LIMITS = "hamlet.registry.supervision { max-restarts = 2, within = 10s }";

    /** Counts instances and stops; "boom" throws, anything else replies with how many this instance handled. */
    private static final class Fragile {
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        Actor create() {
            created.incrementAndGet();
            return new Actor() {
                private int handled;

                @Override
                public void onMessage(final Message message, final ActorContext ctx) throws Exception {
                    if ("boom".equals(message.body())) {
                        throw new IllegalStateException("boom on purpose");
                    }
                    if ("boom when released".equals(message.body())) {
                        release.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                        throw new IllegalStateException("boom on purpose, later");
                    }
                    handled++;
                    ctx.reply(handled);
                }

                @Override
                public void onStop(final ActorContext ctx) {
                    stopped.incrementAndGet();
                }
            };
        }
    }

    private static int restarts(final TestNode node, final String name) {
        return node.system.actor(name).map(ActorInfo::restarts).orElse(-1);
    }

    @Test
    void shouldRestartAFailingActorFromItsBehaviourWithoutRetryingTheMessage() {
        try (TestNode node = new TestNode(LIMITS)) {
            final Fragile fragile = new Fragile();
            node.behavior("fragile", spec -> fragile.create());
            final ActorRef ref = node.system.spawn("fragile", "fragile");
            assertEquals(1, ask(ref, "count"));
            assertEquals(2, ask(ref, "count"));

            ref.tell("boom");
            assertEquals(1, ask(ref, "count"), "a fresh instance: its state starts again");
            assertEquals(2, fragile.created.get());
            assertEquals(1, fragile.stopped.get(), "the failed instance got onStop");
            assertEquals(1, restarts(node, "fragile"));
            assertEquals(ActorInfo.State.RUNNING, node.system.actor("fragile").orElseThrow().state());
            assertEquals(0, node.system.deadLetterCount(), "the failing message is dropped, not a dead letter");
        }
    }

    @Test
    void shouldStopAfterMaxRestartsWithinTheWindowAndCountAgainOnceItSlides() {
        try (TestNode node = new TestNode(LIMITS)) {
            final Fragile fragile = new Fragile();
            node.behavior("fragile", spec -> fragile.create());
            final ActorRef ref = node.system.spawn("fragile", "fragile");

            ref.tell("boom");
            assertEquals(1, ask(ref, "count"));
            node.advance(Duration.ofSeconds(5));
            ref.tell("boom");
            assertEquals(1, ask(ref, "count"));
            assertEquals(2, restarts(node, "fragile"));

            // Both restarts leave the 10 s window: two more are allowed.
            node.advance(Duration.ofSeconds(11));
            ref.tell("boom");
            assertEquals(1, ask(ref, "count"));
            ref.tell("boom");
            assertEquals(1, ask(ref, "count"));
            assertEquals(4, restarts(node, "fragile"));

            // A third failure within the window: stopped.
            ref.tell("boom");
            awaitTrue("stopped", () -> node.system.actor("fragile").isEmpty());
            assertEquals(5, fragile.created.get());
            awaitTrue("every instance got onStop, the last one too", () -> fragile.stopped.get() == 5);
            final Throwable failure = askFailure(ref, "count", TestNode.DEADLINE);
            final DeadLetter letter = ((DeadLetterException) failure).deadLetter();
            assertEquals(DeadLetter.Reason.ACTOR_STOPPED, letter.reason());
            assertTrue(letter.detail().contains("failed after 2 restarts within 10000 ms"), letter.detail());
        }
    }

    @Test
    void shouldSendTheWaitingMessagesOfAStoppedActorToDeadLetters() throws Exception {
        try (TestNode node = new TestNode("hamlet.registry.supervision.max-restarts = 0")) {
            final Fragile fragile = new Fragile();
            node.behavior("fragile", spec -> fragile.create());
            final ActorRef ref = node.system.spawn("fragile", "fragile");
            ref.tell("boom when released");
            ref.tell("waiting 1");
            final CompletableFuture<Object> waiting = ref.ask("waiting 2", TestNode.DEADLINE).toCompletableFuture();
            fragile.release.countDown();

            final Throwable failure = assertThrows(ExecutionException.class,
                () -> waiting.get(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).getCause();
            assertEquals(DeadLetter.Reason.ACTOR_STOPPED, ((DeadLetterException) failure).deadLetter().reason());
            awaitTrue("both waiting messages are dead letters", () -> node.system.deadLetterCount() == 2);
            assertEquals(List.of("waiting 1", "waiting 2"),
                node.system.deadLetters().stream().map(DeadLetter::body).toList());
            assertEquals(1, fragile.created.get(), "max-restarts = 0: never restarted");
        }
    }

    @Test
    void shouldRestartAnActorWhoseOnStartFails() {
        try (TestNode node = new TestNode(LIMITS)) {
            final AtomicInteger created = new AtomicInteger();
            node.behavior("shaky-start", spec -> {
                final int instance = created.incrementAndGet();
                return new Actor() {
                    @Override
                    public void onStart(final ActorContext ctx) {
                        if (instance == 1) {
                            throw new IllegalStateException("first start fails");
                        }
                    }

                    @Override
                    public void onMessage(final Message message, final ActorContext ctx) {
                        ctx.reply("instance " + instance);
                    }
                };
            });
            final ActorRef ref = node.system.spawn("shaky-start", "shaky");
            assertEquals("instance 2", ask(ref, "who"));
            assertEquals(1, restarts(node, "shaky"));
        }
    }

    @Test
    void shouldStopWhenTheBehaviourKeepsFailingToCreateOnRestart() {
        try (TestNode node = new TestNode(LIMITS)) {
            final AtomicInteger created = new AtomicInteger();
            node.behavior("once", spec -> {
                if (created.incrementAndGet() > 1) {
                    throw new IllegalStateException("cannot make another");
                }
                return (message, ctx) -> {
                    throw new IllegalStateException("always fails");
                };
            });
            node.system.spawn("once", "once").tell("go");
            awaitTrue("stopped after the restarts failed", () -> node.system.actor("once").isEmpty());
            assertEquals(3, created.get(), "the spawn, then two restart attempts");
        }
    }

    @Test
    void shouldApplyANewRestartLimitAtTheNextFailure() {
        try (TestNode node = new TestNode(LIMITS)) {
            final Fragile fragile = new Fragile();
            node.behavior("fragile", spec -> fragile.create());
            final ActorRef ref = node.system.spawn("fragile", "fragile");
            ref.tell("boom");
            assertEquals(1, ask(ref, "count"));

            node.system.applySettings(
                TestNode.settings("hamlet.registry.supervision { max-restarts = 1, within = 10s }"));
            ref.tell("boom");
            awaitTrue("the lowered limit stops it", () -> node.system.actor("fragile").isEmpty());
        }
    }

    @Test
    void shouldCountRestartWindowsOnTheInjectedClock() {
        final RestartWindow window = new RestartWindow();
        final long second = 1_000_000_000L;
        assertTrue(window.tryRestart(0, 2, 10 * second));
        assertTrue(window.tryRestart(9 * second, 2, 10 * second));
        assertFalse(window.tryRestart(9 * second + 1, 2, 10 * second));
        assertTrue(window.tryRestart(10 * second, 2, 10 * second), "the first left the window");
        assertEquals(2, window.inWindow());
        assertFalse(new RestartWindow().tryRestart(0, 0, second), "0 restarts allowed");
    }
}
