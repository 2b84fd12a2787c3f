package hamlet.registry.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorContext;
import hamlet.api.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster actor for tests: records the numbers it is sent ("n:7"), answers "ok:7" to whoever sent one, and
 * "get" with what it recorded ("1,2,3"). Its state is the list (snapshot/restore); a state holding "poison" makes
 * restore throw. What each instance recorded is also published in {@link #seen}, by actor name, for tests to read
 * without a message (the actor may be paused).
 */
final class Recorder implements Actor {
    /** The latest list of each actor name, as its instance last saw it. */
    static final Map<String, List<Integer>> SEEN = new ConcurrentHashMap<>();

    private final String name;
    private List<Integer> numbers = new ArrayList<>();

    Recorder(final String name) {
        this.name = name;
        SEEN.put(name, List.of());
    }

    static ActorBehavior behavior() {
        return spec -> new Recorder(spec.name());
    }

    static List<Integer> seen(final String name) {
        return SEEN.getOrDefault(name, List.of());
    }

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        final String body = message.body(String.class);
        if ("get".equals(body)) {
            context.reply(joined());
            return;
        }
        if (body.startsWith("n:")) {
            final int n = Integer.parseInt(body.substring(2));
            numbers.add(n);
            SEEN.put(name, List.copyOf(numbers));
            if (message.sender() != null) {
                context.reply("ok:" + n);
            }
        }
    }

    private String joined() {
        final StringBuilder text = new StringBuilder();
        for (final Integer n : numbers) {
            text.append(text.length() == 0 ? "" : ",").append(n);
        }
        return text.toString();
    }

    @Override
    public JsonElement snapshot() {
        final JsonObject state = new JsonObject();
        final JsonArray list = new JsonArray();
        numbers.forEach(list::add);
        state.add("numbers", list);
        return state;
    }

    @Override
    public void restore(final JsonElement state) {
        if (state.getAsJsonObject().has("poison")) {
            throw new IllegalStateException("poisoned state on purpose");
        }
        final List<Integer> restored = new ArrayList<>();
        state.getAsJsonObject().getAsJsonArray("numbers").forEach(n -> restored.add(n.getAsInt()));
        numbers = restored;
        SEEN.put(name, List.copyOf(numbers));
    }

    /** @return "1,2,...,n" */
    static String upTo(final int n) {
        final StringBuilder text = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            text.append(i == 1 ? "" : ",").append(i);
        }
        return text.toString();
    }
}
