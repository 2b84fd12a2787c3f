package hamlet.admin.internal.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.transport.Transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link NodeSample} on the control lane (channel {@value #CHANNEL}): compact JSON, well under the lane's
 * {@link Transport#MAX_CONTROL_BYTES}.
 *
 * <pre>
 * {"v":1, "r":rate/s, "p50":ms, "p99":ms, "hu":heap used, "hm":heap max, "cpu":0..1 or -1, "bl":backlog,
 *  "a":actors, "dc":dead letters so far, "dl":[[atMillis, "to", "REASON", "detail"], ...]}
 * </pre>
 *
 * <p>Upgrade rule: fields are only ever added; a reader takes {@code v >= 1} and ignores fields it does not know, so
 * that a newer node's samples still show on an older node. The payload never names its node: the receiver takes the
 * sender's id from the transport's handshake.
 *
 * <p>Decoding trusts nothing: the size is checked before parsing, every number must be finite and in range, strings
 * are clipped, and at most {@value #MAX_DEAD_LETTERS} dead letters are read. Stateless and thread-safe.
 */
public final class SampleCodec {
    /** The control-lane channel of dashboard samples (gossip has 1, traces 3). */
    public static final int CHANNEL = 2;
    /** The format written. */
    static final int VERSION = 1;
    /** What one sample may take on the wire: a quarter of the lane's limit, so it never crowds out gossip. */
    static final int MAX_BYTES = Transport.MAX_CONTROL_BYTES / 4;
    /** Dead letters carried per sample: the last few, enough for "recent dead letters". */
    static final int MAX_DEAD_LETTERS = 5;
    /** Longest address, reason or detail kept. */
    static final int MAX_TEXT = 160;

    private SampleCodec() {
    }

    /**
     * @param sample a sample of this node
     * @return its bytes, at most {@link #MAX_BYTES}: without its dead letters when they would make it larger
     */
    public static byte[] encode(final NodeSample sample) {
        final byte[] full = json(sample).toString().getBytes(StandardCharsets.UTF_8);
        if (full.length <= MAX_BYTES) {
            return full;
        }
        return json(sample.withoutDeadLetters()).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param from the sender, as its handshake said
     * @param receivedAtMillis when it arrived (this node's clock)
     * @param payload the bytes
     * @return the sample, stamped with {@code from} and {@code receivedAtMillis}
     * @throws IllegalArgumentException saying what is wrong, when the payload is not a sample
     */
    public static NodeSample decode(final String from, final long receivedAtMillis, final byte[] payload) {
        if (payload.length > MAX_BYTES) {
            throw new IllegalArgumentException("sample of " + payload.length + " bytes, over " + MAX_BYTES);
        }
        final JsonObject json;
        try {
            final JsonElement parsed = JsonParser.parseString(new String(payload, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            json = parsed.getAsJsonObject();
        } catch (final RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        final long version = (long) number(json, "v", 1, Integer.MAX_VALUE);
        if (version < VERSION) {
            throw new IllegalArgumentException("version " + version);
        }
        return new NodeSample(from, receivedAtMillis, number(json, "r", 0, 1e12), latency(json, "p50"),
            latency(json, "p99"), (long) number(json, "hu", 0, Long.MAX_VALUE),
            (long) number(json, "hm", 0, Long.MAX_VALUE), number(json, "cpu", -1, 1),
            (long) number(json, "bl", 0, Long.MAX_VALUE), (int) number(json, "a", 0, Integer.MAX_VALUE),
            (long) number(json, "dc", 0, Long.MAX_VALUE), deadLetters(json.get("dl")));
    }

    private static JsonObject json(final NodeSample sample) {
        final JsonObject json = new JsonObject();
        json.addProperty("v", VERSION);
        json.addProperty("r", round(sample.ratePerSec()));
        json.addProperty("p50", round(sample.p50Ms()));
        json.addProperty("p99", round(sample.p99Ms()));
        json.addProperty("hu", sample.heapUsedBytes());
        json.addProperty("hm", sample.heapMaxBytes());
        json.addProperty("cpu", round(sample.cpu()));
        json.addProperty("bl", sample.backlog());
        json.addProperty("a", sample.actors());
        json.addProperty("dc", sample.deadLetterCount());
        final JsonArray letters = new JsonArray();
        for (final NodeSample.DeadLetterLine line : sample.deadLetters()) {
            if (letters.size() == MAX_DEAD_LETTERS) {
                break;
            }
            final JsonArray one = new JsonArray();
            one.add(line.atMillis());
            one.add(clip(line.to()));
            one.add(clip(line.reason()));
            one.add(clip(line.detail()));
            letters.add(one);
        }
        json.add("dl", letters);
        return json;
    }

    private static List<NodeSample.DeadLetterLine> deadLetters(final JsonElement element) {
        final List<NodeSample.DeadLetterLine> lines = new ArrayList<>();
        if (element == null || element.isJsonNull()) {
            return lines;
        }
        if (!element.isJsonArray()) {
            throw new IllegalArgumentException("dl is not an array");
        }
        for (final JsonElement one : element.getAsJsonArray()) {
            if (lines.size() == MAX_DEAD_LETTERS) {
                break;
            }
            if (!one.isJsonArray() || one.getAsJsonArray().size() < 4) {
                throw new IllegalArgumentException("a dead letter is not [at, to, reason, detail]");
            }
            final JsonArray fields = one.getAsJsonArray();
            final double at = fields.get(0).getAsDouble();
            if (!Double.isFinite(at) || at < 0) {
                throw new IllegalArgumentException("a dead letter's time is " + at);
            }
            lines.add(new NodeSample.DeadLetterLine((long) at, text(fields.get(1)), text(fields.get(2)),
                text(fields.get(3))));
        }
        return lines;
    }

    private static double latency(final JsonObject json, final String name) {
        return number(json, name, -1, 1e9);
    }

    private static double number(final JsonObject json, final String name, final double min, final double max) {
        final JsonElement element = json.get(name);
        if (element == null || !element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(name + " is not a number");
        }
        final double value = element.getAsDouble();
        if (!Double.isFinite(value) || value < min || value > max) {
            throw new IllegalArgumentException(name + " = " + value + " is out of range");
        }
        return value;
    }

    private static String text(final JsonElement element) {
        return element == null || element.isJsonNull() ? "" : clip(element.getAsString());
    }

    static String clip(final String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }

    /** Three decimals are plenty for a chart and keep the bytes down. */
    private static double round(final double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
