package hamlet.admin.internal;

import com.google.gson.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the API's answers: all of them, and those of status 400 or more by status. Updated from any Jetty thread;
 * read by {@code GET /api/node}. Lives as long as the component, across rebinds.
 */
final class ErrorStats {
    private final LongAdder responses = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

    /** @param status the status of a response just sent */
    void record(final int status) {
        responses.increment();
        if (status >= 400) {
            errors.increment();
            byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        }
    }

    /** @return how many responses were sent */
    long responses() {
        return responses.sum();
    }

    /** @return how many responses had a status of 400 or more */
    long errors() {
        return errors.sum();
    }

    /**
     * @param status an HTTP status
     * @return how many responses had it, if it is 400 or more; 0 otherwise
     */
    long errors(final int status) {
        final LongAdder count = byStatus.get(status);
        return count == null ? 0 : count.sum();
    }

    /** @return {@code {"responses": N, "errors": N, "errorsByStatus": {"404": N, ...}}} */
    JsonObject toJson() {
        final JsonObject json = new JsonObject();
        json.addProperty("responses", responses());
        json.addProperty("errors", errors());
        final JsonObject statuses = new JsonObject();
        final Map<Integer, LongAdder> sorted = new TreeMap<>(byStatus);
        sorted.forEach((status, count) -> statuses.addProperty(String.valueOf(status), count.sum()));
        json.add("errorsByStatus", statuses);
        return json;
    }
}
