package hamlet.registry.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import hamlet.api.Codec;
import hamlet.api.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The codecs a node encodes bodies with when they leave it, and decodes them with when they arrive.
 *
 * <p>Built in, with ids fixed forever: {@value #BYTES} raw {@code byte[]} as is, {@value #STRING} {@code String} as
 * UTF-8, {@value #JSON} any other object as JSON with Gson (it arrives as a {@link JsonElement}: the receiver's
 * {@code msg.body(Type.class)} converts), {@value #DEAD_LETTER} a {@link DeadLetter} notice (its body as JSON). User
 * codecs ({@link Codec} services, ids from {@link Codec#FIRST_USER_ID}) replace JSON for the type they name, and for
 * its subtypes; the same id must mean the same codec on every node.
 *
 * <p>Choice of codec for a body: {@code byte[]}, {@code String}, {@code DeadLetter}, then a user codec whose type is
 * the body's class, then one whose type the body is an instance of, else JSON.
 *
 * <p>Threading: any thread. Registrations are rare (a bundle comes or goes) and go to concurrent maps; encode and
 * decode only read them.
 */
public final class CodecRegistry {
    /** Raw bytes. */
    public static final int BYTES = 1;
    /** UTF-8 text. */
    public static final int STRING = 2;
    /** JSON through Gson; decodes to a JsonElement. */
    public static final int JSON = 3;
    /** A DeadLetter notice. */
    public static final int DEAD_LETTER = 4;

    private static final Logger LOG = LoggerFactory.getLogger(CodecRegistry.class);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Map<Integer, Codec<?>> byId = new ConcurrentHashMap<>();
    private final Map<Class<?>, Codec<?>> byType = new ConcurrentHashMap<>();

    /** A body in bytes and the id of the codec that made them. */
    public record Encoded(int codecId, byte[] bytes) {
    }

    /**
     * Adds a user codec.
     *
     * @param codec the codec
     * @return whether it was taken; a codec whose id is reserved or already used, or whose type already has one,
     *     is refused with a log line naming why
     */
    public boolean register(final Codec<?> codec) {
        Objects.requireNonNull(codec, "codec");
        final int id;
        final Class<?> type;
        try {
            id = codec.id();
            type = codec.type();
        } catch (final RuntimeException e) {
            LOG.error("codec {} refused: its id() or type() failed: {}", codec.getClass().getName(), e.toString());
            return false;
        }
        if (id < Codec.FIRST_USER_ID || id > Codec.MAX_ID || type == null) {
            LOG.error("codec {} refused: its id must be {}..{} (got {}) and its type not null (got {})",
                codec.getClass().getName(), Codec.FIRST_USER_ID, Codec.MAX_ID, id, type);
            return false;
        }
        synchronized (this) {
            final Codec<?> sameId = byId.get(id);
            final Codec<?> sameType = byType.get(type);
            if (sameId != null || sameType != null) {
                LOG.error("codec {} (id {}, type {}) refused: {} is already registered for {}",
                    codec.getClass().getName(), id, type.getName(),
                    (sameId != null ? sameId : sameType).getClass().getName(),
                    sameId != null ? "id " + id : "type " + type.getName());
                return false;
            }
            byId.put(id, codec);
            byType.put(type, codec);
        }
        LOG.info("codec {} registered: id {} for {}", codec.getClass().getName(), id, type.getName());
        return true;
    }

    /**
     * Removes a user codec, if it is the one registered.
     *
     * @param codec the codec
     */
    public void unregister(final Codec<?> codec) {
        synchronized (this) {
            byId.values().remove(codec);
            byType.values().remove(codec);
        }
    }

    /**
     * @param body a body, not null
     * @return its bytes and codec id
     * @throws IllegalArgumentException when the codec fails on it
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Encoded encode(final Object body) {
        if (body instanceof byte[]) {
            return new Encoded(BYTES, (byte[]) body);
        }
        if (body instanceof String) {
            return new Encoded(STRING, ((String) body).getBytes(StandardCharsets.UTF_8));
        }
        if (body instanceof DeadLetter) {
            return new Encoded(DEAD_LETTER, encodeDeadLetter((DeadLetter) body));
        }
        final Codec codec = userCodecFor(body.getClass());
        try {
            if (codec != null) {
                return new Encoded(codec.id(), Objects.requireNonNull(codec.encode(body), "encode returned null"));
            }
            final Object tree = body instanceof JsonElement ? body
                : Gsons.forTypes(body.getClass()).toJsonTree(body);
            return new Encoded(JSON, GSON.toJson(tree).getBytes(StandardCharsets.UTF_8));
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("cannot encode a body of type " + body.getClass().getName()
                + (codec == null ? " as JSON" : " with codec " + codec.id()) + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param codecId the id the sender gave
     * @param bytes the encoded body
     * @return the body
     * @throws IllegalArgumentException when the id is unknown here or the bytes are malformed
     */
    public Object decode(final int codecId, final byte[] bytes) {
        switch (codecId) {
            case BYTES:
                return bytes;
            case STRING:
                return new String(bytes, StandardCharsets.UTF_8);
            case JSON:
                return parse(bytes);
            case DEAD_LETTER:
                return decodeDeadLetter(bytes);
            default:
                final Codec<?> codec = byId.get(codecId);
                if (codec == null) {
                    throw new IllegalArgumentException("unknown codec id " + codecId
                        + ": no codec service with that id on this node");
                }
                final Object body;
                try {
                    body = codec.decode(bytes);
                } catch (final RuntimeException e) {
                    throw new IllegalArgumentException("codec " + codecId + " (" + codec.getClass().getName()
                        + ") cannot decode " + bytes.length + " bytes: " + e.getMessage(), e);
                }
                if (body == null) {
                    throw new IllegalArgumentException("codec " + codecId + " decoded " + bytes.length
                        + " bytes to null");
                }
                return body;
        }
    }

    private Codec<?> userCodecFor(final Class<?> type) {
        if (byType.isEmpty()) {
            return null;
        }
        final Codec<?> exact = byType.get(type);
        if (exact != null) {
            return exact;
        }
        for (final Map.Entry<Class<?>, Codec<?>> entry : byType.entrySet()) {
            if (entry.getKey().isAssignableFrom(type)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static JsonElement parse(final byte[] bytes) {
        try {
            return JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
        } catch (final JsonParseException e) {
            throw new IllegalArgumentException("malformed JSON body of " + bytes.length + " bytes: "
                + e.getMessage(), e);
        }
    }

    /**
     * Layout: a JSON object {"to","from"?,"reason","detail","at" (ISO-8601),"trace"? (16 hex digits, since this issue's
     * release; older nodes ignore it),"body" (JSON; a string for a String)}.
     */
    private static byte[] encodeDeadLetter(final DeadLetter letter) {
        final JsonObject json = new JsonObject();
        json.addProperty("to", letter.to());
        if (letter.from() != null) {
            json.addProperty("from", letter.from());
        }
        json.addProperty("reason", letter.reason().name());
        json.addProperty("detail", letter.detail());
        json.addProperty("at", letter.at().toString());
        if (letter.traceId() != 0) {
            json.addProperty("trace", hamlet.api.trace.TraceHop.hex(letter.traceId()));
        }
        final Object body = letter.body();
        JsonElement shown;
        try {
            shown = body instanceof JsonElement ? (JsonElement) body
                : Gsons.forTypes(body.getClass()).toJsonTree(body);
        } catch (final RuntimeException e) {
            shown = GSON.toJsonTree(String.valueOf(body));
        }
        json.add("body", shown);
        return GSON.toJson(json).getBytes(StandardCharsets.UTF_8);
    }

    private static DeadLetter decodeDeadLetter(final byte[] bytes) {
        final JsonElement parsed = parse(bytes);
        try {
            final JsonObject json = parsed.getAsJsonObject();
            final JsonElement body = json.get("body");
            final Object shown = body != null && body.isJsonPrimitive() && body.getAsJsonPrimitive().isString()
                ? body.getAsString() : body;
            final JsonElement from = json.get("from");
            final JsonElement trace = json.get("trace");
            return new DeadLetter(json.get("to").getAsString(),
                from == null || from.isJsonNull() ? null : from.getAsString(), shown,
                DeadLetter.Reason.valueOf(json.get("reason").getAsString()), json.get("detail").getAsString(),
                Instant.parse(json.get("at").getAsString()),
                trace == null || trace.isJsonNull() ? 0 : hamlet.api.trace.TraceHop.parse(trace.getAsString()));
        } catch (final RuntimeException e) {
            // IllegalStateException, NullPointerException, an unknown reason name, DateTimeParseException.
            final String why = e instanceof DateTimeParseException ? "a malformed time" : e.toString();
            throw new IllegalArgumentException("malformed dead letter notice: " + why, e);
        }
    }
}
