package hamlet.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import hamlet.api.DeadLetter;
import hamlet.api.trace.TraceHop;
import hamlet.api.trace.TraceLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/** {@code GET /api/trace/{id}}, and the trace id of each dead letter in {@code GET /api/deadletters}. */
class TraceApiTest {
    private static final long ID = 0x0123_4567_89ab_cdefL;

    private final List<TraceHop> hops = new ArrayList<>();
    private final List<Long> asked = new ArrayList<>();
    private final AtomicReference<TraceLog> service = new AtomicReference<>(new TraceLog() {
        @Override
        public List<TraceHop> local(final long traceId) {
            return hops;
        }

        @Override
        public CompletionStage<List<TraceHop>> cluster(final long traceId, final Duration timeout) {
            asked.add(traceId);
            return CompletableFuture.completedFuture(hops);
        }
    });
    private final AdminFakeSystem system = new AdminFakeSystem();
    private final AdminApi api = new AdminApi(system, () -> null, () -> null, () -> null, () -> null, () -> null,
        AdminSettings::localTest, () -> null, new ErrorStats(), 0);

    TraceApiTest() {
        api.traces(service::get);
    }

    private ApiResponse get(final String path) {
        return api.answer(api.route("GET", path), null).toCompletableFuture().join();
    }

    @Test
    void shouldShowTheHopsOfEveryNodeByTime() {
        hops.add(new TraceHop(ID, "node1", 10, "sent", null, "node2:echo", "to node node2"));
        hops.add(new TraceHop(ID, "node2", 20, "delivered", "node1:a", "node2:echo", null));
        final ApiResponse response = get("/api/trace/0123456789ABCDEF");
        assertEquals(200, response.status());
        assertEquals(List.of(ID), asked);
        assertEquals("{\"trace\":\"0123456789abcdef\",\"hops\":[{\"node\":\"node1\",\"epochMicros\":10,"
            + "\"event\":\"sent\",\"from\":null,\"to\":\"node2:echo\",\"detail\":\"to node node2\"},{\"node\":\"node2\","
            + "\"epochMicros\":20,\"event\":\"delivered\",\"from\":\"node1:a\",\"to\":\"node2:echo\",\"detail\":null}]}",
            response.body().toString());
    }

    @Test
    void shouldAnswerAnUnknownIdWithNoHopsAndANote() {
        final JsonObject json = get("/api/trace/42").body().getAsJsonObject();
        assertEquals("0000000000000042", json.get("trace").getAsString());
        assertEquals(0, json.getAsJsonArray("hops").size());
        assertTrue(json.get("note").getAsString().contains("hamlet.registry.trace.ring"), json.toString());
    }

    @Test
    void shouldRefuseABadIdAMissingServiceAndAnotherMethod() {
        final ApiResponse bad = get("/api/trace/not-an-id");
        assertEquals(400, bad.status());
        assertTrue(bad.body().toString().contains("a trace id is 16 hex digits"), bad.body().toString());
        assertEquals(400, get("/api/trace/00000000000000000").status(), "17 digits");
        assertEquals(405, api.answer(api.route("POST", "/api/trace/42"), new byte[0]).toCompletableFuture().join()
            .status());
        service.set(null);
        final ApiResponse absent = get("/api/trace/42");
        assertEquals(503, absent.status());
        assertTrue(absent.body().toString().contains("TraceLog"), absent.body().toString());
    }

    @Test
    void shouldShowTheTraceIdOfADeadLetter() {
        assertEquals("00abcdef01234567", Json.deadLetter(new DeadLetter("ghost", null, "boo",
            DeadLetter.Reason.UNKNOWN_ACTOR, "none", Instant.EPOCH, 0x00ab_cdef_0123_4567L)).get("trace")
            .getAsString());
        assertTrue(Json.deadLetter(new DeadLetter("ghost", null, "boo", DeadLetter.Reason.UNKNOWN_ACTOR, "none",
            Instant.EPOCH)).get("trace").isJsonNull());
    }
}
