package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.transport.EnvelopeReceiver;
import hamlet.api.transport.WireEnvelope;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where envelopes from other nodes come in: decodes the body and delivers it on this node exactly as a local send
 * would (an unknown actor makes a dead letter, and the remote sender gets the {@link DeadLetter} notice back as an
 * envelope through the sender's ref); an envelope to a temporary ask ref ({@code thisNode:temp-ask-N}) completes
 * that ask. What the transport gives up on becomes a dead letter here, whose notice goes to the local sender (an ask
 * fails with a DeadLetterException).
 *
 * <p>Order: the transport calls {@link #onEnvelope} in order for one peer, and each call enqueues on the receiver's
 * mailbox before it returns, so what one sender sent one receiver arrives in the order it was sent.
 *
 * <p>Threading: the transport's I/O threads, concurrently for different peers; never blocks (an enqueue, or a send
 * back through the transport, which does not block either).
 */
final class RemoteInbox implements EnvelopeReceiver {
    /** Bound of {@link #addresses}: the texts are the peers' to choose (ask refs are one-off), so it cannot grow. */
    static final int MAX_CACHED_ADDRESSES = 4096;

    private final LocalActorSystem system;
    private final Asks asks;
    private final CodecRegistry codecs;
    private final String nodeId;
    private final LongAdder received = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder givenUp = new LongAdder();
    /**
     * Parsed addresses by text: every envelope names a receiver and a sender, nearly always the same few, and parsing
     * (validating both names) was the largest per-envelope cost left on the receiving node. Emptied when full.
     */
    private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();

    RemoteInbox(final LocalActorSystem system, final Asks asks, final CodecRegistry codecs) {
        this.system = system;
        this.asks = asks;
        this.codecs = codecs;
        this.nodeId = system.nodeId();
    }

    @Override
    public void onEnvelope(final String fromNode, final WireEnvelope envelope) {
        received.increment();
        final ActorRef sender = senderOf(envelope.from());
        final Object body;
        try {
            body = codecs.decode(envelope.codecId(), envelope.payload());
        } catch (final IllegalArgumentException e) {
            refuse(envelope, envelope.payload(), sender, DeadLetter.Reason.NO_TRANSPORT,
                "cannot decode a message from node " + fromNode + ": " + e.getMessage());
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
        if (!to.isGroup() && !to.isLocalTo(nodeId)) {
            refuse(envelope, body, sender, DeadLetter.Reason.UNKNOWN_ACTOR,
                "node " + fromNode + " sent a message for node " + to.node() + " to node " + nodeId);
            return;
        }
        if (!to.isGroup() && to.name().startsWith(Asks.TEMP_PREFIX)) {
            final Asks.AskRef ask = asks.find(to.name());
            if (ask == null) {
                refuse(envelope, body, sender, DeadLetter.Reason.UNKNOWN_ACTOR,
                    "the ask " + nodeId + ":" + to.name() + " that waited for this reply had already ended");
            } else {
                ask.tell(body, sender);
            }
            return;
        }
        system.ref(to).tell(body, sender);
    }

    @Override
    public void onUndeliverable(final String toNode, final WireEnvelope envelope, final String reason) {
        givenUp.increment();
        Object body;
        try {
            body = codecs.decode(envelope.codecId(), envelope.payload());
        } catch (final IllegalArgumentException e) {
            body = envelope.payload();
        }
        system.deadLetter(envelope.to(), body, senderOf(envelope.from()), DeadLetter.Reason.NO_TRANSPORT,
            "the transport gave up on a message for node " + toNode + ": " + reason);
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
     * @return a ref to the sender: a waiting ask of this node itself when the address is one (so that a reply or a
     *     notice to it completes the ask), else a ref by address; {@code null} for none or a malformed one
     */
    private ActorRef senderOf(final String from) {
        if (from == null) {
            return null;
        }
        final Address address;
        try {
            address = parse(from);
        } catch (final IllegalArgumentException e) {
            return null;
        }
        if (address.isLocalTo(nodeId) && address.name().startsWith(Asks.TEMP_PREFIX)) {
            final Asks.AskRef ask = asks.find(address.name());
            if (ask != null) {
                return ask;
            }
        }
        return system.ref(address);
    }
}
