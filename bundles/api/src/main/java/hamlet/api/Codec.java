package hamlet.api;

/**
 * Turns bodies of one type into bytes and back, for messages that leave the node or cross bundle class loaders.
 * Built in: raw {@code byte[]} as is, {@code String} as UTF-8, any other object as JSON with Gson. Register a
 * binary codec for a type as an OSGi service of this interface to replace JSON for it.
 *
 * <p>Threading: called from any thread, concurrently; implementations must be stateless or thread-safe.
 *
 * @param <T> the type this codec handles
 */
public interface Codec<T> {
    /** Ids below this are Hamlet's own; a user codec picks an id from here up to {@value #MAX_ID}. */
    int FIRST_USER_ID = 64;
    /** The highest codec id: ids travel in one byte. */
    int MAX_ID = 255;

    /** @return this codec's id, the same on every node; stable forever once used */
    int id();

    /** @return the type of the bodies it encodes */
    Class<T> type();

    /**
     * @param value a body
     * @return its bytes
     */
    byte[] encode(T value);

    /**
     * @param bytes what {@link #encode} returned, possibly on another node
     * @return the body
     * @throws IllegalArgumentException when the bytes are malformed
     */
    T decode(byte[] bytes);
}
