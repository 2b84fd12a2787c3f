package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;

/**
 * Sends to another node through the transport: encodes the body with the node's codecs into a
 * {@link WireEnvelope} addressed by full addresses, and hands it to {@link Transport#send}. Whatever is not accepted
 * becomes a dead letter at once, with the transport's reason; what the transport gives up on later comes back
 * through {@link RemoteInbox#onUndeliverable}. With no transport bound it behaves as {@link NoTransportRouter}.
 *
 * <p>Order per sender-receiver pair: one actor's sends happen on its turn, one at a time, and the transport keeps
 * the order it accepted them in; this class adds no queue of its own.
 *
 * <p>Threading: any thread (senders, dispatcher turns); never blocks.
 */
final class TransportRouter implements RemoteRouter {
    private final String nodeId;
    private final Remoting remoting;
    private final DeadLetters deadLetters;
    private final NoTransportRouter none;

    TransportRouter(final String nodeId, final Remoting remoting, final DeadLetters deadLetters) {
        this.nodeId = nodeId;
        this.remoting = remoting;
        this.deadLetters = deadLetters;
        this.none = new NoTransportRouter(deadLetters);
    }

    @Override
    public void send(final Address to, final Object body, final ActorRef sender) {
        final Transport transport = remoting.transport();
        if (transport == null) {
            none.send(to, body, sender);
            return;
        }
        final CodecRegistry.Encoded encoded;
        try {
            encoded = remoting.codecs().encode(body);
        } catch (final IllegalArgumentException e) {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.NO_TRANSPORT,
                "cannot send to node " + to.node() + ": " + e.getMessage());
            return;
        }
        final WireEnvelope envelope = new WireEnvelope(to.toString(), fullAddress(sender), encoded.codecId(),
            encoded.bytes());
        final Transport.SendStatus status;
        try {
            status = transport.send(to.node(), envelope);
        } catch (final RuntimeException e) {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.NO_TRANSPORT,
                "the transport failed to take a message for node " + to.node() + ": " + e);
            return;
        }
        if (status != Transport.SendStatus.ACCEPTED) {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.NO_TRANSPORT, refused(status, to));
        }
    }

    /** @return the sender's address as another node must use it: with this node's id when it had none */
    private String fullAddress(final ActorRef sender) {
        if (sender == null) {
            return null;
        }
        final Address from = sender.address();
        if (from == null) {
            return null;
        }
        return from.node() == null && !from.isGroup() ? nodeId + ":" + from.name() : from.toString();
    }

    private static String refused(final Transport.SendStatus status, final Address to) {
        switch (status) {
            case UNKNOWN_NODE:
                return "node " + to.node() + " is not known to the transport (not in hamlet.cluster.seeds?)";
            case OUTBOX_FULL:
                return "the outbox for node " + to.node() + " is full";
            case TOO_LARGE:
                return "the message is larger than the transport's envelope limit";
            default:
                return "the transport refused a message for node " + to.node() + ": " + status;
        }
    }
}
