package hamlet.testkit;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.Message;

/**
 * A message as the registry delivers it: {@link #body(Class)} returns the body when it already has the type, else
 * converts it through Gson (a String is parsed as JSON), failing with an IllegalArgumentException that names both
 * types.
 */
public record FakeMessage(Object body, ActorRef sender, Address to) implements Message {
    private static final Gson GSON = new Gson();

    /** A message to the local actor {@code to}. */
    public static FakeMessage to(final String to, final Object body, final ActorRef sender) {
        return new FakeMessage(body, sender, Address.named(to));
    }

    @Override
    public <T> T body(final Class<T> type) {
        if (type.isInstance(body)) {
            return type.cast(body);
        }
        try {
            final T converted = body instanceof String text
                ? GSON.fromJson(text, type) : GSON.fromJson(GSON.toJsonTree(body), type);
            if (converted == null) {
                throw new IllegalArgumentException("cannot convert an empty body to " + type.getName());
            }
            return converted;
        } catch (final JsonParseException e) {
            throw new IllegalArgumentException("cannot convert " + (body == null ? "null" : body.getClass().getName())
                + " to " + type.getName(), e);
        }
    }
}
