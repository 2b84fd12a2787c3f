package hamlet.admin.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import hamlet.api.trace.TraceHop;
import hamlet.api.trace.TraceLog;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code GET /api/trace/{id}}: the hops of one trace id on every member that still remembers them, through the
 * registry's {@link TraceLog} service. An id that is not one is a 400 saying what an id looks like; an id no node
 * remembers is a 200 with no hops and a note (the rings are bounded: "not remembered" is not "never sent"), so that
 * a script can tell it from a bad request or a missing service (503).
 *
 * <p>Threading: any thread; the answer completes when the members answered, or after {@link #WAIT}.
 */
final class TraceApi {
    /** How long the other members are given to answer: their answers travel on the control lane. */
    static final Duration WAIT = Duration.ofSeconds(2);

    private final Supplier<TraceLog> traces;

    /** @param traces the registry's trace service, or a supplier of {@code null} while it is absent */
    TraceApi(final Supplier<TraceLog> traces) {
        this.traces = traces;
    }

    /**
     * @param id the path's id
     * @return the answer
     */
    CompletionStage<ApiResponse> trace(final String id) {
        final long traceId;
        try {
            traceId = TraceHop.parse(id);
        } catch (final IllegalArgumentException e) {
            return CompletableFuture.completedFuture(ApiResponse.error(400, e.getMessage()));
        }
        final TraceLog log = traces.get();
        if (log == null) {
            return CompletableFuture.completedFuture(ApiResponse.error(503, "tracing is not available on this node "
                + "(the registry's TraceLog service is not running)"));
        }
        return log.cluster(traceId, WAIT).thenApply(hops -> ApiResponse.of(200, json(traceId, hops)));
    }

    static JsonObject json(final long traceId, final List<TraceHop> hops) {
        final JsonObject json = new JsonObject();
        json.addProperty("trace", TraceHop.hex(traceId));
        final JsonArray array = new JsonArray();
        for (final TraceHop hop : hops) {
            final JsonObject one = new JsonObject();
            one.addProperty("node", hop.node());
            one.addProperty("epochMicros", hop.epochMicros());
            one.addProperty("event", hop.event());
            one.addProperty("from", hop.from());
            one.addProperty("to", hop.to());
            one.addProperty("detail", hop.detail());
            array.add(one);
        }
        json.add("hops", array);
        if (hops.isEmpty()) {
            json.addProperty("note", "no alive member remembers this trace id: each node keeps its latest hops "
                + "only (hamlet.registry.trace.ring), so an old trace is gone");
        }
        return json;
    }
}
