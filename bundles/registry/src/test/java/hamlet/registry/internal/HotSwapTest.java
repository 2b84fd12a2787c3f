package hamlet.registry.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorContext;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.BehaviorInfo;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The swap state machine with fake behaviours: versions, suspension, rollback, timeouts. No OSGi. */
class HotSwapTest {
    /** Counts messages and checks they come in the order sent (each body a number, one more than the last). */
    static class Counter implements Actor {
        final String version;
        long count;
        long last;
        boolean outOfOrder;

        Counter(final String version) {
            this.version = version;
        }

        @Override
        public void onMessage(final Message message, final ActorContext context) {
            if ("?".equals(message.body())) {
                final JsonObject reply = new JsonObject();
                reply.addProperty("count", count);
                reply.addProperty("version", version);
                reply.addProperty("inOrder", !outOfOrder);
                context.reply(reply);
                return;
            }
            final long n = message.body(Long.class);
            outOfOrder |= n != last + 1;
            last = n;
            count++;
        }

        @Override
        public JsonElement snapshot() {
            final JsonObject state = new JsonObject();
            state.addProperty("count", count);
            state.addProperty("last", last);
            state.addProperty("outOfOrder", outOfOrder);
            return state;
        }

        @Override
        public void restore(final JsonElement state) {
            count = state.getAsJsonObject().get("count").getAsLong();
            last = state.getAsJsonObject().get("last").getAsLong();
            outOfOrder = state.getAsJsonObject().get("outOfOrder").getAsBoolean();
        }
    }

    private static ActorBehavior counter(final String version) {
        return spec -> new Counter(version);
    }

    private static JsonObject state(final ActorRef ref) {
        return (JsonObject) ask(ref, "?");
    }

    @Test
    void shouldMoveEveryActorToAHigherVersionWithItsCountAndOrderKeptUnderTraffic() throws Exception {
        try (TestNode node = new TestNode()) {
            node.system.registerBehavior("counter", counter("1.0.0"), "1.0.0", "test.counter");
            final List<ActorRef> refs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                refs.add(node.system.spawn("counter", "c" + i));
            }
            final AtomicBoolean go = new AtomicBoolean(true);
            final long[] sent = new long[refs.size()];
            final Thread sender = new Thread(() -> {
                while (go.get()) {
                    for (int i = 0; i < refs.size(); i++) {
                        refs.get(i).tell(++sent[i]);
                    }
                }
            });
            sender.start();
            awaitTrue("traffic flows", () -> node.system.actor("c0").orElseThrow().processed() > 100);
            node.system.registerBehavior("counter", counter("2.0.0"), "2.0.0", "test.counter");
            awaitTrue("all on 2.0.0", () -> node.system.actors().stream()
                .allMatch(info -> "2.0.0".equals(info.behaviorVersion())));
            go.set(false);
            sender.join();

            for (int i = 0; i < refs.size(); i++) {
                final JsonObject reply = state(refs.get(i));
                assertEquals(sent[i], reply.get("count").getAsLong(), "no message lost or doubled for c" + i);
                assertEquals("2.0.0", reply.get("version").getAsString());
                assertTrue(reply.get("inOrder").getAsBoolean(), "order kept for c" + i);
            }
            final BehaviorInfo info = node.system.behaviorDetails().get(0);
            assertEquals("2.0.0", info.version());
            assertEquals(List.of("2.0.0", "1.0.0"), info.versions());
            awaitTrue("the swap tallied", () -> node.system.behaviorDetails().get(0).lastSwap().moved() == 20);
            assertTrue(node.system.behaviorDetails().get(0).lastSwap().succeeded());
            assertEquals(0, node.system.deadLetterCount());
        }
    }

    @Test
    void shouldSpawnWithTheHighestVersionWhateverTheOrderOfRegistration() {
        try (TestNode node = new TestNode()) {
            node.system.registerBehavior("counter", counter("2.0.0"), "2.0.0", null);
            node.system.registerBehavior("counter", counter("1.5.0"), "1.5.0", null);
            assertEquals("2.0.0", state(node.system.spawn("counter", "c")).get("version").getAsString());
            assertEquals("2.0.0", node.system.actor("c").orElseThrow().behaviorVersion());
        }
    }

    @Test
    void shouldSuspendWhenTheVersionGoesThenResumeWithTheNextAndTheWaitingMessagesInOrder() {
        try (TestNode node = new TestNode()) {
            final ActorBehavior v1 = counter("1.0.0");
            node.system.registerBehavior("counter", v1, "1.0.0", null);
            final ActorRef ref = node.system.spawn("counter", "c");
            ref.tell(1L);
            ref.tell(2L);
            node.system.unregisterBehavior("counter", v1);
            assertEquals(ActorInfo.State.SUSPENDED, node.system.actor("c").orElseThrow().state(),
                "suspended before the unregistration returns: the snapshot was taken while v1 was whole");
            ref.tell(3L);
            ref.tell(4L);
            final int waiting = node.system.actor("c").orElseThrow().mailboxSize();
            assertTrue(waiting >= 2 && waiting <= 4, "3 and 4 wait (1 and 2 too unless handled first): " + waiting);
            final BehaviorInfo missing = node.system.behaviorDetails().get(0);
            assertEquals(BehaviorInfo.State.MISSING, missing.state());
            assertEquals(1, missing.suspended());

            node.system.registerBehavior("counter", counter("1.0.1"), "1.0.1", null);

            final JsonObject reply = state(ref);
            assertEquals(4, reply.get("count").getAsLong());
            assertTrue(reply.get("inOrder").getAsBoolean());
            assertEquals("1.0.1", reply.get("version").getAsString());
        }
    }

    @Test
    void shouldKeepTheOldVersionAndReportWhyWhenRestoreThrows() {
        try (TestNode node = new TestNode()) {
            node.system.registerBehavior("counter", counter("1.0.0"), "1.0.0", null);
            final ActorRef ref = node.system.spawn("counter", "c");
            ref.tell(1L);
            node.system.registerBehavior("counter", spec -> new Counter("2.0.0") {
                @Override
                public void restore(final JsonElement state) {
                    throw new IllegalStateException("cannot read this state");
                }
            }, "2.0.0", null);

            awaitTrue("the swap tallied", () -> node.system.behaviorDetails().get(0).lastSwap() != null
                && node.system.behaviorDetails().get(0).lastSwap().failed() == 1);
            final BehaviorInfo.Swap swap = node.system.behaviorDetails().get(0).lastSwap();
            assertTrue(swap.failure().contains("cannot read this state"), swap.failure());
            assertEquals("1.0.0", swap.from());
            assertEquals("2.0.0", swap.to());
            final JsonObject reply = state(ref);
            assertEquals("1.0.0", reply.get("version").getAsString(), "rolled back to the old version");
            assertEquals(1, reply.get("count").getAsLong());
            assertEquals("1.0.0", node.system.actor("c").orElseThrow().behaviorVersion());
        }
    }

    @Test
    void shouldKeepTheOldVersionWhenTheNewOneHangsBeyondTheSwapTimeout() throws InterruptedException {
        final CountDownLatch never = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        try (TestNode node = new TestNode("hamlet.registry.swap.timeout = 200ms")) {
            node.system.registerBehavior("counter", counter("1.0.0"), "1.0.0", null);
            final ActorRef ref = node.system.spawn("counter", "c");
            node.system.registerBehavior("counter", spec -> {
                entered.countDown();
                never.await();
                return new Counter("2.0.0");
            }, "2.0.0", null);

            // The deadline is on the node's fake clock, set when a swap thread takes the swap: past it once in.
            assertTrue(entered.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the swap began");
            node.advance(Duration.ofMillis(200));
            awaitTrue("the swap timed out", () -> {
                final BehaviorInfo.Swap swap = node.system.behaviorDetails().get(0).lastSwap();
                return swap != null && swap.failed() == 1;
            });
            assertTrue(node.system.behaviorDetails().get(0).lastSwap().failure().contains("swap.timeout"));
            ref.tell(1L);
            assertEquals("1.0.0", state(ref).get("version").getAsString());
        } finally {
            never.countDown();
        }
    }

    @Test
    void shouldStaySuspendedWithItsStateWhenTheNewVersionFailsAndTheOldIsGone() {
        try (TestNode node = new TestNode()) {
            final ActorBehavior v1 = counter("1.0.0");
            node.system.registerBehavior("counter", v1, "1.0.0", null);
            final ActorRef ref = node.system.spawn("counter", "c");
            ref.tell(1L);
            node.system.unregisterBehavior("counter", v1);
            final ActorBehavior broken = spec -> {
                throw new IllegalStateException("create fails");
            };
            node.system.registerBehavior("counter", broken, "2.0.0", null);
            awaitTrue("the swap failed", () -> {
                final BehaviorInfo.Swap swap = node.system.behaviorDetails().get(0).lastSwap();
                return swap != null && swap.failed() == 1 && "2.0.0".equals(swap.to());
            });
            assertEquals(ActorInfo.State.SUSPENDED, node.system.actor("c").orElseThrow().state());
            ref.tell(2L);

            node.system.unregisterBehavior("counter", broken);
            node.system.registerBehavior("counter", counter("2.0.1"), "2.0.1", null);

            final JsonObject reply = state(ref);
            assertEquals(2, reply.get("count").getAsLong(), "the state held while suspended came through");
            assertTrue(reply.get("inOrder").getAsBoolean());
        }
    }

    @Test
    void shouldDeadLetterTheOverflowOfASuspendedActorsMailbox() {
        try (TestNode node = new TestNode("hamlet.registry.mailbox.capacity = 4")) {
            final ActorBehavior v1 = counter("1.0.0");
            node.system.registerBehavior("counter", v1, "1.0.0", null);
            final ActorRef ref = node.system.spawn("counter", "c");
            node.system.unregisterBehavior("counter", v1);
            for (long i = 1; i <= 6; i++) {
                ref.tell(i);
            }
            assertEquals(4, node.system.actor("c").orElseThrow().mailboxSize());
            assertEquals(2, node.system.deadLetterCount());
            assertEquals(DeadLetter.Reason.MAILBOX_FULL, node.system.deadLetters().get(0).reason());
        }
    }

    @Test
    void shouldStopASuspendedActorAndDeadLetterWhatWaited() {
        try (TestNode node = new TestNode()) {
            final ActorBehavior v1 = counter("1.0.0");
            node.system.registerBehavior("counter", v1, "1.0.0", null);
            final ActorRef ref = node.system.spawn("counter", "c");
            node.system.unregisterBehavior("counter", v1);
            ref.tell(1L);
            assertTrue(node.system.stop("c"));
            awaitTrue("its waiting message dead-lettered", () -> node.system.deadLetterCount() == 1);
            assertNotNull(node.system.deadLetters().get(0).detail());
        }
    }

    @Test
    void shouldHandABodyOfTheOldVersionsClassToTheNewOneConvertedThroughJson() {
        record OldJob(String task, int n) {
        }
        record NewJob(String task, int n) {
        }
        try (TestNode node = new TestNode()) {
            node.system.registerBehavior("jobs", spec -> (message, ctx) -> ctx.reply("v1"), "1.0.0", null);
            final ActorRef ref = node.system.spawn("jobs", "j");
            node.system.registerBehavior("jobs", spec -> (message, ctx) ->
                ctx.reply(message.body(NewJob.class).n()), "2.0.0", null);
            awaitTrue("on 2.0.0", () -> "2.0.0".equals(node.system.actor("j").orElseThrow().behaviorVersion()));

            assertEquals(7, ask(ref, new OldJob("fib", 7)));
        }
    }
}
