package hamlet.registry.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.BehaviorInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new version whose restore hangs must not starve the node (issue 7, item 12): many actors on a 2-thread
 * dispatcher, swapped to a version that blocks in restore. Other actors keep working while it hangs; the first
 * timeout (on the node's fake clock) breaks the version and rolls every other actor back at once; the swap threads
 * stay bounded. On the old code both dispatcher threads blocked in the swap, each actor's swap for the whole timeout.
 */
class SwapStarvationTest {
    private static final int SWAPPED = 200;
    private static final int OTHERS = 4;
    private static final int MESSAGES = 1_000;

    /** A version whose restore blocks until released, deaf to interrupts: code Java cannot stop. */
    private static ActorBehavior hanging(final CountDownLatch release, final AtomicInteger entered,
                                         final AtomicInteger stopped) {
        return spec -> new HotSwapTest.Counter("2.0.0") {
            @Override
            public void restore(final JsonElement state) {
                entered.incrementAndGet();
                boolean released = false;
                while (!released) {
                    try {
                        release.await();
                        released = true;
                    } catch (final InterruptedException e) {
                        // Hangs on regardless, as stuck code does.
                    }
                }
                super.restore(state);
            }

            @Override
            public void onStop(final hamlet.api.ActorContext context) {
                stopped.incrementAndGet();
            }
        };
    }

    private static long swapThreads(final String nodeId) {
        final String prefix = "hamlet-" + nodeId + "-swap-";
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith(prefix) && !t.getName().endsWith("swap-clock"))
            .count();
    }

    @Test
    void shouldKeepOtherActorsWorkingWhileASwapHangsThenRollTheRestBackAtOnceAfterTheFirstTimeout() {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();
        try (TestNode node = new TestNode("hamlet.node.id = starve\nhamlet.registry.dispatcher.parallelism = 2\n"
            + "hamlet.registry.swap.timeout = 5s")) {
            node.system.registerBehavior("slow", spec -> new HotSwapTest.Counter("1.0.0"), "1.0.0", null);
            node.system.registerBehavior("other", spec -> new HotSwapTest.Counter("1.0.0"), "1.0.0", null);
            final List<ActorRef> slow = new ArrayList<>();
            for (int i = 0; i < SWAPPED; i++) {
                slow.add(node.system.spawn("slow", "s" + i));
            }
            final List<ActorRef> others = new ArrayList<>();
            for (int i = 0; i < OTHERS; i++) {
                others.add(node.system.spawn("other", "o" + i));
            }
            for (final ActorRef ref : slow) {
                ref.tell(1L);
            }

            node.system.registerBehavior("slow", hanging(release, entered, stopped), "2.0.0", null);
            awaitTrue("the swap threads hang in restore", () -> entered.get() == SwapCoordinator.THREADS);

            // The rest of the node works meanwhile: every other actor handles all its messages, in order.
            for (long n = 1; n <= MESSAGES; n++) {
                for (final ActorRef ref : others) {
                    ref.tell(n);
                }
            }
            for (final ActorRef ref : others) {
                final JsonObject reply = (JsonObject) ask(ref, "?");
                assertEquals(MESSAGES, reply.get("count").getAsLong(), "messages handled during the hung swap");
                assertTrue(reply.get("inOrder").getAsBoolean());
            }
            // The swapped actors wait, their messages kept.
            for (final ActorRef ref : slow) {
                ref.tell(2L);
            }
            assertEquals(SwapCoordinator.THREADS, entered.get(), "no more swaps begun than swap threads");
            assertEquals(SwapCoordinator.THREADS, swapThreads("starve"), "swap threads bounded");
            final BehaviorInfo.Swap during = node.system.behaviorDetails().get(1).lastSwap();
            assertEquals(0, during.moved() + during.failed(), "nothing decided yet: " + during);

            // One timeout on the fake clock: the version is broken, and every actor rolls back without another.
            node.advance(Duration.ofSeconds(5));
            awaitTrue("every swap rolled back", () -> {
                final BehaviorInfo.Swap swap = node.system.behaviorDetails().get(1).lastSwap();
                return swap.failed() == SWAPPED;
            });
            final BehaviorInfo.Swap swap = node.system.behaviorDetails().get(1).lastSwap();
            assertEquals(0, swap.moved());
            assertTrue(swap.failure().contains("stopped after its first timeout")
                && swap.failure().contains("hamlet.registry.swap.timeout"), swap.failure());
            assertEquals(SwapCoordinator.THREADS, entered.get(), "no swap to the broken version tried after it");
            for (int i = 0; i < SWAPPED; i++) {
                final JsonObject reply = (JsonObject) ask(slow.get(i), "?");
                assertEquals("1.0.0", reply.get("version").getAsString(), "s" + i + " rolled back");
                assertEquals(2, reply.get("count").getAsLong(), "s" + i + " lost nothing while it waited");
                assertTrue(reply.get("inOrder").getAsBoolean());
                assertEquals(ActorInfo.State.RUNNING, node.system.actor("s" + i).orElseThrow().state());
            }
            assertTrue(swapThreads("starve") <= SwapCoordinator.THREADS, "only the hung threads live");

            // A new registration of a version is tried afresh; the hung threads end when their code returns.
            release.countDown();
            awaitTrue("the late instances stopped and their threads ended",
                () -> stopped.get() == SwapCoordinator.THREADS && swapThreads("starve") == 0);
            assertEquals(0, node.system.swaps().liveThreads());
        } finally {
            release.countDown();
        }
    }

    @Test
    void shouldRefuseSwapsRatherThanWaitForeverWhenEverySwapThreadHangs() {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();
        try (TestNode node = new TestNode("hamlet.node.id = hung\nhamlet.registry.swap.timeout = 1s")) {
            node.system.registerBehavior("slow", spec -> new HotSwapTest.Counter("1.0.0"), "1.0.0", null);
            for (int i = 0; i < SwapCoordinator.THREADS; i++) {
                node.system.spawn("slow", "s" + i);
            }
            final int versions = SwapCoordinator.MAX_THREADS / SwapCoordinator.THREADS;
            for (int v = 2; v < 2 + versions; v++) {
                final int hungBefore = entered.get();
                node.system.registerBehavior("slow", hanging(release, entered, stopped), v + ".0.0", null);
                awaitTrue("version " + v + " hangs", () -> entered.get() == hungBefore + SwapCoordinator.THREADS);
                node.advance(Duration.ofSeconds(1));
                final String version = v + ".0.0";
                awaitTrue("version " + v + " broken", () -> {
                    final BehaviorInfo.Swap swap = node.system.behaviorDetails().get(0).lastSwap();
                    return version.equals(swap.to()) && swap.failed() == SwapCoordinator.THREADS;
                });
                assertTrue(swapThreads("hung") <= SwapCoordinator.MAX_THREADS);
            }
            assertEquals(SwapCoordinator.MAX_THREADS, node.system.swaps().liveThreads());

            node.system.registerBehavior("slow", spec -> new HotSwapTest.Counter("9.0.0"), "9.0.0", null);
            awaitTrue("refused at once, not left waiting", () -> {
                final BehaviorInfo.Swap swap = node.system.behaviorDetails().get(0).lastSwap();
                return "9.0.0".equals(swap.to()) && swap.failed() == SwapCoordinator.THREADS;
            });
            assertTrue(node.system.behaviorDetails().get(0).lastSwap().failure().contains("no swap thread free"));
            assertEquals(SwapCoordinator.MAX_THREADS, swapThreads("hung"), "no thread past the bound");

            release.countDown();
            awaitTrue("hung threads ended", () -> node.system.swaps().liveThreads() == 0);
        } finally {
            release.countDown();
        }
    }

    /**
     * Item 12's pause: an actor stops (takes its snapshot) only once a swap slot is free for it. The actors beyond
     * the slots keep handling messages on their old version while the first swaps hang. On the previous code every
     * actor took its snapshot at its first turn and then waited, paused, in the swap queue.
     */
    @Test
    void shouldKeepActorsBeyondTheSwapSlotsHandlingMessagesOnTheirOldVersion() {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();
        final AtomicInteger snapshots = new AtomicInteger();
        final int slots = SwapCoordinator.THREADS * SwapCoordinator.SLOTS_PER_THREAD;
        final int actors = slots + 8;
        try (TestNode node = new TestNode("hamlet.node.id = slots\nhamlet.registry.swap.timeout = 5s")) {
            node.system.registerBehavior("slow", spec -> new HotSwapTest.Counter("1.0.0") {
                @Override
                public JsonElement snapshot() {
                    snapshots.incrementAndGet();
                    return super.snapshot();
                }
            }, "1.0.0", null);
            for (int i = 0; i < actors; i++) {
                node.system.spawn("slow", "s" + i);
            }
            node.system.registerBehavior("slow", hanging(release, entered, stopped), "2.0.0", null);
            awaitTrue("the swap threads hang in restore", () -> entered.get() == SwapCoordinator.THREADS);
            for (int i = 0; i < actors; i++) {
                node.system.ref("s" + i).tell(1L);
            }

            awaitTrue("the actors without a slot handle their message on version 1.0.0", () -> node.system.actors()
                .stream().filter(info -> info.processed() == 1 && "1.0.0".equals(info.behaviorVersion()))
                .count() >= actors - slots);
            assertTrue(snapshots.get() <= slots, "no more actors stopped to swap than slots: " + snapshots.get());
            assertEquals(SwapCoordinator.THREADS, entered.get(), "no more swaps begun than swap threads");
        } finally {
            release.countDown();
        }
    }
}
