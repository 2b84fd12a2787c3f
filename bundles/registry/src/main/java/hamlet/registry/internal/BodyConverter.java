package hamlet.registry.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;

/**
 * Gives a message body as another type ({@link hamlet.api.Message#body(Class)}): an instance as is, anything else
 * through JSON. Stateless and thread-safe; {@link Gson} is.
 */
final class BodyConverter {
    private static final int DESCRIBED_MAX = 200;

    private BodyConverter() {
    }

    /**
     * @param body the body as sent
     * @param type the wanted type
     * @param <T> the wanted type
     * @return the body as {@code type}: the very object when it is one; a String parsed as JSON; a JsonElement read
     *     as {@code type}; any other object through its JSON tree (which is how an object of another bundle's class
     *     becomes one of this one's after a hot swap)
     * @throws IllegalArgumentException naming both types when the body cannot be converted
     */
    @SuppressWarnings("unchecked")
    static <T> T convert(final Object body, final Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("the type to convert a message body to is null");
        }
        if (type.isInstance(body)) {
            return type.cast(body);
        }
        if (body == null) {
            throw new IllegalArgumentException("cannot convert a null message body to " + type.getName());
        }
        final Object converted;
        try {
            // Not one shared Gson for a behaviour's classes: its cache would pin them across hot swaps.
            final Gson gson = Gsons.forTypes(body.getClass(), type);
            if (body instanceof String) {
                converted = gson.fromJson((String) body, type);
            } else if (body instanceof JsonElement) {
                converted = gson.fromJson((JsonElement) body, type);
            } else {
                converted = gson.fromJson(gson.toJsonTree(body), type);
            }
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException(cannot(body, type) + ": " + e.getMessage(), e);
        }
        if (converted == null) {
            throw new IllegalArgumentException(cannot(body, type) + ": it reads as JSON null");
        }
        // For a primitive type, Gson hands back the box, which is what a caller of body(int.class) gets anyway.
        return (T) converted;
    }

    /**
     * @param body a body
     * @return a short text of it for a log line, its type and at most 200 characters
     */
    static String describe(final Object body) {
        if (body == null) {
            return "null";
        }
        String text;
        try {
            text = String.valueOf(body);
        } catch (final RuntimeException e) {
            text = "(its toString failed: " + e + ")";
        }
        final String shown = text.length() > DESCRIBED_MAX ? text.substring(0, DESCRIBED_MAX) + "..." : text;
        return body.getClass().getSimpleName() + " " + shown;
    }

    private static String cannot(final Object body, final Class<?> type) {
        return "cannot convert a message body of type " + body.getClass().getName() + " to " + type.getName();
    }
}
