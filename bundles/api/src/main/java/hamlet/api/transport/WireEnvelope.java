package hamlet.api.transport;

import java.util.Objects;

/**
 * One message as it crosses between nodes: where it goes, who sent it, and its body already encoded by a codec.
 * Immutable by contract: neither side changes {@code payload} after handing the envelope over.
 *
 * @param to the full address of the receiver, {@code node:name} (or {@code *:group})
 * @param from the full address of the sender, or {@code null} when there is none
 * @param codecId the id of the codec that encoded the body ({@link hamlet.api.Codec#id()})
 * @param payload the encoded body
 */
public record WireEnvelope(String to, String from, int codecId, byte[] payload) {
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
