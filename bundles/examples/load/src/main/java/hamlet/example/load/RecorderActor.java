package hamlet.example.load;

import java.util.Map;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorSpec;
import hamlet.api.DeadLetter;
import hamlet.api.Message;

/**
 * Checks every sender's numbered messages ({@link SequenceCheck}), records their one-way latency (same machine:
 * see {@link LoadBody}), and acknowledges every {@code ackEvery}-th message of each sender.
 *
 * <p>{@code {"task":"stats"}} replies {@code {"recorder","received","duplicates","gaps","outOfOrder",
 * "senders":{"node1:sender":{"received","first","last","duplicates","gaps","outOfOrder"}},
 * "window":{"received","firstNanos","lastNanos"},"latency":"<HdrHistogram, compressed, Base64>"}}; the window and the
 * latency count from the last {@code {"task":"reset"}} (the bench's warm-up ends there), the rest from the start.
 */
final class RecorderActor implements Actor {
    static final int DEFAULT_ACK_EVERY = 500;

    private final String name;
    /** Senders by address, sorted: the stats list them in that order. */
    private final Recording<String> recording;
    private long malformed;

    RecorderActor(final ActorSpec spec) {
        this.name = spec.name();
        final JsonElement every = spec.config() == null ? null : spec.config().get("ackEvery");
        this.recording = new Recording<>(every == null ? DEFAULT_ACK_EVERY : every.getAsInt(), new TreeMap<>());
    }

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        final Object body = message.body();
        if (body instanceof byte[] bytes && LoadBody.fits(bytes)) {
            record(bytes, message, context);
        } else if (body instanceof JsonObject command && command.has("task")) {
            command(command.get("task").getAsString(), context);
        } else if (!(body instanceof DeadLetter)) {
            malformed++;
            context.log().warn("[{}] {} ignored a body that is neither a load message nor a task: {}",
                context.system().nodeId(), name, body == null ? "null" : body.getClass().getName());
        }
    }

    private void record(final byte[] body, final Message message, final ActorContext context) {
        final long now = System.nanoTime();
        final String from = message.sender() == null ? "(none)" : message.sender().address().toString();
        if (recording.record(from, body, now) && message.sender() != null) {
            message.sender().tell(LoadBody.encode(LoadBody.seq(body), LoadBody.sentNanos(body), LoadBody.MIN_BYTES),
                context.self());
        }
    }

    private void command(final String task, final ActorContext context) {
        switch (task) {
            case "stats" -> context.reply(stats());
            case "reset" -> {
                recording.reset();
                context.reply(stats());
            }
            default -> {
                final JsonObject error = new JsonObject();
                error.addProperty("recorder", name);
                error.addProperty("error", "unknown task " + task + ": stats or reset");
                context.reply(error);
            }
        }
    }

    private JsonObject stats() {
        final JsonObject out = new JsonObject();
        out.addProperty("recorder", name);
        final JsonObject perSender = new JsonObject();
        for (final Map.Entry<String, SequenceCheck> e : recording.senders().entrySet()) {
            final SequenceCheck c = e.getValue();
            final JsonObject one = new JsonObject();
            one.addProperty("received", c.received());
            one.addProperty("first", c.first());
            one.addProperty("last", c.last());
            one.addProperty("duplicates", c.duplicates());
            one.addProperty("gaps", c.gaps());
            one.addProperty("outOfOrder", c.outOfOrder());
            perSender.add(e.getKey(), one);
        }
        out.addProperty("received", recording.received());
        out.addProperty("duplicates", recording.duplicates());
        out.addProperty("gaps", recording.gaps());
        out.addProperty("outOfOrder", recording.outOfOrder());
        out.addProperty("malformed", malformed);
        out.add("senders", perSender);
        final JsonObject window = new JsonObject();
        window.addProperty("received", recording.windowReceived());
        window.addProperty("firstNanos", recording.windowFirstNanos());
        window.addProperty("lastNanos", recording.windowLastNanos());
        out.add("window", window);
        out.addProperty("latency", recording.latency());
        return out;
    }
}
