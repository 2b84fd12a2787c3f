package hamlet.registry.internal;

import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import hamlet.api.transport.EnvelopeReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static hamlet.registry.internal.TestNode.DEADLINE;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ask reply addresses across a restart of the asking node (issue 7 item 5, review finding H1): a reply that comes
 * late, or is resent, to an ask of the node's previous start must land on no ask of the new start.
 */
class AskAcrossRestartsTest {
    private final Map<String, EnvelopeReceiver> cluster = new ConcurrentHashMap<>();
    private final List<LocalActorSystem> systems = new ArrayList<>();
    /** The asks node2's keeper was sent, by their reply address; it answers only when the test says. */
    private final Queue<ActorRef> askers = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() {
        systems.forEach(LocalActorSystem::close);
    }

    @Test
    void shouldNotCompleteAnAskOfTheNewStartWithAReplyToAnAskOfThePreviousOne() throws Exception {
        final LocalActorSystem node2 = start("node2");
        node2.registerBehavior("keeper", spec -> new Actor() {
            @Override
            public void onMessage(final Message msg, final ActorContext ctx) {
                askers.add(msg.sender());
            }
        });
        node2.spawn("keeper", "k");
        final LocalActorSystem before = start("node1");
        before.ref("node2:k").ask("question of the first start", DEADLINE);
        awaitTrue("the first start's ask at node2", () -> askers.size() == 1);
        final ActorRef firstAsker = askers.poll();
        before.close();

        final LocalActorSystem after = start("node1");
        final CompletableFuture<Object> asked = after.ref("node2:k").ask("question of the second start", DEADLINE)
            .toCompletableFuture();
        awaitTrue("the second start's ask at node2", () -> askers.size() == 1);
        final ActorRef secondAsker = askers.poll();
        // node2 answers the first start's question only now: late, or resent after node1 came back.
        firstAsker.tell("answer for the first start");
        secondAsker.tell("answer for the second start");

        assertNotEquals(firstAsker.address(), secondAsker.address(), "each start names its asks apart");
        assertEquals("answer for the second start", asked.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        awaitTrue("the stale reply is a dead letter on the new start", () -> after.deadLetterCount() == 1);
        final DeadLetter stale = after.deadLetters().get(0);
        assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, stale.reason());
        assertEquals("answer for the first start", stale.body());
        assertEquals(firstAsker.address().toString(), stale.to());
        assertTrue(stale.detail().contains("earlier start of node node1"), stale.detail());
        assertFalse(asked.isCompletedExceptionally());
        assertEquals(0, after.pendingAsks());
    }

    @Test
    void shouldNameEachAskWithTheRandomIdOfItsStartAndACounter() {
        try (TestNode node = new TestNode()) {
            final Asks asks = new Asks(node.system, () -> 0xCAFEL);
            final Queue<ActorRef> senders = new ConcurrentLinkedQueue<>();
            final ActorRef target = new ActorRef() {
                @Override
                public hamlet.api.Address address() {
                    return hamlet.api.Address.of("node2", "t");
                }

                @Override
                public void tell(final Object body) {
                    tell(body, null);
                }

                @Override
                public void tell(final Object body, final ActorRef sender) {
                    senders.add(sender);
                }

                @Override
                public java.util.concurrent.CompletionStage<Object> ask(final Object body,
                                                                        final java.time.Duration timeout) {
                    throw new UnsupportedOperationException("not in this test");
                }
            };
            try {
                asks.ask(target, "node2:t", "q1", DEADLINE.toNanos());
                asks.ask(target, "node2:t", "q2", DEADLINE.toNanos());

                assertEquals(List.of("node1:temp-ask-000000000000cafe-1", "node1:temp-ask-000000000000cafe-2"),
                    senders.stream().map(sender -> sender.address().toString()).toList());
                assertTrue(asks.isOfThisStart("temp-ask-000000000000cafe-7"));
                assertFalse(asks.isOfThisStart("temp-ask-1"), "the names of the runtime before this change");
                assertFalse(asks.isOfThisStart("temp-ask-000000000000beef-1"), "another start's");
            } finally {
                asks.close();
            }
        }
    }

    /** Starts a node joined to the others; a node started again under the same id takes the place of the first. */
    private LocalActorSystem start(final String id) {
        final Remoting remoting = new Remoting();
        remoting.bind(new FakeTransport(cluster, id));
        final LocalActorSystem system = new LocalActorSystem(TestNode.settings("hamlet.node.id = " + id), remoting);
        cluster.put(id, system.inbox());
        systems.add(system);
        return system;
    }
}
