package hamlet.example.ledger;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.DeadLetter;
import hamlet.api.Message;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts messages and keeps, per sender id, the highest sequence number it saw.
 *
 * <pre>
 * {"from":"s1","seq":7}  -&gt; {"count":C,"from":"s1","seq":7,"prev":P,"duplicate":false,"node":"node2"}
 * "?" or {"query":true}  -&gt; {"count":C,"duplicates":D,"gaps":G,"senders":{"s1":7,...},"node":"node2"}
 * anything else          -&gt; {"count":C,"node":"node2"}
 * </pre>
 *
 * <p>A numbered message always adds one to the count; {@code prev} is the highest number seen from that sender
 * before it (0 for none). A number at or under {@code prev} is a duplicate (counted in {@code duplicates}); one above
 * {@code prev + 1} leaves a gap of the numbers between (added to {@code gaps}). A sender that numbers its messages
 * 1, 2, 3... one at a time, in order, reads from each reply: the state holds every message it sent before
 * ({@code prev} at least the last number it got a reply for) and none twice ({@code duplicate} false). {@code node}
 * is the node that runs this activation. A query counts nothing.
 *
 * <p>Its state (snapshot, restored on a hot swap or a takeover) is {@code {"count","duplicates","gaps","senders"}}.
 * It keeps one entry per sender id it was ever sent: an example for tests, not for unbounded sender ids.
 */
final class LedgerActor implements Actor {
    private long count;
    private long duplicates;
    private long gaps;
    private final Map<String, Long> senders = new TreeMap<>();

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
        final boolean duplicate = seq <= prev;
        if (duplicate) {
            duplicates++;
        } else {
            gaps += seq - prev - 1;
            senders.put(from, seq);
        }
        final JsonObject reply = new JsonObject();
        reply.addProperty("count", count);
        reply.addProperty("from", from);
        reply.addProperty("seq", seq);
        reply.addProperty("prev", prev);
        reply.addProperty("duplicate", duplicate);
        return reply;
    }

    private JsonObject state() {
        final JsonObject state = new JsonObject();
        state.addProperty("count", count);
        state.addProperty("duplicates", duplicates);
        state.addProperty("gaps", gaps);
        final JsonObject last = new JsonObject();
        senders.forEach(last::addProperty);
        state.add("senders", last);
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
        gaps = s.get("gaps").getAsLong();
        senders.clear();
        for (final Map.Entry<String, JsonElement> e : s.getAsJsonObject("senders").entrySet()) {
            senders.put(e.getKey(), e.getValue().getAsLong());
        }
    }
}
