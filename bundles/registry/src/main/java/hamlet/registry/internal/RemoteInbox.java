package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.WireEnvelope;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where envelopes from other nodes come in: decodes the body and delivers it on this node exactly as a local send
 * would (an unknown actor makes a dead letter, and the remote sender gets the {@link DeadLetter} notice back as an
 * envelope through the sender's ref); an envelope to a temporary ask ref ({@code thisNode:temp-ask-start-N})
 * completes that ask. What the transport gives up on becomes a dead letter here, whose notice goes to the local
 * sender (an ask fails with a DeadLetterException).
 *
 * <p>Order: the transport calls {@link #onEnvelope} in order for one peer, and each call enqueues on the receiver's
 * mailbox before it returns, so what one sender sent one receiver arrives in the order it was sent.
 *
 * <p>Threading: the transport's delivery and timer threads, concurrently for different peers. Nothing here runs user
 * code or calls the transport on that thread: an enqueue, or a hand-off to the dispatcher (an ask's completion, and
 * a dead-letter notice to a remote sender; see {@link Asks} and {@link DeadLetters}). Never blocks.
 */
public final class RemoteInbox implements EnvelopeReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteInbox.class);
    /** Longest piece of a peer's text put in a log line: the peer chooses it. */
    private static final int SHOWN_MAX = 160;

    /** Bound of {@link #addresses}: the texts are the peers' to choose (ask refs are one-off), so it cannot grow. */
    static final int MAX_CACHED_ADDRESSES = 4096;

    private final LocalActorSystem system;
    /** Says whether an envelope is for this node, and delivers it as a local send would. */
    private final Router router;
    private final Asks asks;
    private final CodecRegistry codecs;
    private final Remoting remoting;
    private final LongAdder notReady = new LongAdder();
    /** Where the hops of arrivals are recorded: the runtime's. */
    private final TraceRecorder tracer;
    private final String nodeId;
    private final LongAdder received = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder givenUp = new LongAdder();
    private final LongAdder malformedSenders = new LongAdder();
    private final LongAdder staleReplies = new LongAdder();
    /** Only the first malformed sender is logged at WARN (a peer could send millions); the rest at DEBUG. */
    private final AtomicBoolean malformedSenderLogged = new AtomicBoolean();
    /**
     * Parsed addresses by text: every envelope names a receiver and a sender, nearly always the same few, and parsing
     * (validating both names) was the largest per-envelope cost left on the receiving node. Emptied when full.
     */
    private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();

    RemoteInbox(final LocalActorSystem system, final Router router, final Asks asks, final Remoting remoting) {
        this.system = system;
        this.router = router;
        this.asks = asks;
        this.remoting = remoting;
        this.codecs = remoting.codecs();
        this.nodeId = system.nodeId();
        this.tracer = system.tracer();
        // The last part the runtime builds, so its dispatcher exists: from here on, notices that could reach the
        // transport leave the thread that made the dead letter, which may be the transport's own.
        system.deadLetterBox().handOffNotices(job -> system.dispatcher().run(job));
    }

    @Override
    public boolean onEnvelope(final String fromNode, final WireEnvelope envelope) {
        if (remoting.transport() == null) {
            // A transport can deliver before its service reaches this runtime (both start at once): what came in
            // now could not be answered (replies, dead-letter notices to the sender would be dropped, and a sender
            // waiting for them would wait for ever). Not taken, so not acknowledged: the peer resends it shortly.
            notReady.increment();
            return false;
        }
        received.increment();
        if (envelope.codecId() == PlacementWire.CODEC_ID) {
            system.clusterActors().onPlacementMessage(fromNode, envelope.payload());
            return true;
        }
        // Delivered within its trace: what it becomes here (a mailbox entry, a dead letter, an ask's answer) carries
        // the sender's trace id, or a new one when the sender's protocol carried none (a version-2 peer). No hop is
        // recorded for the arrival itself: the delivered, dead-letter or replied hop that follows shows it on this
        // node, and a hop on the transport's thread for every envelope showed in the bench's profile (a clock read and
        // a thread-local lane per delivery thread).
        final long[] trace = TraceContext.here();
        final long outer = TraceContext.enter(trace, envelope.traceId());
        try {
            deliver(fromNode, envelope, trace);
        } finally {
            TraceContext.exit(trace, outer);
        }
        return true;
    }

    private void deliver(final String fromNode, final WireEnvelope envelope, final long[] trace) {
        final ActorRef sender = senderOf(fromNode, envelope.from());
        Stamp stamp = null;
        int codecId = envelope.codecId();
        byte[] payload = envelope.payload();
        if (codecId == Stamp.CODEC_ID) {
            try {
                final Stamp.Unwrapped unwrapped = Stamp.unwrap(payload);
                stamp = unwrapped.stamp();
                codecId = unwrapped.codecId();
                payload = unwrapped.payload();
            } catch (final IllegalArgumentException e) {
                refuse(envelope, envelope.payload(), sender, DeadLetter.Reason.NO_TRANSPORT,
                    "node " + fromNode + " sent a malformed message for a cluster actor: " + e.getMessage());
                return;
            }
        }
        final Object body;
        try {
            body = codecs.decode(codecId, payload);
        } catch (final IllegalArgumentException e) {
            // The reason is NO_TRANSPORT only because DeadLetter.Reason (API) has none for "arrived, but this node
            // cannot read it"; the detail says what happened. The raw bytes are kept as the body.
            refuse(envelope, envelope.payload(), sender, DeadLetter.Reason.NO_TRANSPORT,
                "node " + fromNode + " sent a body this node cannot decode (codec id " + envelope.codecId() + ", "
                    + envelope.payload().length + " bytes), so it was not delivered: " + e.getMessage());
            return;
        }
        final Address to;
        try {
            to = parse(envelope.to());
        } catch (final IllegalArgumentException e) {
            refuse(envelope, body, sender, DeadLetter.Reason.UNKNOWN_ACTOR,
                "node " + fromNode + " sent a message to a malformed address: " + e.getMessage());
            return;
        }

        if (stamp != null || isClusterActorHere(to)) {
            // For a cluster actor: its activation here, else where it went, else held (see ClusterRouting).
            system.clusterActors().arrived(to.name(), body, sender, stamp);
            return;
        }
        final Resolution where = router.resolver().resolve(to);
        if (where instanceof Resolution.Remote remote) {
            refuse(envelope, body, sender, DeadLetter.Reason.UNKNOWN_ACTOR,
                "node " + fromNode + " sent a message for node " + remote.nodeId() + " to node " + nodeId);
            return;
        }
        if (isAsk(where, to)) {
            final Asks.AskRef ask = asks.find(to.name());
            if (ask == null) {
                refuse(envelope, body, sender, DeadLetter.Reason.UNKNOWN_ACTOR, noAsk(fromNode, to.name()));
            } else {
                ask.tell(body, sender);
            }
            return;
        }
        // A group envelope is for this node's own members: the sender picked this node (no second hop, no loop).
        router.deliverArrived(to, where, body, sender, trace);
        return;
    }

    @Override
    public void onUndeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
        if (envelope.codecId() == PlacementWire.CODEC_ID) {
            // A state copy or handover that could not go: the copy is sent again to the next replica; counted.
            givenUp.increment();
            LOG.warn("[{}] a failover message for {} was given up by the transport: {}", nodeId, envelope.to(),
                reason);
            return;
        }
        if (rerouted(toNode, envelope)) {
            return;
        }
        givenUp.increment();
        Object body;
        try {
            body = decodeAny(envelope);
        } catch (final IllegalArgumentException e) {
            body = envelope.payload();
        }
        final long[] trace = TraceContext.here();
        final long outer = TraceContext.enter(trace, envelope.traceId());
        try {
            system.deadLetter(envelope.to(), body, senderOf(nodeId, envelope.from()),
                DeadLetter.Reason.NO_TRANSPORT, "the transport gave up on a message for node " + toNode + ": "
                    + reason);
        } finally {
            TraceContext.exit(trace, outer);
        }
    }

    /**
     * Envelopes the transport took back from a node's outbox: those for cluster actors go to their owners now, ahead
     * of what is held for them here, in order, keeping their stamps; any other is a dead letter as
     * {@link #onUndeliverable} makes it.
     */
    @Override
    public void onReclaimed(final String toNode, final List<WireEnvelope> envelopes, final String reason) {
        final Map<String, List<ClusterSlot.Held>> byActor = new java.util.LinkedHashMap<>();
        for (final WireEnvelope envelope : envelopes) {
            final Object[] decoded = clusterMessage(envelope);
            if (decoded == null) {
                onUndeliverable(toNode, envelope, reason);
                continue;
            }
            final Object body = decoded[1];
            byActor.computeIfAbsent((String) decoded[0], name -> new java.util.ArrayList<>()).add(
                new ClusterSlot.Held(body, senderOf(nodeId, envelope.from()), (Stamp) decoded[2],
                    ClusterRouting.sizeOf(body), System.nanoTime()));
        }
        byActor.forEach((name, messages) -> system.clusterActors().reclaimed(toNode, name, messages));
    }

    /** @return {name, body, stamp or null} when the envelope is for a cluster actor and readable, else null */
    private Object[] clusterMessage(final WireEnvelope envelope) {
        final Address to;
        try {
            to = parse(envelope.to());
        } catch (final IllegalArgumentException e) {
            return null;
        }
        if (to.isGroup() || !system.clusterActors().isCluster(to.name())) {
            return null;
        }
        try {
            if (envelope.codecId() == Stamp.CODEC_ID) {
                final Stamp.Unwrapped unwrapped = Stamp.unwrap(envelope.payload());
                return new Object[] {to.name(), codecs.decode(unwrapped.codecId(), unwrapped.payload()),
                    unwrapped.stamp()};
            }
            return new Object[] {to.name(), codecs.decode(envelope.codecId(), envelope.payload()), null};
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A message for a cluster actor that its owner's node did not take (that node is gone): routed again, to the
     * actor's owner now, keeping its stamp, so that its new activation drops it if the old one had handled it.
     *
     * @return whether it was a cluster actor's (and is taken care of)
     */
    private boolean rerouted(final String toNode, final WireEnvelope envelope) {
        final Object[] decoded = clusterMessage(envelope);
        if (decoded == null) {
            return false;
        }
        system.clusterActors().reclaimed(toNode, (String) decoded[0], decoded[1], senderOf(nodeId, envelope.from()),
            (Stamp) decoded[2]);
        return true;
    }

    /** @return the body of an envelope of this node, unwrapping a stamped one */
    private Object decodeAny(final WireEnvelope envelope) {
        if (envelope.codecId() == Stamp.CODEC_ID) {
            final Stamp.Unwrapped unwrapped = Stamp.unwrap(envelope.payload());
            return codecs.decode(unwrapped.codecId(), unwrapped.payload());
        }
        return codecs.decode(envelope.codecId(), envelope.payload());
    }

    /** @return whether an address that came in names a cluster actor as this node's ({@code thisNode:name}) */
    private boolean isClusterActorHere(final Address to) {
        if (to.isGroup() || to.node() == null || !to.node().equals(nodeId)) {
            return false;
        }
        final ActorCell cell = system.cell(to.name());
        return (cell == null || cell.role() != null) && system.clusterActors().isCluster(to.name());
    }

    /**
     * The counters of this runtime's remote messaging and dead letters, for operators: what came in, what was
     * refused and why, and what the transport gave back. Each counts since this runtime started.
     *
     * @return by name: {@code remote.received}, {@code remote.refused}, {@code remote.given-up},
     *     {@code remote.malformed-senders}, {@code remote.stale-replies}, {@code dead-letters.total},
     *     {@code dead-letters.<REASON>} for each reason, {@code dead-letters.undelivered-notices} and
     *     {@code dead-letters.notices-dropped}; sorted by name
     */
    public Map<String, Long> counters() {
        final DeadLetters deadLetters = system.deadLetterBox();
        final Map<String, Long> counters = new TreeMap<>();
        counters.put("remote.received", received());
        counters.put("remote.refused", refused());
        counters.put("remote.given-up", givenUp());
        counters.put("remote.malformed-senders", malformedSenders());
        counters.put("remote.stale-replies", staleReplies());
        counters.put("remote.not-taken-before-transport", notReady.sum());
        counters.put("dead-letters.total", deadLetters.count());
        for (final DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            counters.put("dead-letters." + reason, deadLetters.count(reason));
        }
        counters.put("dead-letters.undelivered-notices", deadLetters.undeliveredNotices());
        counters.put("dead-letters.notices-dropped", deadLetters.noticesDropped());
        return counters;
    }

    /** @return envelopes received from other nodes */
    long received() {
        return received.sum();
    }

    /** @return envelopes received that could not be delivered here (bad codec or address, or not for this node) */
    long refused() {
        return refused.sum();
    }

    /** @return envelopes the transport gave back as undeliverable */
    long givenUp() {
        return givenUp.sum();
    }

    /** @return envelopes whose sender address was malformed (delivered without a sender) */
    long malformedSenders() {
        return malformedSenders.sum();
    }

    /** @return replies to an ask of an earlier start of this node, or to none it ever made (refused) */
    long staleReplies() {
        return staleReplies.sum();
    }

    /** @return the detail of a reply refused because no ask waits under its name, and counts a stale one */
    private String noAsk(final String fromNode, final String name) {
        if (asks.isOfThisStart(name)) {
            return "the ask " + nodeId + ":" + name + " that waited for this reply had already ended";
        }
        staleReplies.increment();
        return "no ask " + nodeId + ":" + name + " was made by this start of node " + nodeId + " (its asks are "
            + asks.prefix() + "N): a late or resent reply from node " + fromNode + " to an ask of an earlier start "
            + "of node " + nodeId + ", before it restarted";
    }

    private void refuse(final WireEnvelope envelope, final Object body, final ActorRef sender,
                        final DeadLetter.Reason reason, final String detail) {
        refused.increment();
        system.deadLetter(envelope.to(), body, sender, reason, detail);
    }

    /** Address.parse, remembered; a malformed text throws as it does and is not remembered. */
    private Address parse(final String text) {
        Address address = addresses.get(text);
        if (address == null) {
            address = Address.parse(text);
            if (addresses.size() >= MAX_CACHED_ADDRESSES) {
                addresses.clear();
            }
            addresses.put(text, address);
        }
        return address;
    }

    /** @return how many parsed addresses are remembered (at most {@link #MAX_CACHED_ADDRESSES}) */
    int cachedAddresses() {
        return addresses.size();
    }

    /**
     * @param fromNode the node that sent the envelope (this node, for one the transport gave back)
     * @param from the envelope's sender address, or {@code null}
     * @return a ref to the sender: a waiting ask of this node itself when the address is one (so that a reply or a
     *     notice to it completes the ask), else a ref by address; {@code null} for none or a malformed one (the
     *     message is still delivered, without a sender, and the malformed one counted)
     */
    private ActorRef senderOf(final String fromNode, final String from) {
        if (from == null) {
            return null;
        }
        final Address address;
        try {
            address = parse(from);
        } catch (final IllegalArgumentException e) {
            malformedSenders.increment();
            if (malformedSenderLogged.compareAndSet(false, true)) {
                LOG.warn("[{}] node {} sent a message with a malformed sender address '{}' ({}): delivered without "
                    + "a sender, so no reply or dead-letter notice can reach it; later ones are counted "
                    + "(remote.malformed-senders) and logged at DEBUG", nodeId, shown(fromNode), shown(from),
                    shown(e.getMessage()));
            } else {
                LOG.debug("[{}] node {} sent a message with a malformed sender address '{}'", nodeId,
                    shown(fromNode), shown(from));
            }
            return null;
        }
        if (isAsk(router.resolver().resolve(address), address)) {
            final Asks.AskRef ask = asks.find(address.name());
            if (ask != null) {
                return ask;
            }
        }
        return system.ref(address);
    }

    /**
     * @return whether the address is a temporary ask ref of this node: asks are not actors, so no actor of the name
     *     is found, and the name says it
     */
    private boolean isAsk(final Resolution where, final Address address) {
        return where instanceof Resolution.Unknown unknown && unknown.nodeId().equals(nodeId)
            && address.name().startsWith(Asks.TEMP_PREFIX);
    }

    /** @return a peer's text as a log line may show it: one line, bounded */
    private static String shown(final String text) {
        if (text == null) {
            return "null";
        }
        final StringBuilder shown = new StringBuilder(Math.min(text.length(), SHOWN_MAX) + 3);
        for (int i = 0; i < text.length() && i < SHOWN_MAX; i++) {
            final char c = text.charAt(i);
            shown.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > SHOWN_MAX) {
            shown.append("...");
        }
        return shown.toString();
    }
}
