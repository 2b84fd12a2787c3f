package hamlet.example.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import org.HdrHistogram.Histogram;

/**
 * Sends numbered messages ({@link LoadBody}) to one address, at a fixed rate or as fast as its window allows, and
 * records the round trip of each acknowledgement a {@code recorder} sends back.
 *
 * <p>Flow control: at most {@code window} messages sent and not yet acknowledged; the recorder acknowledges every
 * {@code ackEvery}-th, so {@code window} must be above the recorder's {@code ackEvery}, and at most the receiving
 * node's mailbox capacity (hamlet.registry.mailbox.capacity, 8192 by default) or the surplus becomes dead letters.
 * Sending happens in chunks of {@value #CHUNK} per turn, so that acknowledgements and commands get their turn.
 *
 * <p>Tasks (JSON bodies): {@code {"task":"send","to":ADDRESS,"count":N,"rate":PER_SECOND,"window":W,
 * "bodyBytes":B,"durationMs":D}} (count 0 = until durationMs; rate 0 = as fast as the window allows) replies
 * {@code {"sender","started":true}}; {@code {"task":"stats"}} replies {@code {"sender","running","to","sent","acked",
 * "deadLetters":{REASON:N},"deadLetterMin","deadLetterMax","rtt":"<HdrHistogram, compressed, Base64>"}}
 * (the lowest and highest sequence that came back as a dead letter, 0 when none); {@code {"task":"stop"}} stops sending and
 * replies the stats; {@code {"task":"reset"}} clears the round-trip histogram.
 */
final class SenderActor implements Actor {
    static final int CHUNK = 1000;
    static final int DEFAULT_WINDOW = 4000;
    /**
     * The clock's period: at a fixed rate, what fell due since the last tick goes out at each tick. Shorter is
     * smoother but costs one message per sender per tick (300 senders at 10 ms would be 30,000 ticks/s).
     */
    static final long TICK_MS = 50;

    /** Told to itself: go on sending now (local bodies are passed as they are, so a marker object is enough). */
    private static final Object CONTINUE = new Object();
    private static final Object TICK = new Object();

    private final String name;
    private final ScheduledExecutorService timer;
    private final Map<String, Long> deadLetters = new TreeMap<>();
    private Histogram rtt = Histograms.create();

    private ActorRef target;
    private String to;
    private long count;
    private long rate;
    private long window;
    private int bodyBytes;
    private long startNanos;
    private long deadlineNanos;
    private boolean running;
    private long sent;
    private long acked;
    /** Highest sequence acknowledged or come back as a dead letter: nothing more will come of it. */
    private long settled;
    private long deadLetterMin;
    private long deadLetterMax;
    private ScheduledFuture<?> ticks;

    SenderActor(final String name, final ScheduledExecutorService timer) {
        this.name = name;
        this.timer = timer;
    }

    @Override
    public void onMessage(final Message message, final ActorContext context) {
        final Object body = message.body();
        if (body == CONTINUE || body == TICK) {
            pump(context);
        } else if (body instanceof byte[] ack && LoadBody.fits(ack)) {
            acked = Math.max(acked, LoadBody.seq(ack));
            settled = Math.max(settled, acked);
            rtt.recordValue(Math.max(0, System.nanoTime() - LoadBody.sentNanos(ack)));
            pump(context);
        } else if (body instanceof DeadLetter letter) {
            deadLetter(letter, context);
        } else if (body instanceof JsonObject command && command.has("task")) {
            command(command, context);
        } else {
            context.reply(error("expected a task such as {\"task\":\"send\",\"to\":\"node2:recorder\"}"));
        }
    }

    @Override
    public void onStop(final ActorContext context) {
        stopTicks();
    }

    private void command(final JsonObject command, final ActorContext context) {
        switch (command.get("task").getAsString()) {
            case "send" -> start(command, context);
            case "stats" -> context.reply(stats());
            case "stop" -> {
                finish();
                context.reply(stats());
            }
            case "reset" -> {
                rtt = Histograms.create();
                context.reply(stats());
            }
            default -> context.reply(error("unknown task " + command.get("task") + ": send, stats, stop or reset"));
        }
    }

    private void start(final JsonObject command, final ActorContext context) {
        if (running) {
            context.reply(error("already sending to " + to + ": stop it first"));
            return;
        }
        try {
            to = command.get("to").getAsString();
            target = context.ref(to);
            count = longOr(command, "count", 100_000);
            rate = longOr(command, "rate", 0);
            window = longOr(command, "window", DEFAULT_WINDOW);
            bodyBytes = (int) longOr(command, "bodyBytes", LoadBody.MIN_BYTES);
            final long durationMs = longOr(command, "durationMs", 0);
            if (count < 0 || rate < 0 || window < 1 || durationMs < 0 || (count == 0 && durationMs == 0)) {
                throw new IllegalArgumentException("count, rate and durationMs must be >= 0 (count or durationMs"
                    + " > 0), window >= 1");
            }
            startNanos = System.nanoTime();
            deadlineNanos = durationMs == 0 ? 0 : startNanos + TimeUnit.MILLISECONDS.toNanos(durationMs);
        } catch (final RuntimeException e) {
            context.reply(error("bad send task: " + e.getMessage()));
            return;
        }
        sent = 0;
        acked = 0;
        settled = 0;
        deadLetterMin = 0;
        deadLetterMax = 0;
        deadLetters.clear();
        rtt = Histograms.create();
        running = true;
        final ActorRef self = context.self();
        ticks = timer.scheduleAtFixedRate(() -> self.tell(TICK, self), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        context.log().info("[{}] {} sends {} to {} (rate {}/s, 0 = window-bound; window {})",
            context.system().nodeId(), name, count == 0 ? "until the deadline" : count, to, rate, window);
        final JsonObject started = new JsonObject();
        started.addProperty("sender", name);
        started.addProperty("started", true);
        context.reply(started);
        pump(context);
    }

    private void pump(final ActorContext context) {
        if (!running) {
            return;
        }
        final long now = System.nanoTime();
        if (deadlineNanos != 0 && now - deadlineNanos >= 0) {
            finish();
            return;
        }
        long allowed = Math.min(CHUNK, window - (sent - settled));
        if (count > 0) {
            allowed = Math.min(allowed, count - sent);
        }
        if (rate > 0) {
            final long due = (long) ((now - startNanos) / 1e9 * rate) + 1;
            allowed = Math.min(allowed, due - sent);
        }
        final ActorRef self = context.self();
        for (long i = 0; i < allowed; i++) {
            target.tell(LoadBody.encode(++sent, System.nanoTime(), bodyBytes), self);
        }
        if (count > 0 && sent >= count) {
            finish();
        } else if (allowed == CHUNK) {
            self.tell(CONTINUE, self);
        }
    }

    /**
     * One of ours could not be delivered. Its body is the very bytes when refused on this node, or their JSON
     * form (an array of numbers) when it comes back from another node: either way its sequence is settled, so that
     * a receiver that lost messages does not stall the window.
     */
    private void deadLetter(final DeadLetter letter, final ActorContext context) {
        deadLetters.merge(letter.reason().name(), 1L, Long::sum);
        final byte[] bytes = bytesOf(letter.body());
        if (bytes == null || !LoadBody.fits(bytes)) {
            return;
        }
        final long seq = LoadBody.seq(bytes);
        deadLetterMin = deadLetterMin == 0 ? seq : Math.min(deadLetterMin, seq);
        deadLetterMax = Math.max(deadLetterMax, seq);
        settled = Math.max(settled, seq);
        pump(context);
    }

    private static byte[] bytesOf(final Object body) {
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof com.google.gson.JsonArray array) {
            final byte[] bytes = new byte[array.size()];
            try {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = array.get(i).getAsByte();
                }
            } catch (final RuntimeException notBytes) {
                return null;
            }
            return bytes;
        }
        return null;
    }

    private void finish() {
        running = false;
        stopTicks();
    }

    private void stopTicks() {
        if (ticks != null) {
            ticks.cancel(false);
            ticks = null;
        }
    }

    private JsonObject stats() {
        final JsonObject out = new JsonObject();
        out.addProperty("sender", name);
        out.addProperty("running", running);
        out.addProperty("to", to);
        out.addProperty("sent", sent);
        out.addProperty("acked", acked);
        final JsonObject letters = new JsonObject();
        deadLetters.forEach(letters::addProperty);
        out.add("deadLetters", letters);
        out.addProperty("deadLetterMin", deadLetterMin);
        out.addProperty("deadLetterMax", deadLetterMax);
        out.addProperty("rtt", Histograms.encode(rtt));
        return out;
    }

    private JsonObject error(final String message) {
        final JsonObject out = new JsonObject();
        out.addProperty("sender", name);
        out.addProperty("error", message);
        return out;
    }

    private static long longOr(final JsonObject command, final String key, final long otherwise) {
        final JsonElement value = command.get(key);
        return value == null || value.isJsonNull() ? otherwise : value.getAsLong();
    }
}
