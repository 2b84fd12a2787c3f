package hamlet.registry.internal;

import hamlet.api.ActorRef;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher: turns of at most throughput messages, fairness, no loss under load, and no thread per actor. */
class DispatcherTest {
    /** One message of a producer's numbered stream. */
    private record Numbered(int producer, int seq) {
    }

    /**
     * Lengths of the runs of equal neighbours: [a, a, b, a] gives [2, 1, 1].
     */
    private static List<Integer> runs(final List<String> order) {
        final List<Integer> runs = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            if (i == 0 || !order.get(i).equals(order.get(i - 1))) {
                runs.add(1);
            } else {
                runs.set(runs.size() - 1, runs.get(runs.size() - 1) + 1);
            }
        }
        return runs;
    }

    /** Blocks the only dispatcher thread until released, so that a test can fill mailboxes first. */
    private static final class Gate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ActorRef ref;

        Gate(final TestNode node) throws InterruptedException {
            node.behavior("gate", spec -> (message, ctx) -> {
                entered.countDown();
                release.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            });
            ref = node.system.spawn("gate", "gate");
            ref.tell("close");
            assertTrue(entered.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void shouldAlternateTwoBusyActorsInTurnsOfThroughputMessages() throws Exception {
        try (TestNode node = new TestNode("hamlet.registry.dispatcher { parallelism = 1, throughput = 5 }")) {
            final List<String> order = Collections.synchronizedList(new ArrayList<>());
            node.behavior("recorder", spec -> (message, ctx) -> {
                if ("ping".equals(message.body())) {
                    ctx.reply("pong");
                } else {
                    order.add(ctx.spec().name());
                }
            });
            final ActorRef a = node.system.spawn("recorder", "a");
            final ActorRef b = node.system.spawn("recorder", "b");
            ask(a, "ping");
            ask(b, "ping");
            final Gate gate = new Gate(node);
            for (int i = 0; i < 20; i++) {
                a.tell(i);
            }
            for (int i = 0; i < 20; i++) {
                b.tell(i);
            }
            gate.release.countDown();
            awaitTrue("40 handled", () -> order.size() == 40);

            assertEquals("a", order.get(0));
            assertEquals(List.of(5, 5, 5, 5, 5, 5, 5, 5), runs(order),
                "each busy actor gets turns of 5, in alternation, on one thread: " + order);
        }
    }

    @Test
    void shouldApplyANewThroughputAtTheNextTurn() throws Exception {
        try (TestNode node = new TestNode("hamlet.registry.dispatcher { parallelism = 1, throughput = 5 }")) {
            final List<String> order = Collections.synchronizedList(new ArrayList<>());
            node.behavior("recorder", spec -> (message, ctx) -> order.add(ctx.spec().name()));
            final ActorRef a = node.system.spawn("recorder", "a");
            final ActorRef b = node.system.spawn("recorder", "b");
            node.system.applySettings(TestNode.settings(
                "hamlet.registry.dispatcher { parallelism = 1, throughput = 3 }"));
            final Gate gate = new Gate(node);
            for (int i = 0; i < 6; i++) {
                a.tell(i);
                b.tell(i);
            }
            gate.release.countDown();
            awaitTrue("12 handled", () -> order.size() == 12);
            assertEquals(List.of(3, 3, 3, 3), runs(order), order.toString());
        }
    }

    @Test
    void shouldLoseNothingAndKeepEachSendersOrderWithManyProducersAndManyActors() throws Exception {
        final int producers = 6;
        final int actors = 40;
        final int perPair = 500;
        try (TestNode node = new TestNode("hamlet.registry.mailbox.capacity = 65536")) {
            final LongAdder received = new LongAdder();
            final AtomicInteger outOfOrder = new AtomicInteger();
            node.behavior("checker", spec -> {
                final int[] next = new int[producers];
                return (message, ctx) -> {
                    final Numbered numbered = message.body(Numbered.class);
                    if (numbered.seq() != next[numbered.producer()]) {
                        outOfOrder.incrementAndGet();
                    }
                    next[numbered.producer()] = numbered.seq() + 1;
                    received.increment();
                };
            });
            final List<ActorRef> refs = new ArrayList<>();
            for (int i = 0; i < actors; i++) {
                refs.add(node.system.spawn("checker", "checker-" + i));
            }
            final CountDownLatch start = new CountDownLatch(1);
            final List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                final int producer = p;
                final Thread thread = new Thread(() -> {
                    try {
                        start.await();
                    } catch (final InterruptedException e) {
                        return;
                    }
                    for (int seq = 0; seq < perPair; seq++) {
                        for (final ActorRef ref : refs) {
                            ref.tell(new Numbered(producer, seq));
                        }
                    }
                }, "producer-" + p);
                thread.start();
                threads.add(thread);
            }
            start.countDown();
            for (final Thread thread : threads) {
                thread.join(TestNode.DEADLINE.toMillis());
            }
            final long total = (long) producers * actors * perPair;
            awaitTrue("all " + total + " received", () -> received.sum() == total);
            assertEquals(0, outOfOrder.get(), "messages out of their sender's order");
            assertEquals(0, node.system.deadLetterCount());
            node.system.actors().forEach(info -> assertEquals((long) producers * perPair, info.processed()));
        }
    }

    @Test
    void shouldRunTenThousandActorsOnNoMoreThreadsThanParallelism() {
        try (TestNode node = new TestNode("hamlet.node.id = crowd\nhamlet.registry.dispatcher.parallelism = 2")) {
            final LongAdder started = new LongAdder();
            final LongAdder handled = new LongAdder();
            node.behavior("counter", spec -> new hamlet.api.Actor() {
                @Override
                public void onStart(final hamlet.api.ActorContext ctx) {
                    started.increment();
                }

                @Override
                public void onMessage(final hamlet.api.Message message, final hamlet.api.ActorContext ctx) {
                    handled.increment();
                }
            });
            final List<ActorRef> refs = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                refs.add(node.system.spawn("counter", "counter-" + i));
            }
            awaitTrue("every actor started", () -> started.sum() == 10_000);
            refs.forEach(ref -> ref.tell("tick"));
            awaitTrue("every actor handled its message", () -> handled.sum() == 10_000);

            assertTrue(node.system.dispatcher().threads() <= 2, "pool threads: " + node.system.dispatcher().threads());
            final long dispatcherThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("hamlet-crowd-dispatcher")).count();
            assertTrue(dispatcherThreads <= 2, "threads running actors: " + dispatcherThreads);
            assertTrue(node.system.actors().stream().allMatch(info -> info.mailboxSize() == 0));
        }
    }

    @Test
    void shouldApplyANewParallelismLiveWithoutLosingMessages() {
        try (TestNode node = new TestNode("hamlet.registry.dispatcher.parallelism = 1")) {
            final LongAdder handled = new LongAdder();
            node.behavior("counter", spec -> (message, ctx) -> {
                handled.increment();
                if ("ping".equals(message.body())) {
                    ctx.reply(Thread.currentThread().getName());
                }
            });
            final List<ActorRef> refs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                refs.add(node.system.spawn("counter", "counter-" + i));
            }
            assertEquals(1, node.system.dispatcher().parallelism());
            for (int round = 0; round < 1_000; round++) {
                if (round == 500) {
                    node.system.applySettings(TestNode.settings("hamlet.registry.dispatcher.parallelism = 3"));
                }
                for (final ActorRef ref : refs) {
                    ref.tell(round);
                }
            }
            awaitTrue("all 20000 handled across the change", () -> handled.sum() == 20_000);
            assertEquals(3, node.system.dispatcher().parallelism());
            assertTrue(((String) ask(refs.get(0), "ping")).startsWith("hamlet-node1-dispatcher-2-"),
                "turns run on the new pool");
            assertEquals(0, node.system.deadLetterCount());
        }
    }
}
