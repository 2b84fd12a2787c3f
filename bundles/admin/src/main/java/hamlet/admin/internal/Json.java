package hamlet.admin.internal;

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
import hamlet.api.ActorInfo;
import hamlet.api.BehaviorInfo;
import hamlet.api.RejectedBundle;
import hamlet.api.DeadLetter;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.transport.PeerInfo;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API's JSON: strict parsing of request bodies and the agreed shapes of actors, dead letters and message
 * bodies. Stateless and thread-safe.
 */
final class Json {
    /** Serializes nulls, so that {@code "group": null} and {@code "lastRejection": null} are written, not dropped. */
    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    /** Gson's messages end with a link to its troubleshooting page, which means nothing to an API client. */
    private static final String GSON_SEE = "\nSee https://";

    private Json() {
    }

    /**
     * Parses one JSON value strictly: no comments, no unquoted names, nothing after it.
     *
     * @param text the JSON text
     * @return the value
     * @throws IllegalArgumentException saying what is malformed and where
     */
    static JsonElement parseStrict(final String text) {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            final JsonElement value = GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("unexpected text after the JSON value at " + reader.getPath());
            }
            return value;
        } catch (final IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(trimGson(e.getMessage()), e);
        }
    }

    /**
     * A message body as the API returns it: a String as a JSON string, a JsonElement as is, a dead letter as
     * {@code {"deadLetter": {...}}}, anything else as Gson makes it.
     *
     * @param body a message body, possibly {@code null}
     * @return its JSON, never {@code null}
     */
    static JsonElement body(final Object body) {
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
            final JsonObject wrapped = new JsonObject();
            wrapped.add("deadLetter", deadLetter((DeadLetter) body));
            return wrapped;
        }
        try {
            return gsonFor(body.getClass()).toJsonTree(body);
        } catch (final RuntimeException | StackOverflowError e) {
            // An object Gson cannot walk (JDK internals, a cycle) is still shown rather than failing the request.
            return new JsonPrimitive(String.valueOf(body));
        }
    }

    /**
     * A Gson caches an adapter per class for good: the shared one must never see a behaviour bundle's class, or it
     * would keep that bundle revision's class loader alive after a hot swap.
     */
    private static Gson gsonFor(final Class<?> type) {
        final ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
            return GSON;
        }
        return new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    }

    /**
     * @param rejected a behaviour jar the node refused
     * @return {@code {"location","behavior","bundle","version","reason","at"}}
     */
    static JsonObject rejected(final RejectedBundle rejected) {
        final JsonObject json = new JsonObject();
        json.addProperty("location", rejected.location());
        json.addProperty("behavior", rejected.behavior());
        json.addProperty("bundle", rejected.bundle());
        json.addProperty("version", rejected.version());
        json.addProperty("reason", rejected.reason());
        json.addProperty("at", instant(rejected.at()));
        return json;
    }

    /**
     * @param letter a dead letter
     * @return {@code {"to","from","reason","detail","at","body"}}
     */
    static JsonObject deadLetter(final DeadLetter letter) {
        final JsonObject json = new JsonObject();
        json.addProperty("to", letter.to());
        json.addProperty("from", letter.from());
        json.addProperty("reason", letter.reason() == null ? null : letter.reason().name());
        json.addProperty("detail", letter.detail());
        json.addProperty("at", instant(letter.at()));
        json.addProperty("trace", letter.traceId() == 0 ? null : hamlet.api.trace.TraceHop.hex(letter.traceId()));
        json.add("body", body(letter.body()));
        return json;
    }

    /**
     * @param info an actor
     * @return {@code {"name","address","behavior","version","group","state","mailbox","processed","restarts"}}
     */
    static JsonObject actor(final ActorInfo info) {
        final JsonObject json = new JsonObject();
        json.addProperty("name", info.name());
        json.addProperty("address", info.address().toString());
        json.addProperty("behavior", info.behavior());
        json.addProperty("version", info.behaviorVersion());
        json.addProperty("group", info.group());
        json.addProperty("state", info.state() == null ? null : info.state().name());
        json.addProperty("mailbox", info.mailboxSize());
        json.addProperty("processed", info.processed());
        json.addProperty("restarts", info.restarts());
        return json;
    }

    /**
     * @param info a behaviour
     * @return {@code {"name","version","bundle","state","versions":[...],"actors","suspended","lastSwap":
     *     {"from","to","at","moved","failed","result","failure"}|null}}
     */
    static JsonObject behavior(final BehaviorInfo info) {
        final JsonObject json = new JsonObject();
        json.addProperty("name", info.name());
        json.addProperty("version", info.version());
        json.addProperty("bundle", info.bundle());
        json.addProperty("state", info.state() == null ? null : info.state().name());
        final com.google.gson.JsonArray versions = new com.google.gson.JsonArray();
        info.versions().forEach(versions::add);
        json.add("versions", versions);
        json.addProperty("actors", info.actors());
        json.addProperty("suspended", info.suspended());
        final BehaviorInfo.Swap swap = info.lastSwap();
        if (swap == null) {
            json.add("lastSwap", JsonNull.INSTANCE);
        } else {
            final JsonObject last = new JsonObject();
            last.addProperty("from", swap.from());
            last.addProperty("to", swap.to());
            last.addProperty("at", instant(swap.at()));
            last.addProperty("moved", swap.moved());
            last.addProperty("failed", swap.failed());
            last.addProperty("result", swap.succeeded() ? "ok" : "failed");
            last.addProperty("failure", swap.failure());
            json.add("lastSwap", last);
        }
        return json;
    }

    /**
     * @param peer a peer as the transport sees it
     * @return {@code {"node","url","state","uid","outbox","sent","received"}}; {@code node} is {@code null} until
     *     the peer's handshake named it, {@code uid} is 16 hex digits ({@code null} before any handshake), as text
     *     because a JSON number cannot hold every 64-bit id exactly
     */
    static JsonObject peer(final PeerInfo peer) {
        final JsonObject json = new JsonObject();
        json.addProperty("node", peer.node());
        json.addProperty("url", peer.url());
        json.addProperty("state", peer.state() == null ? null : peer.state().name());
        json.addProperty("uid", uid(peer.uid()));
        json.addProperty("outbox", peer.outbox());
        json.addProperty("sent", peer.sent());
        json.addProperty("received", peer.received());
        return json;
    }

    /**
     * @param member a member as this node's membership sees it
     * @return {@code {"id","url","uid","status","incarnation","since","sinceMillis","load":{...},"actors"}}:
     *     {@code uid} as {@link #uid} writes it, {@code status} in lower case ({@code alive}), {@code since} in
     *     ISO-8601 UTC and {@code sinceMillis} the same instant in epoch milliseconds, {@code load} as {@link #load},
     *     {@code actors} how many named actors its directory lists
     */
    static JsonObject member(final Member member) {
        final JsonObject json = new JsonObject();
        json.addProperty("id", member.id());
        json.addProperty("url", member.url());
        json.addProperty("uid", uid(member.uid()));
        json.addProperty("status", member.status().name().toLowerCase(Locale.ROOT));
        json.addProperty("incarnation", member.incarnation());
        json.addProperty("since", instant(Instant.ofEpochMilli(member.sinceMillis())));
        json.addProperty("sinceMillis", member.sinceMillis());
        json.add("load", load(member.load()));
        json.addProperty("actors", member.actorCount());
        return json;
    }

    /**
     * @param load a member's gossiped load
     * @return {@code {"backlog","busy","cpu","score"}}
     */
    static JsonObject load(final MemberLoad load) {
        final JsonObject json = new JsonObject();
        json.addProperty("backlog", load.backlog());
        json.addProperty("busy", load.busy());
        json.addProperty("cpu", load.cpu());
        json.addProperty("score", load.score());
        return json;
    }

    /**
     * @param uid a node's per-start id, 0 when not known
     * @return it as 16 hex digits, or {@code null} for 0
     */
    static String uid(final long uid) {
        return uid == 0 ? null : String.format("%016x", uid);
    }

    /**
     * @param counters counters by name, or {@code null}
     * @return {@code {"name": value, ...}} sorted by name; empty for {@code null}
     */
    static JsonObject counters(final Map<String, Long> counters) {
        final JsonObject json = new JsonObject();
        if (counters != null) {
            new TreeMap<>(counters).forEach(json::addProperty);
        }
        return json;
    }

    /**
     * @param at an instant or {@code null}
     * @return its ISO-8601 text, or {@code null}
     */
    static String instant(final Instant at) {
        return at == null ? null : at.toString();
    }

    /**
     * @param message an error text
     * @return {@code {"error": message}}
     */
    static JsonObject error(final String message) {
        final JsonObject json = new JsonObject();
        json.addProperty("error", message);
        return json;
    }

    private static String trimGson(final String message) {
        if (message == null) {
            return "malformed JSON";
        }
        final int see = message.indexOf(GSON_SEE);
        return see < 0 ? message : message.substring(0, see);
    }
}
