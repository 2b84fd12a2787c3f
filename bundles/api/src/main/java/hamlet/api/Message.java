package hamlet.api;

/**
 * A message as an actor receives it. Immutable; valid after the call that delivered it.
 */
public interface Message {
    /** @return the body as it was sent; for a local send, the very object */
    Object body();

    /**
     * The body as a given type. An instance of {@code type} is returned as is; anything else is converted through
     * the codecs (for example a JSON string, a {@code JsonElement}, or an object of another bundle's class after a
     * hot swap, into a {@code type}).
     *
     * @param type the wanted type
     * @param <T> the wanted type
     * @return the body as {@code type}
     * @throws IllegalArgumentException when the body cannot be converted, naming both types
     */
    <T> T body(Class<T> type);

    /** @return who sent it, or {@code null} when it was sent with no sender */
    ActorRef sender();

    /** @return the address it was sent to */
    Address to();

    /**
     * The trace id of this message: a non-zero 64-bit value, new for a message sent from outside an actor and
     * inherited by what an actor sends while it handles a message (replies, forwards, an ask's reply), so that
     * {@link hamlet.api.trace.TraceLog} can show one message's hops across the nodes. Shown as 16 lowercase hex
     * digits ({@link hamlet.api.trace.TraceHop#hex}).
     *
     * @return the trace id, or 0 for none (a runtime or message made before 1.4.0)
     * @since 1.4.0
     */
    default long traceId() {
        return 0;
    }
}
