package hamlet.admin.internal;

import com.google.gson.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the API's answers: all of them, and those of status 400 or more by status; and the refusals before an
 * answer: requests without the bearer token, and connections whose TLS handshake failed. Updated from any Jetty
 * thread; read by {@code GET /api/node}. Lives as long as the component, across rebinds.
 */
final class ErrorStats {
    /** The counter of requests refused for want of the right bearer token. */
    static final String UNAUTHORIZED = "unauthorized";
    /** The prefix of the counters of refused TLS handshakes, by reason, as the transport names its own. */
    static final String REFUSED_TLS = "refused.tls.";

    private final LongAdder responses = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    /** @param status the status of a response just sent */
    void record(final int status) {
        responses.increment();
        if (status >= 400) {
            errors.increment();
            byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        }
    }

    /** A request refused with 401. */
    void unauthorized() {
        count(UNAUTHORIZED);
    }

    /** @param reason why a connection's TLS handshake failed, one of {@code hamlet.tls.HandshakeRefusals}' */
    void refusedTls(final String reason) {
        count(REFUSED_TLS + reason);
    }

    /**
     * @param name {@link #UNAUTHORIZED} or {@code refused.tls.<reason>}
     * @return how many so far
     */
    long counter(final String name) {
        final LongAdder count = counters.get(name);
        return count == null ? 0 : count.sum();
    }

    private void count(final String name) {
        counters.computeIfAbsent(name, n -> new LongAdder()).increment();
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

    /**
     * @return {@code {"responses": N, "errors": N, "errorsByStatus": {"404": N, ...}, "counters": {"unauthorized": N,
     *     "refused.tls.not-tls": N, ...}}}, {@code unauthorized} always there, the others once counted
     */
    JsonObject toJson() {
        final JsonObject json = new JsonObject();
        json.addProperty("responses", responses());
        json.addProperty("errors", errors());
        final JsonObject statuses = new JsonObject();
        final Map<Integer, LongAdder> sorted = new TreeMap<>(byStatus);
        sorted.forEach((status, count) -> statuses.addProperty(String.valueOf(status), count.sum()));
        json.add("errorsByStatus", statuses);
        final JsonObject named = new JsonObject();
        named.addProperty(UNAUTHORIZED, counter(UNAUTHORIZED));
        new TreeMap<>(counters).forEach((name, count) -> named.addProperty(name, count.sum()));
        json.add("counters", named);
        return json;
    }
}
