package hamlet.tools;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;

import java.util.Map;

/**
 * The JSON the tools need, over Gson: a response as maps, lists, strings, numbers (Long when integral, else
 * Double), booleans and null; and the same written back. Stateless.
 */
public final class Json {
    private static final Gson GSON = new GsonBuilder()
        .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
        .setStrictness(Strictness.STRICT)
        .serializeNulls()
        .disableHtmlEscaping()
        .create();

    private Json() {
    }

    /**
     * Parses one JSON value.
     *
     * @param text JSON text
     * @return maps, lists, strings, numbers, booleans and null
     * @throws IllegalArgumentException saying where the text stops being JSON
     */
    public static Object parse(final String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("not JSON: the text is empty");
        }
        try {
            return GSON.fromJson(text, Object.class);
        } catch (final JsonParseException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * @param value maps, lists, strings, numbers, booleans and null
     * @return it as JSON text
     */
    public static String write(final Object value) {
        return GSON.toJson(value);
    }

    /**
     * @param value a parsed value
     * @param keys a path of object keys
     * @return the value at that path, or null when any step is missing or not an object
     */
    public static Object at(final Object value, final String... keys) {
        Object current = value;
        for (final String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }
}
