package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.askFailure;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where each kind of address goes, and every kind of dead letter: kept, counted, and sent back to an actor sender
 * as a DeadLetter body.
 */
class RoutingAndDeadLettersTest {
    /** An actor that keeps every DeadLetter it is sent, to check what its sends became. */
    private static final class Inbox {
        final ConcurrentLinkedQueue<DeadLetter> notices = new ConcurrentLinkedQueue<>();
        final ActorRef ref;

        Inbox(final TestNode node) {
            node.behavior("inbox", spec -> (message, ctx) -> {
                if (message.body() instanceof DeadLetter) {
                    notices.add((DeadLetter) message.body());
                }
            });
            ref = node.system.spawn("inbox", "inbox");
        }

        DeadLetter awaitNotice() {
            awaitTrue("a DeadLetter back at the sender", () -> !notices.isEmpty());
            return notices.poll();
        }
    }

    @Test
    void shouldDeadLetterAnUnknownActorAndTellTheSender() {
        try (TestNode node = new TestNode()) {
            final Inbox inbox = new Inbox(node);
            node.system.ref("ghost").tell("boo", inbox.ref);

            final DeadLetter notice = inbox.awaitNotice();
            assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, notice.reason());
            assertEquals("ghost", notice.to());
            assertEquals("node1:inbox", notice.from());
            assertEquals("boo", notice.body());
            assertEquals("no actor named ghost on node1", notice.detail());
            assertEquals(1, node.system.deadLetterCount());
            assertEquals(notice, node.system.deadLetters().get(0));
        }
    }

    @Test
    void shouldFailAnAskOfAnUnknownActorWithTheDeadLetter() {
        try (TestNode node = new TestNode()) {
            final Throwable failure = askFailure(node.system.ref("node1:nobody"), "hello?", TestNode.DEADLINE);
            final DeadLetter letter = ((DeadLetterException) failure).deadLetter();
            assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, letter.reason());
            assertEquals("node1:nobody", letter.to());
            assertEquals("hello?", letter.body());
            assertEquals(0, node.system.pendingAsks());
        }
    }

    @Test
    void shouldDeadLetterAStoppedActorAndTellTheSender() {
        try (TestNode node = new TestNode()) {
            final Inbox inbox = new Inbox(node);
            node.behavior("echo", spec -> (message, ctx) -> ctx.reply(message.body()));
            final ActorRef echo = node.system.spawn("echo", "short-lived");
            node.system.stop("short-lived");
            echo.tell("still there?", inbox.ref);

            final DeadLetter notice = inbox.awaitNotice();
            assertEquals(DeadLetter.Reason.ACTOR_STOPPED, notice.reason());
            assertTrue(notice.detail().startsWith("actor node1:short-lived is stopped"), notice.detail());
        }
    }

    @Test
    void shouldDeadLetterWhatOverflowsAFullMailboxAndHandleTheRest() throws Exception {
        try (TestNode node = new TestNode("hamlet.registry.mailbox.capacity = 4")) {
            final Inbox inbox = new Inbox(node);
            final CountDownLatch blocked = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final ConcurrentLinkedQueue<Object> handled = new ConcurrentLinkedQueue<>();
            node.behavior("slow", spec -> (message, ctx) -> {
                if ("block".equals(message.body())) {
                    blocked.countDown();
                    release.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                    handled.add(message.body());
                }
            });
            final ActorRef slow = node.system.spawn("slow", "slow");
            slow.tell("block");
            assertTrue(blocked.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            for (int i = 0; i < 5; i++) {
                slow.tell(i, inbox.ref);
            }
            assertEquals(1, node.system.deadLetterCount(), "a mailbox of 4 takes 4, the 5th is refused at once");
            assertEquals(4, node.system.actor("slow").orElseThrow().mailboxSize());
            final DeadLetter notice = inbox.awaitNotice();
            assertEquals(DeadLetter.Reason.MAILBOX_FULL, notice.reason());
            assertEquals(4, notice.body());
            assertEquals("mailbox of node1:slow is full (4 messages)", notice.detail());

            release.countDown();
            awaitTrue("the four queued are handled", () -> handled.size() == 4);
            assertEquals(List.of(0, 1, 2, 3), List.copyOf(handled));
        }
    }

    @Test
    void shouldDeadLetterAnotherNodesAddressForWantOfATransport() {
        try (TestNode node = new TestNode()) {
            final Inbox inbox = new Inbox(node);
            node.system.ref("node2:echo").tell("hi", inbox.ref);

            final DeadLetter notice = inbox.awaitNotice();
            assertEquals(DeadLetter.Reason.NO_TRANSPORT, notice.reason());
            assertEquals("no transport to node node2", notice.detail());
            assertEquals("node2:echo", notice.to());
        }
    }

    @Test
    void shouldDeadLetterAGroupWithNoLocalMember() {
        try (TestNode node = new TestNode()) {
            final Inbox inbox = new Inbox(node);
            node.system.ref("*:workers").tell("job", inbox.ref);

            final DeadLetter notice = inbox.awaitNotice();
            assertEquals(DeadLetter.Reason.UNKNOWN_GROUP, notice.reason());
            assertEquals("*:workers", notice.to());
            assertEquals("no actor of group workers on node1", notice.detail());
        }
    }

    @Test
    void shouldSendAGroupMessageToTheMemberWithTheSmallestMailbox() throws Exception {
        try (TestNode node = new TestNode("hamlet.registry.dispatcher.parallelism = 2")) {
            final CountDownLatch blocked = new CountDownLatch(2);
            final CountDownLatch release = new CountDownLatch(1);
            final ConcurrentLinkedQueue<String> handledBy = new ConcurrentLinkedQueue<>();
            node.behavior("member", spec -> (message, ctx) -> {
                if ("block".equals(message.body())) {
                    blocked.countDown();
                    release.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } else if ("job".equals(message.body())) {
                    handledBy.add(ctx.spec().name());
                }
            });
            final ActorRef w1 = node.system.spawn(new ActorSpec("w1", "member", "workers", null));
            final ActorRef w2 = node.system.spawn(new ActorSpec("w2", "member", "workers", null));
            w1.tell("block");
            w2.tell("block");
            assertTrue(blocked.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            for (int i = 0; i < 3; i++) {
                w1.tell("filler");
            }
            final ActorRef group = node.system.ref("*:workers");
            for (int i = 0; i < 3; i++) {
                group.tell("job");
            }
            assertEquals(3, node.system.actor("w1").orElseThrow().mailboxSize());
            assertEquals(3, node.system.actor("w2").orElseThrow().mailboxSize(), "all three to the emptier w2");

            release.countDown();
            awaitTrue("three jobs handled", () -> handledBy.size() == 3);
            assertEquals(List.of("w2", "w2", "w2"), List.copyOf(handledBy));
            node.system.stop("w2");
            group.tell("job");
            awaitTrue("a stopped member leaves its group", () -> handledBy.size() == 4);
            assertEquals("w1", List.copyOf(handledBy).get(3));
            node.system.stop("w1");
            assertInstanceOf(DeadLetterException.class, askFailure(group, "job", TestNode.DEADLINE));
        }
    }

    @Test
    void shouldKeepOnlyTheMostRecentDeadLettersButCountAll() {
        try (TestNode node = new TestNode("hamlet.registry.dead-letters.keep = 3")) {
            for (int i = 0; i < 5; i++) {
                node.system.ref("nobody").tell(i);
            }
            assertEquals(5, node.system.deadLetterCount());
            assertEquals(List.of(2, 3, 4), node.system.deadLetters().stream().map(DeadLetter::body).toList());

            node.system.applySettings(TestNode.settings("hamlet.registry.dead-letters.keep = 2"));
            assertEquals(List.of(3, 4), node.system.deadLetters().stream().map(DeadLetter::body).toList());
            node.system.applySettings(TestNode.settings("hamlet.registry.dead-letters.keep = 4"));
            node.system.ref("nobody").tell(5);
            node.system.ref("nobody").tell(6);
            assertEquals(List.of(3, 4, 5, 6),
                node.system.deadLetters().stream().map(DeadLetter::body).toList());
            assertEquals(7, node.system.deadLetterCount());
        }
    }

    @Test
    void shouldNeverMakeADeadLetterOfAnUndeliverableDeadLetter() {
        try (TestNode node = new TestNode()) {
            // The sender itself is unknown: its notice cannot be delivered, and must not make another dead letter.
            node.system.ref("ghost").tell("boo", node.system.ref("phantom"));
            assertEquals(1, node.system.deadLetterCount());
            assertEquals(1, node.system.deadLetterBox().undeliveredNotices());
            assertEquals("boo", node.system.deadLetters().get(0).body());
        }
    }

    @Test
    void shouldLogAtMostTheConfiguredDeadLettersPerSecond() {
        final TestNode clock = new TestNode();
        try {
            final DeadLetters box = new DeadLetters("node1", 10, 3, Clock.systemUTC(), clock.nanos::get);
            for (int i = 0; i < 100; i++) {
                box.record("nobody", i, null, DeadLetter.Reason.UNKNOWN_ACTOR, "flood");
            }
            assertEquals(3, box.linesLogged(), "a flood within one second logs 3 lines");
            clock.advance(Duration.ofSeconds(1));
            box.record("nobody", "next", null, DeadLetter.Reason.UNKNOWN_ACTOR, "flood");
            assertEquals(5, box.linesLogged(), "the next second: one line for the 97 left out, one for itself");
            assertEquals(101, box.count());
            box.apply(10, 0);
            clock.advance(Duration.ofSeconds(1));
            box.record("nobody", "quiet", null, DeadLetter.Reason.UNKNOWN_ACTOR, "flood");
            assertEquals(5, box.linesLogged(), "0 a second logs none");
        } finally {
            clock.close();
        }
    }

    @Test
    void shouldRouteThisNodesFullAddressLocally() {
        try (TestNode node = new TestNode("hamlet.node.id = alpha")) {
            node.behavior("echo", spec -> (message, ctx) -> ctx.reply(message.body()));
            node.system.spawn("echo", "e");
            assertEquals("local", ask(node.system.ref("alpha:e"), "local"));
            assertEquals(DeadLetter.Reason.NO_TRANSPORT, ((DeadLetterException) askFailure(
                node.system.ref("beta:e"), "remote", Duration.ofSeconds(5))).deadLetter().reason());
        }
    }
}
