package hamlet.registry.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What one cluster actor's activation has handled, by origin: for each (origin node, run), every seq at or below
 * {@code base} and the ones in {@code above}; a message whose stamp is among them is a second copy. Exact within a
 * window of {@value #WINDOW} seqs above the base (sends from several threads of one origin may arrive a little out
 * of order, so "highest seen" alone would drop real messages); a seq further ahead moves the base up, giving up the
 * gaps it jumps (messages that never came, or dead-lettered on the way). At most {@value #MAX_ORIGINS} origins, the
 * one heard from least recently forgotten first (a node restarted many times leaves old runs behind).
 *
 * <p>Part of the actor's replicated state and of its handover ({@link #toJson}, {@link #fromJson}).
 *
 * <p>Threading: owned by the thread running the actor's turn.
 */
final class SeenSequences {
    static final int WINDOW = 4096;
    static final int MAX_ORIGINS = 1024;

    /** By origin key, least recently heard first (access order). */
    private final LinkedHashMap<String, Window> byOrigin = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Window {
        long base;
        final TreeSet<Long> above = new TreeSet<>();
    }

    /**
     * Records a message as handled.
     *
     * @param stamp its stamp
     * @return true the first time, false for a second copy
     */
    boolean firstTime(final Stamp stamp) {
        Window window = byOrigin.get(stamp.originKey());
        if (window == null) {
            window = new Window();
            byOrigin.put(stamp.originKey(), window);
            if (byOrigin.size() > MAX_ORIGINS) {
                final Iterator<String> oldest = byOrigin.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        final long seq = stamp.seq();
        if (seq <= window.base || !window.above.add(seq)) {
            return false;
        }
        if (seq > window.base + WINDOW) {
            window.base = seq - WINDOW;
            window.above.headSet(window.base, true).clear();
        }
        while (!window.above.isEmpty() && window.above.first() == window.base + 1) {
            window.base = window.above.pollFirst();
        }
        return true;
    }

    /** @return {origin: [base, seq above, ...]} */
    JsonObject toJson() {
        final JsonObject json = new JsonObject();
        for (final Map.Entry<String, Window> entry : byOrigin.entrySet()) {
            final JsonArray seqs = new JsonArray();
            seqs.add(entry.getValue().base);
            entry.getValue().above.forEach(seqs::add);
            json.add(entry.getKey(), seqs);
        }
        return json;
    }

    /**
     * @param json what {@link #toJson} made, possibly on another node, or null
     * @return the record; an empty one for null or anything malformed in it (the entries that can be read are kept)
     */
    static SeenSequences fromJson(final JsonElement json) {
        final SeenSequences seen = new SeenSequences();
        if (json == null || !json.isJsonObject()) {
            return seen;
        }
        for (final Map.Entry<String, JsonElement> entry : json.getAsJsonObject().entrySet()) {
            if (!entry.getValue().isJsonArray() || entry.getValue().getAsJsonArray().isEmpty()
                || seen.byOrigin.size() >= MAX_ORIGINS) {
                continue;
            }
            try {
                final JsonArray seqs = entry.getValue().getAsJsonArray();
                final Window window = new Window();
                window.base = seqs.get(0).getAsLong();
                for (int i = 1; i < seqs.size() && i <= WINDOW; i++) {
                    window.above.add(seqs.get(i).getAsLong());
                }
                seen.byOrigin.put(entry.getKey(), window);
            } catch (final RuntimeException e) {
                // A malformed entry is skipped: at worst one second copy from that origin gets through.
            }
        }
        return seen;
    }
}
