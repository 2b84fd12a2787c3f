package hamlet.it.container;

import hamlet.api.Actor;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import hamlet.api.ActorContext;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** Supervision (restart, then give up) and the mailbox bound, with limits set in the node's config. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SupervisionAndBoundsIT extends ContainerTestSupport {
    private static final int MAILBOX = 16;

    @Override
    protected String nodeConf() {
        return "hamlet.node.id = it-node\n"
            + "hamlet.registry.mailbox.capacity = " + MAILBOX + "\n"
            + "hamlet.registry.supervision.max-restarts = 2\n"
            + "hamlet.registry.supervision.within = 1m\n";
    }

    @After
    public void cleanUp() {
        system.actors().forEach(actor -> system.stop(actor.name()));
        unregisterBehaviors();
    }

    @Test
    public void shouldRestartAFailingActorFromItsBehaviourThenGiveUp() throws Exception {
        final AtomicInteger created = new AtomicInteger();
        registerBehavior("fragile", spec -> {
            created.incrementAndGet();
            return new Actor() {
                private int handled;

                @Override
                public void onMessage(final Message message, final ActorContext ctx) {
                    if ("boom".equals(message.body())) {
                        throw new IllegalStateException("boom on purpose");
                    }
                    handled++;
                    ctx.reply(handled);
                }
            };
        });
        final ActorRef fragile = system.spawn("fragile", "fragile-1");
        assertEquals(1, fragile.ask("count", Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS));

        fragile.tell("boom");
        // A restart makes a fresh instance from the behaviour: its state starts again.
        assertEquals(1, fragile.ask("count", Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(2, created.get());
        assertEquals(1, system.actor("fragile-1").orElseThrow().restarts());

        fragile.tell("boom");
        awaitTrue("second restart", () -> system.actor("fragile-1").map(ActorInfo::restarts).orElse(0) == 2);
        fragile.tell("boom");
        awaitTrue("given up after max-restarts = 2 within 1m", () -> system.actor("fragile-1")
            .map(info -> info.state() == ActorInfo.State.STOPPED).orElse(true));
        final long before = system.deadLetterCount();
        fragile.tell("anyone?");
        awaitTrue("messages to the stopped actor are dead letters", () -> system.deadLetterCount() == before + 1);
        assertEquals(3, created.get());
    }

    @Test
    public void shouldDeadLetterWhatOverflowsTheMailboxAndLoseNothingElse() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch blocked = new CountDownLatch(1);
        final AtomicInteger handled = new AtomicInteger();
        registerBehavior("slow", spec -> (message, ctx) -> {
            if ("block".equals(message.body())) {
                blocked.countDown();
                release.await(20, TimeUnit.SECONDS);
            }
            handled.incrementAndGet();
        });
        final ActorRef slow = system.spawn("slow", "slow-1");
        slow.tell("block");
        assertTrue(blocked.await(20, TimeUnit.SECONDS));

        final long before = system.deadLetterCount();
        final int sent = MAILBOX * 4;
        for (int i = 0; i < sent; i++) {
            slow.tell(i);
        }
        final long overflowed = system.deadLetterCount() - before;
        assertTrue("some of " + sent + " must overflow a mailbox of " + MAILBOX, overflowed > 0);
        assertTrue(system.deadLetters().stream().anyMatch(d -> d.reason() == DeadLetter.Reason.MAILBOX_FULL));

        release.countDown();
        awaitTrue("every message that was not dead-lettered is handled",
            () -> handled.get() == 1 + sent - overflowed);
    }
}
