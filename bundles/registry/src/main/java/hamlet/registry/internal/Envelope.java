package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.Message;

/**
 * One message on its way: the only object a local send allocates beyond what the mailbox holds. Immutable; made by
 * the sending thread, read by the thread running the receiver's turn (published through the mailbox). A message to
 * a cluster actor is a {@link Stamped} one.
 */
class Envelope implements Message {
    private final Object body;
    private final ActorRef sender;
    private final Address to;
    /** Set by the sender before the offer when this message is timed ({@link ActorMeters#stamp}), else 0. */
    long sampledAtNs;
    private final long traceId;

    /** A message with the trace id its sending thread deals with now ({@link TraceContext}). */
    Envelope(final Object body, final ActorRef sender, final Address to) {
        this(body, sender, to, TraceContext.current());
    }

    Envelope(final Object body, final ActorRef sender, final Address to, final long traceId) {
        this.body = body;
        this.sender = sender;
        this.to = to;
        this.traceId = traceId;
    }

    @Override
    public long traceId() {
        return traceId;
    }

    @Override
    public Object body() {
        return body;
    }

    @Override
    public <T> T body(final Class<T> type) {
        return BodyConverter.convert(body, type);
    }

    @Override
    public ActorRef sender() {
        return sender;
    }

    @Override
    public Address to() {
        return to;
    }

    @Override
    public String toString() {
        return "Message to " + to + " from " + (sender == null ? "nobody" : sender.address()) + " (trace="
            + hamlet.api.trace.TraceHop.hex(traceId) + "): " + BodyConverter.describe(body);
    }

    /** @return its stamp when it is for a cluster actor, else null */
    Stamp stamp() {
        return null;
    }

    /** A message to a cluster actor, with the stamp that lets its activation drop a second copy. */
    static final class Stamped extends Envelope {
        private final Stamp stamp;

        Stamped(final Object body, final ActorRef sender, final Address to, final Stamp stamp) {
            super(body, sender, to, TraceContext.current());
            this.stamp = stamp;
        }

        @Override
        Stamp stamp() {
            return stamp;
        }
    }
}
