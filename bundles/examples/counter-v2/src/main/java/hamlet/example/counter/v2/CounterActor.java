package hamlet.example.counter.v2;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.DeadLetter;
import hamlet.api.Message;

import java.util.function.LongSupplier;

/**
 * Adds one to its count for every message; a message with a sender (an ask) gets
 * {@code {"count": N, "rate": R, "version": 2}}: the count after this message and the messages per second since
 * this instance started (a swap starts a new instance, so the rate is this version's own). Its state across a hot
 * swap is {@code {"count": N}}, the same shape as version 1's, so a swap back to version 1 works too.
 */
final class CounterActor implements Actor {
    private static final double NANOS_PER_SECOND = 1e9;

    private final LongSupplier nanoClock;
    private final long startedAt;
    private long count;
    private long countAtStart;

    CounterActor(final LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.startedAt = nanoClock.getAsLong();
    }

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        if (message.body() instanceof DeadLetter) {
            return;
        }
        count++;
        if (context.sender() != null) {
            final JsonObject reply = new JsonObject();
            reply.addProperty("count", count);
            reply.addProperty("rate", rate());
            reply.addProperty("version", 2);
            context.reply(reply);
        }
    }

    /** @return messages per second since this instance started, rounded to one decimal */
    double rate() {
        final long elapsed = Math.max(1, nanoClock.getAsLong() - startedAt);
        return Math.round((count - countAtStart) * NANOS_PER_SECOND / elapsed * 10) / 10.0;
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
        countAtStart = count;
    }
}
