package hamlet.api.transport;

import java.util.Objects;

/**
 * One message as it crosses between nodes: where it goes, who sent it, and its body already encoded by a codec.
 * Immutable by contract: neither side changes {@code payload} after handing the envelope over.
 *
 * <p>{@code to} is {@code node:name} for one actor, or {@code *:group} for a group: the sending node chose the
 * receiving node already (the node argument of {@link Transport#send}), so on arrival {@code *:group} means one of
 * the receiving node's own members of the group, never a member elsewhere. A receiver never forwards a group envelope
 * to a third node: one hop, no loops. Nodes before 2.1.0 read it the same way (their groups were local only).
 *
 * @param to the full address of the receiver, {@code node:name}, or {@code *:group} for the receiving node's group
 * @param from the full address of the sender, or {@code null} when there is none
 * @param codecId the id of the codec that encoded the body ({@link hamlet.api.Codec#id()})
 * @param payload the encoded body
 * @param traceId the message's trace id ({@link hamlet.api.Message#traceId()}), or 0 for none (since 2.4.0: a peer
 *     that speaks an older protocol carries none, and the receiving registry gives such a message a new one)
 */
public record WireEnvelope(String to, String from, int codecId, byte[] payload, long traceId) {
    /**
     * An envelope with no trace id, as before 2.4.0.
     *
     * @param to the full address of the receiver
     * @param from the full address of the sender, or {@code null}
     * @param codecId the id of the codec that encoded the body
     * @param payload the encoded body
     */
    public WireEnvelope(final String to, final String from, final int codecId, final byte[] payload) {
        this(to, from, codecId, payload, 0L);
    }

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException when {@code to} is missing or the codec id is out of range
     */
    public WireEnvelope {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(payload, "payload");
        if (codecId < 0 || codecId > hamlet.api.Codec.MAX_ID) {
            throw new IllegalArgumentException("codec id " + codecId + " is out of 0.." + hamlet.api.Codec.MAX_ID);
        }
    }
}
