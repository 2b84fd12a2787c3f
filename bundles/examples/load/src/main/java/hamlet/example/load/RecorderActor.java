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
import org.HdrHistogram.Histogram;

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
    private final int ackEvery;
    private final Map<String, SequenceCheck> senders = new TreeMap<>();
    private Histogram latency = Histograms.create();
    private long windowReceived;
    private long windowFirstNanos;
    private long windowLastNanos;
    private long malformed;

    RecorderActor(final ActorSpec spec) {
        this.name = spec.name();
        final JsonElement every = spec.config() == null ? null : spec.config().get("ackEvery");
        this.ackEvery = every == null ? DEFAULT_ACK_EVERY : Math.max(1, every.getAsInt());
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
        final long seq = LoadBody.seq(body);
        final long sentNanos = LoadBody.sentNanos(body);
        final String from = message.sender() == null ? "(none)" : message.sender().address().toString();
        final SequenceCheck check = senders.computeIfAbsent(from, k -> new SequenceCheck());
        check.accept(seq);
        latency.recordValue(Math.max(0, now - sentNanos));
        if (windowReceived++ == 0) {
            windowFirstNanos = now;
        }
        windowLastNanos = now;
        if (message.sender() != null && check.received() % ackEvery == 0) {
            message.sender().tell(LoadBody.encode(seq, sentNanos, LoadBody.MIN_BYTES), context.self());
        }
    }

    private void command(final String task, final ActorContext context) {
        switch (task) {
            case "stats" -> context.reply(stats());
            case "reset" -> {
                latency = Histograms.create();
                windowReceived = 0;
                windowFirstNanos = 0;
                windowLastNanos = 0;
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
        long received = 0;
        long duplicates = 0;
        long gaps = 0;
        long outOfOrder = 0;
        final JsonObject perSender = new JsonObject();
        for (final Map.Entry<String, SequenceCheck> e : senders.entrySet()) {
            final SequenceCheck c = e.getValue();
            received += c.received();
            duplicates += c.duplicates();
            gaps += c.gaps();
            outOfOrder += c.outOfOrder();
            final JsonObject one = new JsonObject();
            one.addProperty("received", c.received());
            one.addProperty("first", c.first());
            one.addProperty("last", c.last());
            one.addProperty("duplicates", c.duplicates());
            one.addProperty("gaps", c.gaps());
            one.addProperty("outOfOrder", c.outOfOrder());
            perSender.add(e.getKey(), one);
        }
        out.addProperty("received", received);
        out.addProperty("duplicates", duplicates);
        out.addProperty("gaps", gaps);
        out.addProperty("outOfOrder", outOfOrder);
        out.addProperty("malformed", malformed);
        out.add("senders", perSender);
        final JsonObject window = new JsonObject();
        window.addProperty("received", windowReceived);
        window.addProperty("firstNanos", windowFirstNanos);
        window.addProperty("lastNanos", windowLastNanos);
        out.add("window", window);
        out.addProperty("latency", Histograms.encode(latency));
        return out;
    }
}
