package hamlet.example.ledger;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.DeadLetter;
import hamlet.api.Message;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Counts messages and keeps, per sender id, the highest sequence number it saw and the numbers below it that it has
 * not seen.
 *
 * <pre>
 * {"from":"s1","seq":7}  -&gt; {"count":C,"from":"s1","seq":7,"prev":P,"duplicate":false,"late":false,"node":"node2"}
 * "?" or {"query":true}  -&gt; {"count":C,"duplicates":D,"late":L,"gaps":G,"senders":{"s1":7,...},
 *                            "missing":{"s1":[3,4],...},"node":"node2"}
 * anything else          -&gt; {"count":C,"node":"node2"}
 * </pre>
 *
 * <p>A numbered message always adds one to the count; {@code prev} is the highest number seen from that sender
 * before it (0 for none). One above {@code prev + 1} skips the numbers between: they are missing, and counted in
 * {@code gaps} until they come. One at or under {@code prev} is {@code late} if it was missing (it came after a
 * higher number: reordered, not doubled) and a {@code duplicate} if it had been seen. A sender that numbers its
 * messages 1, 2, 3... one at a time, in order, reads from each reply: the state holds every message it sent before
 * ({@code prev} at least the last number it got a reply for) and none twice ({@code duplicate} false). A message
 * whose ask timed out may still arrive after the next one (a failover may deliver it late): that is {@code late},
 * never a duplicate. {@code node} is the node that runs this activation. A query counts nothing.
 *
 * <p>Its state (snapshot, restored on a hot swap or a takeover) is {@code {"count","duplicates","late","gaps",
 * "senders","missing"}}. It keeps one entry per sender id it was ever sent, and at most {@value #MAX_MISSING} missing
 * numbers per sender (the lowest forgotten first; one of those arriving then counts as a duplicate): an example for
 * tests, not for unbounded sender ids.
 */
final class LedgerActor implements Actor {
    static final int MAX_MISSING = 1024;

    private long count;
    private long duplicates;
    private long late;
    private long gaps;
    private final Map<String, Long> senders = new TreeMap<>();
    private final Map<String, TreeSet<Long>> missing = new TreeMap<>();

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        if (message.body() instanceof DeadLetter) {
            // One of our replies was not delivered: not a message to count, and never to answer.
            return;
        }
        final JsonObject body = message.body() instanceof JsonElement e && e.isJsonObject() ? e.getAsJsonObject()
            : null;
        final JsonObject reply;
        if ("?".equals(message.body()) || body != null && body.has("query")) {
            reply = state();
        } else if (body != null && body.has("from") && body.has("seq")) {
            reply = numbered(body.get("from").getAsString(), body.get("seq").getAsLong());
        } else {
            count++;
            reply = new JsonObject();
            reply.addProperty("count", count);
        }
        if (context.sender() != null) {
            reply.addProperty("node", context.system().nodeId());
            context.reply(reply);
        }
    }

    private JsonObject numbered(final String from, final long seq) {
        count++;
        final long prev = senders.getOrDefault(from, 0L);
        final TreeSet<Long> notSeen = missing.computeIfAbsent(from, k -> new TreeSet<>());
        final boolean filled = seq <= prev && notSeen.remove(seq);
        final boolean duplicate = seq <= prev && !filled;
        if (filled) {
            late++;
            gaps--;
        } else if (duplicate) {
            duplicates++;
        } else {
            gaps += seq - prev - 1;
            for (long skipped = Math.max(prev + 1, seq - MAX_MISSING); skipped < seq; skipped++) {
                notSeen.add(skipped);
            }
            while (notSeen.size() > MAX_MISSING) {
                notSeen.pollFirst();
            }
            senders.put(from, seq);
        }
        if (notSeen.isEmpty()) {
            missing.remove(from);
        }
        final JsonObject reply = new JsonObject();
        reply.addProperty("count", count);
        reply.addProperty("from", from);
        reply.addProperty("seq", seq);
        reply.addProperty("prev", prev);
        reply.addProperty("duplicate", duplicate);
        reply.addProperty("late", filled);
        return reply;
    }

    private JsonObject state() {
        final JsonObject state = new JsonObject();
        state.addProperty("count", count);
        state.addProperty("duplicates", duplicates);
        state.addProperty("late", late);
        state.addProperty("gaps", gaps);
        final JsonObject last = new JsonObject();
        senders.forEach(last::addProperty);
        state.add("senders", last);
        final JsonObject notSeen = new JsonObject();
        missing.forEach((from, seqs) -> {
            final JsonArray list = new JsonArray();
            seqs.forEach(list::add);
            notSeen.add(from, list);
        });
        state.add("missing", notSeen);
        return state;
    }

    @Override
    public JsonElement snapshot() {
        return state();
    }

    @Override
    public void restore(final JsonElement state) {
        final JsonObject s = state.getAsJsonObject();
        count = s.get("count").getAsLong();
        duplicates = s.get("duplicates").getAsLong();
        late = s.has("late") ? s.get("late").getAsLong() : 0;
        gaps = s.get("gaps").getAsLong();
        senders.clear();
        for (final Map.Entry<String, JsonElement> e : s.getAsJsonObject("senders").entrySet()) {
            senders.put(e.getKey(), e.getValue().getAsLong());
        }
        missing.clear();
        // A state of the version before "missing" has none: what it skipped then counts as a duplicate if it comes.
        if (s.has("missing")) {
            for (final Map.Entry<String, JsonElement> e : s.getAsJsonObject("missing").entrySet()) {
                final TreeSet<Long> seqs = new TreeSet<>();
                e.getValue().getAsJsonArray().forEach(n -> seqs.add(n.getAsLong()));
                missing.put(e.getKey(), seqs);
            }
        }
    }
}
