package hamlet.shell.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import hamlet.api.DeadLetter;

import java.io.IOException;
import java.io.StringReader;

/**
 * The agreed message body rules, as the shell applies them. Stateless and thread-safe.
 */
final class Bodies {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Bodies() {
    }

    /**
     * A shell TEXT argument as a message body: a JSON object or array is sent as a JsonElement, anything else
     * (including text that merely starts with a brace) as the String it is.
     *
     * @param text the argument
     * @return the body
     */
    static Object fromText(final String text) {
        final String trimmed = text.strip();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return text;
        }
        try (JsonReader reader = new JsonReader(new StringReader(trimmed))) {
            reader.setStrictness(Strictness.STRICT);
            final JsonElement json = GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() == JsonToken.END_DOCUMENT && (json.isJsonObject() || json.isJsonArray())) {
                return json;
            }
            return text;
        } catch (final IOException | JsonParseException | IllegalStateException e) {
            return text;
        }
    }

    /**
     * A reply body as JSON: a String as a JSON string, a JsonElement as is, a dead letter as
     * {@code {"deadLetter": {...}}}, anything else as Gson makes it.
     *
     * @param body the body, possibly {@code null}
     * @return its JSON
     */
    static JsonElement toJson(final Object body) {
        if (body == null) {
            return JsonNull.INSTANCE;
        }
        if (body instanceof String) {
            return new JsonPrimitive((String) body);
        }
        if (body instanceof JsonElement) {
            return (JsonElement) body;
        }
        if (body instanceof DeadLetter) {
            final DeadLetter letter = (DeadLetter) body;
            final JsonObject json = new JsonObject();
            json.addProperty("to", letter.to());
            json.addProperty("from", letter.from());
            json.addProperty("reason", letter.reason() == null ? null : letter.reason().name());
            json.addProperty("detail", letter.detail());
            json.addProperty("at", letter.at() == null ? null : letter.at().toString());
            json.add("body", toJson(letter.body()));
            final JsonObject wrapped = new JsonObject();
            wrapped.add("deadLetter", json);
            return wrapped;
        }
        try {
            return GSON.toJsonTree(body);
        } catch (final RuntimeException | StackOverflowError e) {
            // An object Gson cannot walk (JDK internals, a cycle) is still shown rather than failing the command.
            return new JsonPrimitive(String.valueOf(body));
        }
    }

    /**
     * @param body a body
     * @return its JSON text on one line
     */
    static String toJsonText(final Object body) {
        return GSON.toJson(toJson(body));
    }
}
