package hamlet.example.counter.v1;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.DeadLetter;
import hamlet.api.Message;

/**
 * Adds one to its count for every message; a message with a sender (an ask) gets {@code {"count": N}}, the count
 * after this message. Its state across a hot swap is {@code {"count": N}}.
 */
final class CounterActor implements Actor {
    private long count;

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        if (message.body() instanceof DeadLetter) {
            // One of our replies was not delivered: not a message to count, and never to answer.
            return;
        }
        count++;
        if (context.sender() != null) {
            final JsonObject reply = new JsonObject();
            reply.addProperty("count", count);
            context.reply(reply);
        }
    }

    @Override
    public JsonElement snapshot() {
        final JsonObject state = new JsonObject();
        state.addProperty("count", count);
        return state;
    }

    @Override
    public void restore(final JsonElement state) {
        count = state.getAsJsonObject().get("count").getAsLong();
    }
}
