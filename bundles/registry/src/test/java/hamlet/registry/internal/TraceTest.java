package hamlet.registry.internal;

import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.trace.TraceHop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Trace ids: new for a message sent from outside an actor, inherited by what an actor sends while handling one, shared
 * by an ask and its reply, shown in dead letters; and the node's ring of hops, bounded, wrapping, and readable while
 * its threads write.
 */
class TraceTest {
    /** A forwarder to "sink", and a sink that keeps the trace id of each message it handles. */
    private static TestNode forwarding(final ConcurrentLinkedQueue<Long> seenByForwarder,
                                       final ConcurrentLinkedQueue<Long> seenBySink) {
        final TestNode node = new TestNode();
        node.behavior("forward", spec -> (message, ctx) -> {
            seenByForwarder.add(message.traceId());
            ctx.tell("sink", message.body());
        });
        node.behavior("sink", spec -> (message, ctx) -> seenBySink.add(message.traceId()));
        node.system.spawn("forward", "forward");
        node.system.spawn("sink", "sink");
        return node;
    }

    @Test
    void shouldGiveEachSendFromOutsideANewIdThatWhatTheActorSendsInherits() {
        final ConcurrentLinkedQueue<Long> forwarder = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> sink = new ConcurrentLinkedQueue<>();
        try (TestNode node = forwarding(forwarder, sink)) {
            final ActorRef forward = node.system.ref("forward");
            // A hop recorded in a turn carries the turn's start time (no clock read per message), so a message that
            // a turn already running picks up (here: the actors' first turns, which start them) can show as
            // delivered a little before it was sent. Let the first turns end before the messages whose order is
            // checked.
            forward.tell("warm-up");
            awaitTrue("the warm-up forwarded", () -> sink.size() == 1);
            forwarder.clear();
            sink.clear();
            forward.tell("one");
            forward.tell("two");
            awaitTrue("both forwarded", () -> sink.size() == 2);
            final List<Long> first = new ArrayList<>(forwarder);
            assertEquals(first, new ArrayList<>(sink), "the forwarded messages keep the trace ids");
            assertTrue(first.get(0) != 0 && first.get(1) != 0, "non-zero ids: " + first);
            assertNotEquals(first.get(0), first.get(1), "each send from outside an actor gets a new id");

            final long traceId = first.get(0);
            final List<TraceHop> hops = node.system.tracer().local(traceId, 64);
            assertEquals(List.of("sent", "delivered", "sent", "delivered"),
                hops.stream().map(TraceHop::event).collect(Collectors.toList()), hops.toString());
            assertEquals("node1:sink", hops.get(3).to());
            assertEquals("node1:forward", hops.get(2).from());
            assertTrue(hops.stream().allMatch(h -> h.traceId() == traceId && h.node().equals("node1")));
            assertTrue(hops.get(0).epochMicros() > 1_600_000_000_000_000L, "epoch micros: " + hops.get(0));
        }
    }

    @Test
    void shouldShareTheTraceIdBetweenAnAskAndItsReply() {
        final ConcurrentLinkedQueue<Long> asked = new ConcurrentLinkedQueue<>();
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> (message, ctx) -> {
                asked.add(message.traceId());
                ctx.reply(message.body());
            });
            final ActorRef echo = node.system.spawn("echo", "echo");
            assertEquals("hi", TestNode.ask(echo, "hi"));
            final long traceId = asked.peek();
            final List<String> events = node.system.tracer().local(traceId, 64).stream().map(TraceHop::event)
                .collect(Collectors.toList());
            assertEquals(List.of("sent", "delivered", "replied"), events);
        }
    }

    @Test
    void shouldShowTheHandledMessagesTraceIdInADeadLetterAndTheNotice() {
        final ConcurrentLinkedQueue<Long> handled = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<DeadLetter> notices = new ConcurrentLinkedQueue<>();
        try (TestNode node = new TestNode()) {
            node.behavior("lost", spec -> (message, ctx) -> {
                if (message.body() instanceof DeadLetter letter) {
                    notices.add(letter);
                    return;
                }
                handled.add(message.traceId());
                ctx.tell("ghost", "boo");
            });
            node.system.spawn("lost", "lost").tell("go");
            awaitTrue("the notice", () -> !notices.isEmpty());
            final long traceId = handled.peek();
            assertEquals(traceId, notices.peek().traceId());
            assertEquals(traceId, node.system.deadLetters().get(0).traceId());
            final List<TraceHop> hops = node.system.tracer().local(traceId, 64);
            assertTrue(hops.stream().anyMatch(h -> h.event().equals("dead-letter") && h.to().equals("ghost")
                && h.detail().equals("UNKNOWN_ACTOR")), hops.toString());
        }
    }

    @Test
    void shouldKeepOnlyTheNewestHopsOfALane() {
        final TraceLane lane = new TraceLane(Thread.currentThread(), 8);
        for (int i = 1; i <= 20; i++) {
            lane.record(i % 2 == 0 ? 2 : 1, i, "sent", null, "to-" + i, null);
        }
        final List<Object[]> even = new ArrayList<>();
        lane.collect(2, even, 100);
        assertEquals(List.of("to-14", "to-16", "to-18", "to-20"),
            even.stream().map(hop -> (String) hop[3]).collect(Collectors.toList()));
        assertEquals(20L, lane.lastNanos());
        assertThrows(IllegalArgumentException.class, () -> new TraceLane(Thread.currentThread(), 6));
    }

    @Test
    void shouldSplitTheRingIntoLanesOfASixteenthAndValidateTheKey() {
        assertEquals(4096, new TraceRecorder("n", 65_536).laneCapacity());
        assertEquals(2048, new TraceRecorder("n", 40_000).laneCapacity());
        assertEquals(0, new TraceRecorder("n", 0).laneCapacity());
        assertEquals(65_536, TestNode.settings("").traceRing());
        assertEquals(100, TestNode.settings("hamlet.registry.trace.ring = 100").traceRing());
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> TestNode.settings("hamlet.registry.trace.ring = -1"));
        assertTrue(refused.getMessage().contains("hamlet.registry.trace.ring"), refused.getMessage());
    }

    @Test
    void shouldReadWholeEntriesWhileTheOwnerWrites() throws Exception {
        // Each hop's fields all say its number: a torn read (fields of two hops) would show two numbers.
        final TraceLane lane = new TraceLane(Thread.currentThread(), 64);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> torn = new AtomicReference<>();
        final Thread reader = new Thread(() -> {
            while (!stop.get()) {
                final List<Object[]> hops = new ArrayList<>();
                lane.collect(7, hops, 1000);
                for (final Object[] hop : hops) {
                    final long n = (Long) hop[0];
                    // A name the lane's table let go shows as forgotten, never as another hop's.
                    if (!shows(n, hop[2]) || !shows(n, hop[3])) {
                        torn.set("nanos " + n + " from " + hop[2] + " to " + hop[3]);
                    }
                }
            }
        });
        reader.start();
        final Long[] boxes = new Long[4096];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = (long) i;
        }
        for (int round = 0; round < 2000; round++) {
            for (int i = 0; i < boxes.length; i++) {
                lane.record(7, i, "sent", boxes[i], boxes[i], null);
            }
        }
        stop.set(true);
        reader.join();
        assertEquals(null, torn.get());
    }

    @Test
    void shouldKeepTheHopsOfConcurrentWritersEachInItsOwnLane() throws Exception {
        final TraceRecorder recorder = new TraceRecorder("node1", 16 * 1024);
        final int threads = 8;
        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final long traceId = 100 + t;
            final Thread writer = new Thread(() -> {
                try {
                    go.await();
                } catch (final InterruptedException e) {
                    return;
                }
                final long[] state = TraceContext.here();
                for (int i = 0; i < 500; i++) {
                    recorder.record(state, traceId, TraceRecorder.SENT, null, "a", null);
                }
            });
            writer.start();
            writers.add(writer);
        }
        go.countDown();
        for (final Thread writer : writers) {
            writer.join();
        }
        assertEquals(threads, recorder.lanes());
        for (int t = 0; t < threads; t++) {
            assertEquals(500, recorder.local(100 + t, 1000).size(), "hops of writer " + t);
        }
        assertEquals(64, recorder.local(100, 64).size(), "bounded by the caller's max");
    }

    @Test
    void shouldLetGoTheLanesOfEndedThreadsFirstBeyondSixteen() throws Exception {
        final TraceRecorder recorder = new TraceRecorder("node1", 16 * 64);
        for (int t = 0; t < TraceRecorder.MAX_LANES + 4; t++) {
            final long traceId = 1 + t;
            final Thread writer = new Thread(() -> recorder.record(TraceContext.here(), traceId, "sent", null, "a",
                null));
            writer.start();
            writer.join();
        }
        assertEquals(TraceRecorder.MAX_LANES, recorder.lanes());
        assertEquals(1, recorder.local(TraceRecorder.MAX_LANES + 4, 10).size(), "the newest lane is read");
    }

    private static boolean shows(final long n, final Object field) {
        return Long.valueOf(n).equals(field) || TraceLane.FORGOTTEN.equals(field);
    }
}
