package hamlet.registry.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.Actor;
import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.Message;
import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.askFailure;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two runtimes joined by an in-memory transport: what crosses, in what order, and what comes back when it cannot. */
class RemoteMessagingTest {
    private final Map<String, EnvelopeReceiver> cluster = new ConcurrentHashMap<>();
    private final Map<String, Queue<Message>> received = new ConcurrentHashMap<>();
    private final List<LocalActorSystem> systems = new ArrayList<>();
    private final FakeTransport transport1 = new FakeTransport(cluster, "node1");
    private final FakeTransport transport2 = new FakeTransport(cluster, "node2");
    private final LocalActorSystem node1 = node("node1", transport1);
    private final LocalActorSystem node2 = node("node2", transport2);

    @AfterEach
    void close() {
        systems.forEach(LocalActorSystem::close);
        // Whatever each test did, nothing was sent from inside a delivery (the real transport's deadlock C1).
        assertEquals(0, transport1.reentrantSends.get() + transport2.reentrantSends.get(),
            "sends made on a thread inside a transport delivery");
    }

    @Test
    void shouldDeliverATellToAnActorOnAnotherNodeWithItsSender() {
        node2.spawn("recorder", "r");
        node1.spawn("recorder", "me");

        node1.ref("node2:r").tell("hello", node1.ref("me"));

        final Message got = awaitOne("r");
        assertEquals("hello", got.body());
        assertEquals(Address.of("node1", "me"), got.sender().address(), "the sender is named with its node");
        assertEquals(Address.of("node2", "r"), got.to());
    }

    @Test
    void shouldCarryBytesStringsAndJsonSoThatTheReceiverCanConvert() {
        node2.spawn("recorder", "r");
        final JsonObject job = JsonParser.parseString("{\"task\":\"fib\",\"n\":10}").getAsJsonObject();

        node1.ref("node2:r").tell(new byte[] {1, 2, 3});
        node1.ref("node2:r").tell("text");
        node1.ref("node2:r").tell(job);
        node1.ref("node2:r").tell(new Job("fib", 12));

        awaitTrue("4 messages", () -> received("r").size() == 4);
        final List<Message> got = new ArrayList<>(received("r"));
        assertEquals(3, ((byte[]) got.get(0).body()).length);
        assertEquals("text", got.get(1).body());
        assertEquals(job, got.get(2).body());
        assertInstanceOf(JsonElement.class, got.get(3).body(), "an object arrives as JSON");
        assertEquals(new Job("fib", 12), got.get(3).body(Job.class));
    }

    @Test
    void shouldAnswerARemoteAskAndForgetItsTemporaryRef() {
        node2.spawn("echo", "e");

        assertEquals("ping", ask(node1.ref("node2:e"), "ping"));

        assertEquals(0, node1.pendingAsks());
    }

    @Test
    void shouldTellTheRemoteSenderWhenTheActorIsUnknownThere() {
        node1.spawn("recorder", "me");

        node1.ref("node2:nobody").tell("lost", node1.ref("me"));

        final DeadLetter notice = assertInstanceOf(DeadLetter.class, awaitOne("me").body());
        assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, notice.reason());
        assertEquals("node2:nobody", notice.to());
        assertEquals("lost", notice.body());
        assertTrue(notice.detail().contains("node2"), notice.detail());
        assertEquals(1, node2.deadLetterCount(), "the dead letter is kept where it died");
    }

    @Test
    void shouldFailARemoteAskOfAnUnknownActorWithTheDeadLetter() {
        final Throwable failure = askFailure(node1.ref("node2:nobody"), "ping", Duration.ofSeconds(20));

        final DeadLetter letter = ((DeadLetterException) failure).deadLetter();
        assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, letter.reason());
        assertEquals(0, node1.pendingAsks());
    }

    @Test
    void shouldDeadLetterWhatTheTransportGivesUpOnAndTellTheSender() {
        node1.spawn("recorder", "me");
        transport1.away.add("node2");

        node1.ref("node2:r").tell("for later", node1.ref("me"));

        final DeadLetter notice = assertInstanceOf(DeadLetter.class, awaitOne("me").body());
        assertEquals(DeadLetter.Reason.NO_TRANSPORT, notice.reason());
        assertTrue(notice.detail().contains("stayed away too long"), notice.detail());
        assertEquals("for later", notice.body());
        assertEquals(1, node1.deadLetterCount());
    }

    @Test
    void shouldDeadLetterAtOnceWhatTheTransportRefuses() {
        transport1.refuseWith = Transport.SendStatus.OUTBOX_FULL;

        final Throwable failure = askFailure(node1.ref("node2:e"), "ping", Duration.ofSeconds(20));

        final DeadLetter letter = ((DeadLetterException) failure).deadLetter();
        assertEquals(DeadLetter.Reason.NO_TRANSPORT, letter.reason());
        assertTrue(letter.detail().contains("outbox for node node2 is full"), letter.detail());
    }

    @Test
    void shouldDeadLetterANodeTheTransportDoesNotKnow() {
        final Throwable failure = askFailure(node1.ref("node9:e"), "ping", Duration.ofSeconds(20));

        assertEquals("node node9 is not known to this node's transport (no link to it and not a seed)",
            ((DeadLetterException) failure).deadLetter().detail());
    }

    @Test
    void shouldNameTheSettingWhenEveryOutboxTogetherIsFull() {
        transport1.refuseWith = Transport.SendStatus.NODE_OUTBOXES_FULL;

        final Throwable failure = askFailure(node1.ref("node2:e"), "ping", Duration.ofSeconds(20));

        final DeadLetter letter = ((DeadLetterException) failure).deadLetter();
        assertEquals(DeadLetter.Reason.NO_TRANSPORT, letter.reason());
        assertTrue(letter.detail().contains("hamlet.transport.node-outbox-max-bytes"), letter.detail());
        assertTrue(letter.detail().contains("node node2"), letter.detail());
    }

    @Test
    void shouldExplainEachRefusalOfTheTransportInASentence() {
        final String to = "node2";
        for (final Transport.SendStatus status : Transport.SendStatus.values()) {
            if (status == Transport.SendStatus.ACCEPTED) {
                continue;
            }
            final String detail = TransportRouter.refused(status, to);
            assertTrue(detail.contains("node2"), detail);
            assertTrue(!detail.contains(status.name()), "a sentence, not the bare status: " + detail);
        }
        assertTrue(TransportRouter.refused(Transport.SendStatus.OUTBOX_FULL, to)
            .contains("hamlet.transport.outbox-limit"));
        assertTrue(TransportRouter.refused(Transport.SendStatus.OUTBOX_FULL, to)
            .contains("hamlet.transport.outbox-max-bytes"));
    }

    @Test
    void shouldKeepTheOrderOfOneSenderToOneReceiver() {
        node2.spawn("recorder", "r");
        final ActorRef target = node1.ref("node2:r");
        final int count = 10_000;

        for (int i = 0; i < count; i++) {
            target.tell(Integer.toString(i));
        }

        awaitTrue(count + " messages", () -> received("r").size() == count);
        int expected = 0;
        for (final Message message : received("r")) {
            assertEquals(Integer.toString(expected++), message.body());
        }
    }

    @Test
    void shouldDeliverAGroupAddressOnTheReceivingNode() {
        node2.spawn(new hamlet.api.ActorSpec("g1", "recorder", "workers", null));

        node1.inbox(); // the group form crosses as is; the receiving node picks the member
        cluster.get("node2").onEnvelope("node1", new WireEnvelope("*:workers", null, CodecRegistry.STRING,
            "job".getBytes(StandardCharsets.UTF_8)));

        assertEquals("job", awaitOne("g1").body());
    }

    @Test
    void shouldDeadLetterAnUndecodableEnvelopeAndKeepServing() {
        node2.spawn("recorder", "r");

        node2.inbox().onEnvelope("node1", new WireEnvelope("node2:r", "node1:me", 200, new byte[] {1}));
        node2.inbox().onEnvelope("node1", new WireEnvelope("node2:r", null, CodecRegistry.JSON,
            "{not json".getBytes(StandardCharsets.UTF_8)));
        node1.ref("node2:r").tell("still here");

        assertEquals("still here", awaitOne("r").body());
        assertEquals(2, node2.deadLetterCount());
        final DeadLetter undecodable = node2.deadLetters().get(0);
        assertEquals(DeadLetter.Reason.NO_TRANSPORT, undecodable.reason(), "the API has no better reason");
        assertTrue(undecodable.detail().startsWith("node node1 sent a body this node cannot decode (codec id 200, "
            + "1 bytes), so it was not delivered: "), undecodable.detail());
        assertTrue(undecodable.detail().contains("unknown codec id 200"), undecodable.detail());
        assertEquals(2L, ((RemoteInbox) node2.inbox()).counters().get("remote.refused"));
    }

    @Test
    void shouldDeliverAMessageWithAMalformedSenderWithoutItAndCountIt() {
        node2.spawn("recorder", "r");
        final RemoteInbox inbox = (RemoteInbox) node2.inbox();

        for (int i = 0; i < 3; i++) {
            assertTrue(inbox.onEnvelope("node1", new WireEnvelope("node2:r", "node1:bad sender\n" + i,
                CodecRegistry.STRING, "m".getBytes(StandardCharsets.UTF_8))));
        }

        awaitTrue("3 messages", () -> received("r").size() == 3);
        for (final Message message : received("r")) {
            assertNull(message.sender(), "delivered, without a sender to answer");
        }
        assertEquals(3, inbox.malformedSenders(), "counted, not dropped silently");
        assertEquals(3L, inbox.counters().get("remote.malformed-senders"));
        assertEquals(0, node2.deadLetterCount(), "the message itself was fine");
    }

    @Test
    void shouldCountRemoteMessagingAndDeadLettersByReasonForOperators() {
        node2.spawn("echo", "e");
        assertEquals("ping", ask(node1.ref("node2:e"), "ping"));
        askFailure(node1.ref("node2:nobody"), "lost", Duration.ofSeconds(20));

        final Map<String, Long> counters = ((RemoteInbox) node2.inbox()).counters();

        assertEquals(2L, counters.get("remote.received"));
        assertEquals(1L, counters.get("dead-letters.total"));
        assertEquals(1L, counters.get("dead-letters.UNKNOWN_ACTOR"));
        assertEquals(0L, counters.get("dead-letters.MAILBOX_FULL"));
        assertEquals(0L, counters.get("remote.given-up"));
        assertEquals(2L, ((RemoteInbox) node1.inbox()).counters().get("remote.received"), "the reply and the notice");
    }

    @Test
    void shouldKeepTheParsedAddressesBoundedWhenEverySenderIsNew() {
        node2.spawn("recorder", "r");
        final RemoteInbox inbox = (RemoteInbox) node2.inbox();
        final int count = RemoteInbox.MAX_CACHED_ADDRESSES + 10;

        for (int i = 0; i < count; i++) {
            inbox.onEnvelope("node1", new WireEnvelope("node2:r", "node1:s" + i, CodecRegistry.STRING,
                "m".getBytes(StandardCharsets.UTF_8)));
        }

        awaitTrue(count + " messages", () -> received("r").size() == count);
        assertTrue(inbox.cachedAddresses() <= RemoteInbox.MAX_CACHED_ADDRESSES, "at most the bound");
        assertEquals(Address.of("node1", "s" + (count - 1)), new ArrayList<>(received("r")).get(count - 1).sender()
            .address(), "the last sender is named right after the cache was emptied");
    }

    @Test
    void shouldRefuseAMalformedAddressEveryTimeItComes() {
        node2.spawn("recorder", "r");

        for (int i = 0; i < 2; i++) {
            node2.inbox().onEnvelope("node1", new WireEnvelope("node2:bad name", null, CodecRegistry.STRING,
                "m".getBytes(StandardCharsets.UTF_8)));
        }

        assertEquals(2, node2.deadLetterCount());
    }

    @Test
    void shouldDeadLetterALateReplyToAnAskThatEnded() {
        node2.spawn("recorder", "silent");
        node2.spawn("recorder", "r");
        askFailure(node1.ref("node2:silent"), "anyone?", Duration.ofMillis(50));
        final ActorRef asker = awaitOne("silent").sender();

        asker.tell("too late", node2.ref("r"));

        final DeadLetter notice = assertInstanceOf(DeadLetter.class, awaitOne("r").body());
        assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, notice.reason());
        assertEquals(asker.address().toString(), notice.to());
        assertTrue(notice.detail().contains("had already ended"), notice.detail());
        assertEquals(0L, ((RemoteInbox) node1.inbox()).staleReplies(), "an ask of this start, not a stale one");
    }

    @Test
    void shouldDeadLetterAReplyToAnAskThisStartNeverMade() {
        node2.spawn("recorder", "r");

        node1.inbox().onEnvelope("node2", new WireEnvelope("node1:temp-ask-999", "node2:r", CodecRegistry.STRING,
            "too late".getBytes(StandardCharsets.UTF_8)));

        final DeadLetter notice = assertInstanceOf(DeadLetter.class, awaitOne("r").body());
        assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR, notice.reason());
        assertTrue(notice.detail().contains("an ask of an earlier start of node node1"), notice.detail());
        assertEquals(1L, ((RemoteInbox) node1.inbox()).counters().get("remote.stale-replies"));
    }

    private LocalActorSystem node(final String id, final FakeTransport transport) {
        final Remoting remoting = new Remoting();
        remoting.bind(transport);
        final LocalActorSystem system = new LocalActorSystem(TestNode.settings("hamlet.node.id = " + id), remoting);
        system.registerBehavior("recorder", spec -> new Actor() {
            @Override
            public void onMessage(final Message msg, final hamlet.api.ActorContext ctx) {
                received(spec.name()).add(msg);
            }
        });
        system.registerBehavior("echo", spec -> (msg, ctx) -> ctx.reply(msg.body()));
        cluster.put(id, system.inbox());
        systems.add(system);
        return system;
    }

    private Queue<Message> received(final String name) {
        return received.computeIfAbsent(name, k -> new ConcurrentLinkedQueue<>());
    }

    private Message awaitOne(final String name) {
        awaitTrue("a message for " + name, () -> !received(name).isEmpty());
        final Message message = received(name).peek();
        assertNotNull(message);
        return message;
    }

    /** A body of a class the receiver knows: it crosses as JSON and converts back. */
    record Job(String task, int n) {
    }
}
