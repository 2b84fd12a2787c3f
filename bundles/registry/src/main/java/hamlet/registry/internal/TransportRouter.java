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
    /** Where hops are recorded; set once, before the runtime is in use. */
    private TraceRecorder tracer = TraceRecorder.OFF;

    TransportRouter(final String nodeId, final Remoting remoting, final DeadLetters deadLetters) {
        this.nodeId = nodeId;
        this.remoting = remoting;
        this.deadLetters = deadLetters;
        this.none = new NoTransportRouter(deadLetters);
    }

    /** Records the hops of what goes to other nodes into {@code recorder}. Before the runtime is in use. */
    void traceTo(final TraceRecorder recorder) {
        this.tracer = recorder;
    }

    @Override
    public void send(final String node, final Address to, final Object body, final ActorRef sender) {
        send(node, to, body, sender, null);
    }

    /**
     * As {@link #send(String, Address, Object, ActorRef)}, for a message to a cluster actor: the encoded body is
     * wrapped with its stamp (codec id {@value Stamp#CODEC_ID}, see {@link Stamp}).
     *
     * @param stamp the stamp, or null for a plain envelope
     */
    void send(final String node, final Address to, final Object body, final ActorRef sender, final Stamp stamp) {
        final Transport transport = remoting.transport();
        if (transport == null) {
            none.send(node, to, body, sender);
            return;
        }
        final CodecRegistry.Encoded encoded;
        try {
            encoded = remoting.codecs().encode(body);
        } catch (final IllegalArgumentException e) {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.NO_TRANSPORT,
                "cannot send to node " + node + ": " + e.getMessage());
            return;
        }
        // The trace id of the message this thread routes now (see Router.send), carried to the other node.
        final long[] trace = TraceContext.here();
        final long traceId = trace[TraceContext.ID];
        final String toText = to.toString();
        final WireEnvelope envelope = stamp == null
            ? new WireEnvelope(toText, fullAddress(sender), encoded.codecId(), encoded.bytes(), traceId)
            : new WireEnvelope(toText, fullAddress(sender), Stamp.CODEC_ID,
                stamp.wrap(encoded.codecId(), encoded.bytes()), traceId);
        tracer.record(trace, traceId, TraceRecorder.SENT, sender == null ? null : sender.address(), to, node);
        final Transport.SendStatus status;
        try {
            status = transport.send(node, envelope);
        } catch (final RuntimeException e) {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.NO_TRANSPORT,
                "the transport failed to take a message for node " + node + ": " + e);
            return;
        }
        if (status != Transport.SendStatus.ACCEPTED) {
            deadLetters.record(to.toString(), body, sender, DeadLetter.Reason.NO_TRANSPORT,
                refused(status, node));
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

    /** @return why the transport refused, in a sentence naming the setting that decides it */
    static String refused(final Transport.SendStatus status, final String node) {
        switch (status) {
            case UNKNOWN_NODE:
                // A seed that is not linked yet is known (the transport dials it): unknown means neither.
                return "node " + node + " is not known to this node's transport (no link to it and not a seed)";
            case OUTBOX_FULL:
                return "the outbox for node " + node + " is full (at hamlet.transport.outbox-limit envelopes "
                    + "or hamlet.transport.outbox-max-bytes bytes waiting or unacknowledged): node " + node
                    + " is away or slower than its senders";
            case NODE_OUTBOXES_FULL:
                return "the outboxes for all peers of this node together are full (at "
                    + "hamlet.transport.node-outbox-max-bytes bytes), so nothing more is taken for node " + node
                    + " until some peer acknowledges or its envelopes are given up";
            case TOO_LARGE:
                return "the message for node " + node + " is larger than the transport's envelope limit "
                    + "(hamlet.transport.max-envelope)";
            default:
                return "the transport refused a message for node " + node + ": " + status;
        }
    }
}
