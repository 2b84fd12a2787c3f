package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static hamlet.registry.internal.TestNode.DEADLINE;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule the first transport's deadlock taught (DESIGN.md, "Threads and locks"; review findings C1 and M2): what
 * the transport hands in runs no user code and makes no send on the transport's own thread. Ask continuations and
 * dead-letter notices to remote senders go to the dispatcher.
 *
 * <p>Node1 is a real runtime; node2 is only an inbox that keeps what reaches it. The transport's delivery thread is
 * a plain thread of the test, marked by {@link FakeTransport#deliver} so that a send made on it is counted.
 */
class RemoteHandOffTest {
    private final Map<String, EnvelopeReceiver> cluster = new ConcurrentHashMap<>();
    /** What reached node2, with the thread node1's transport sent it on. */
    private final Queue<WireEnvelope> atNode2 = new ConcurrentLinkedQueue<>();
    private final FakeTransport transport1 = new FakeTransport(cluster, "node1");
    private final LocalActorSystem node1;
    /** Lets blocked continuations and actors go at the end of each test, passed or failed. */
    private final CountDownLatch release = new CountDownLatch(1);

    RemoteHandOffTest() {
        final Remoting remoting = new Remoting();
        remoting.bind(transport1);
        node1 = new LocalActorSystem(TestNode.settings("hamlet.node.id = node1\n"
            + "hamlet.registry.mailbox.capacity = 4"), remoting);
        cluster.put("node1", node1.inbox());
        cluster.put("node2", new EnvelopeReceiver() {
            @Override
            public boolean onEnvelope(final String fromNode, final WireEnvelope envelope) {
                atNode2.add(envelope);
                return true;
            }

            @Override
            public void onUndeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
                // node2 sends nothing in these tests.
            }
        });
    }

    @AfterEach
    void close() {
        release.countDown();
        node1.close();
    }

    @Test
    void shouldRunAnAsksContinuationOnTheDispatcherAndReturnFromDeliveryWhileItBlocks() throws Exception {
        final CompletableFuture<Object> asked = node1.ref("node2:e").ask("q", DEADLINE).toCompletableFuture();
        final WireEnvelope question = awaitAtNode2();
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final AtomicInteger pendingSeen = new AtomicInteger(-1);
        final CountDownLatch entered = new CountDownLatch(1);
        final CompletableFuture<Void> continuation = asked.thenAccept(reply -> {
            ranOn.set(Thread.currentThread());
            pendingSeen.set(node1.pendingAsks());
            entered.countDown();
            // A user continuation that blocks, as the README's "chain on the stage" lets anyone write.
            awaitQuietly(release);
        });
        final AtomicReference<Boolean> taken = new AtomicReference<>();
        final CountDownLatch returned = new CountDownLatch(1);
        final Thread io = new Thread(() -> {
            taken.set(FakeTransport.deliver(node1.inbox(), "node2", reply(question, "answer")));
            returned.countDown();
        }, "fake-transport-io");

        io.start();

        assertTrue(returned.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
            "onEnvelope must return while the ask's continuation is still blocked");
        assertEquals(Boolean.TRUE, taken.get(), "the reply was taken, so the transport may acknowledge it");
        assertTrue(entered.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the continuation ran");
        assertNotSame(io, ranOn.get(), "not on the transport's thread");
        assertTrue(ranOn.get().getName().startsWith("hamlet-node1-dispatcher-"), ranOn.get().getName());
        assertEquals(0, pendingSeen.get(), "the ask is forgotten before its stage completes");
        release.countDown();
        continuation.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("answer", asked.get());
    }

    @Test
    void shouldFailAnAskTheTransportGaveUpOnFromTheDispatcherNotFromTheTransportsThread() throws Exception {
        final CompletionStage<Object> asked = node1.ref("node2:e").ask("q", DEADLINE);
        final WireEnvelope question = awaitAtNode2();
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final CompletableFuture<Throwable> continuation = asked.handle((reply, failure) -> {
            ranOn.set(Thread.currentThread());
            return failure;
        }).toCompletableFuture();

        // The real transport calls this from its timer thread when the peer stayed away too long.
        node1.inbox().onUndeliverable("node2", question, "node node2 stayed away too long");

        final Throwable failure = continuation.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        final DeadLetterException dead = assertInstanceOf(DeadLetterException.class, failure);
        assertEquals(DeadLetter.Reason.NO_TRANSPORT, dead.deadLetter().reason());
        assertNotSame(Thread.currentThread(), ranOn.get(), "not on the transport's (timer) thread");
        assertTrue(ranOn.get().getName().startsWith("hamlet-node1-dispatcher-"), ranOn.get().getName());
    }

    @Test
    void shouldSendTheNoticeOfAnUnknownActorToARemoteSenderFromTheDispatcher() {
        final Thread io = Thread.currentThread();

        final boolean taken = FakeTransport.deliver(node1.inbox(), "node2",
            envelope("node1:nobody", "node2:x", "lost"));

        assertTrue(taken);
        final WireEnvelope notice = awaitAtNode2();
        assertEquals("node2:x", notice.to(), "the notice goes back to the remote sender");
        assertEquals(1, node1.deadLetterCount());
        assertEquals(0, transport1.reentrantSends.get(),
            "no send from inside a delivery: the real transport holds its inbound lock there (deadlock C1)");
        assertNotSame(io, transport1.sendThreads.peek(), "the notice was sent from another thread");
    }

    @Test
    void shouldSendMailboxFullNoticesToARemoteSenderFromTheDispatcher() {
        final CountDownLatch started = new CountDownLatch(1);
        node1.registerBehavior("stuck", spec -> (message, ctx) -> {
            started.countDown();
            awaitQuietly(release);
        });
        node1.spawn("stuck", "stuck");
        final Thread io = Thread.currentThread();
        FakeTransport.deliver(node1.inbox(), "node2", envelope("node1:stuck", "node2:x", "first"));
        awaitQuietly(started);

        // A resend burst into a mailbox of 4 that nobody empties: the replay that set off deadlock C1.
        for (int i = 0; i < 10; i++) {
            assertTrue(FakeTransport.deliver(node1.inbox(), "node2", envelope("node1:stuck", "node2:x", "m" + i)));
        }

        awaitTrue("the notices of the messages over the bound reach node2", () -> atNode2.size() >= 6);
        assertEquals(DeadLetter.Reason.MAILBOX_FULL, node1.deadLetters().get(0).reason());
        assertEquals(0, transport1.reentrantSends.get(), "no send from inside a delivery");
        for (final Thread thread : transport1.sendThreads) {
            assertNotSame(io, thread, "every notice was sent from another thread");
        }
    }

    @Test
    void shouldTellASenderOfAnotherImplementationFromTheDispatcher() {
        final AtomicReference<Thread> toldOn = new AtomicReference<>();
        final ActorRef foreign = new ForeignRef(toldOn);

        node1.ref("ghost").tell("boo", foreign);

        awaitTrue("the notice reaches the foreign sender", () -> toldOn.get() != null);
        assertNotSame(Thread.currentThread(), toldOn.get(),
            "a ref of unknown make may do anything in tell, so the notice is not told on the caller's thread");
    }

    private WireEnvelope awaitAtNode2() {
        awaitTrue("an envelope at node2", () -> !atNode2.isEmpty());
        return atNode2.poll();
    }

    private static WireEnvelope reply(final WireEnvelope question, final String body) {
        return envelope(question.from(), question.to(), body);
    }

    private static WireEnvelope envelope(final String to, final String from, final String body) {
        return new WireEnvelope(to, from, CodecRegistry.STRING, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitQuietly(final CountDownLatch latch) {
        try {
            latch.await(DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A sender that is neither an actor ref of the runtime nor an ask. */
    private static final class ForeignRef implements ActorRef {
        private final AtomicReference<Thread> toldOn;

        ForeignRef(final AtomicReference<Thread> toldOn) {
            this.toldOn = toldOn;
        }

        @Override
        public Address address() {
            return Address.of("elsewhere", "foreign");
        }

        @Override
        public void tell(final Object body) {
            tell(body, null);
        }

        @Override
        public void tell(final Object body, final ActorRef sender) {
            toldOn.set(Thread.currentThread());
        }

        @Override
        public CompletionStage<Object> ask(final Object body, final Duration timeout) {
            throw new UnsupportedOperationException("not in this test");
        }
    }

    @Test
    void shouldNotTakeAnEnvelopeItCouldNotAnswerBeforeItsTransportIsBound() {
        // A node's transport can deliver before its service reaches the runtime (both start at once). Before, the
        // runtime took such an envelope: its dead-letter notice to the remote sender was dropped (no transport), and
        // a sender waiting for notices to free its window waited for ever (ReceiverKillIT, once).
        final Remoting unbound = new Remoting();
        final LocalActorSystem starting = new LocalActorSystem(TestNode.settings("hamlet.node.id = node3"), unbound);
        try {
            assertFalse(starting.inbox().onEnvelope("node1",
                new WireEnvelope("node3:nobody", "node1:sender", CodecRegistry.STRING, new byte[] {'x'})),
                "not taken: the transport must not acknowledge it, and the peer resends it");
            assertEquals(0, starting.deadLetterCount(), "nothing was made of it");
            assertEquals(1L, ((RemoteInbox) starting.inbox()).counters().get("remote.not-taken-before-transport"));
            unbound.bind(transport1);
            assertTrue(starting.inbox().onEnvelope("node1",
                new WireEnvelope("node3:nobody", "node1:sender", CodecRegistry.STRING, new byte[] {'x'})));
        } finally {
            starting.close();
        }
    }
}
