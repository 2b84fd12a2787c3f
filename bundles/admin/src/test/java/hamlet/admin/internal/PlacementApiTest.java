package hamlet.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.Placement;
import hamlet.testkit.FakeCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cluster actors in the admin API: {@code clusterActors} in {@code GET /api/cluster/actors}, {@code placement} in
 * {@code GET /api/node}, and {@code "placement"} in {@code POST /api/actors}; with a fake Placement.
 */
class PlacementApiTest {
    private static final long NOW_NS = 5_000_000_000L;
    private static final ClusterActorInfo ROUTER = new ClusterActorInfo("job-router", "job-router", null, false,
        "node2", 3, "active", null, "node3", 2_048, "takeover", 1_767_323_045_678L, 840,
        "took over from node1 (dead), restored from the copy of epoch 2");
    private static final ClusterActorInfo UNPLACED = new ClusterActorInfo("ledger", "counter", "books", false,
        null, 0, "unplaced", null, null, -1, null, 0, -1, "no member may run it: no majority");

    private final hamlet.testkit.FakePlacement placement = new hamlet.testkit.FakePlacement();
    private final AtomicReference<Placement> placementService = new AtomicReference<>(placement);
    private final AdminFakeSystem system = new AdminFakeSystem();
    private final AdminApi api = new AdminApi(system, () -> null, () -> null, () -> null,
        () -> new FakeCluster("node1"), placementService::get, AdminSettings::localTest, () -> null,
        new ErrorStats(), 0);

    private ApiResponse call(final String method, final String path, final String body) {
        final AdminApi.Route route = api.route(method, path);
        return api.answer(route, body == null ? null : body.getBytes(StandardCharsets.UTF_8))
            .toCompletableFuture().join();
    }

    private JsonObject object(final String method, final String path) {
        return call(method, path, null).body().getAsJsonObject();
    }

    @Test
    void shouldListEachClusterActorWithOwnerEpochReplicaStateSizeAndLastChange() {
        placement.actor(UNPLACED).actor(ROUTER);
        final JsonObject json = object("GET", "/api/cluster/actors");
        assertEquals("[{\"name\":\"job-router\",\"behavior\":\"job-router\",\"group\":null,\"spread\":false,"
                + "\"owner\":\"node2\",\"epoch\":3,\"state\":\"active\",\"movingTo\":null,\"replica\":\"node3\","
                + "\"stateBytes\":2048,\"lastChange\":{\"cause\":\"takeover\",\"at\":\"2026-01-02T03:04:05.678Z\","
                + "\"atMillis\":1767323045678,\"tookMillis\":840},"
                + "\"detail\":\"took over from node1 (dead), restored from the copy of epoch 2\"},"
                + "{\"name\":\"ledger\",\"behavior\":\"counter\",\"group\":\"books\",\"spread\":false,\"owner\":null,"
                + "\"epoch\":0,\"state\":\"unplaced\",\"movingTo\":null,\"replica\":null,\"stateBytes\":-1,"
                + "\"lastChange\":null,\"detail\":\"no member may run it: no majority\"}]",
            json.getAsJsonArray("clusterActors").toString());
        assertTrue(json.has("actors") && json.has("conflicts"), "the directory is still there");
    }

    @Test
    void shouldSayInNodeWhyThisNodeMayNotRunClusterActors() {
        placement.blocked("no majority: sees 1 of 3 members of the last stable membership (a three-way split?)")
            .leaseUntil(0);
        final JsonObject node = object("GET", "/api/node");
        final JsonObject p = node.getAsJsonObject("placement");
        assertEquals("no majority: sees 1 of 3 members of the last stable membership (a three-way split?)",
            p.get("blocked").getAsString());
        assertFalse(p.getAsJsonObject("lease").get("holds").getAsBoolean(), "a lease in the past holds nothing");
        assertEquals(0, p.getAsJsonObject("lease").get("validForMs").getAsLong());
        assertEquals(p, object("GET", "/api/cluster/actors").getAsJsonObject("placement"));
    }

    @Test
    void shouldShowTheLeaseAndNoReasonWhenThisNodeMayRunThem() {
        placement.leaseUntil(NOW_NS + 450_000_000L);
        assertEquals("{\"blocked\":null,\"lease\":{\"holds\":true,\"validForMs\":450}}",
            new PlacementApi(placementService::get, () -> NOW_NS).summary().toString());
    }

    @Test
    void shouldOmitPlacementFromNodeAndListNoClusterActorsWhileItIsAbsent() {
        placementService.set(null);
        assertFalse(object("GET", "/api/node").has("placement"));
        final JsonObject actors = object("GET", "/api/cluster/actors");
        assertEquals(0, actors.getAsJsonArray("clusterActors").size());
        assertTrue(actors.get("placement").isJsonNull());
    }

    @Test
    void shouldRefuseSpreadAndUnknownPlacementsNamingTheField() {
        final ApiResponse spread = call("POST", "/api/actors",
            "{\"behavior\":\"echo\",\"name\":\"e\",\"placement\":\"spread\"}");
        assertEquals(400, spread.status());
        assertTrue(spread.errorMessage().startsWith("\"placement\" 'spread' cannot be spawned: spread instances are"
            + " declared in config"), spread.errorMessage());
        final ApiResponse unknown = call("POST", "/api/actors",
            "{\"behavior\":\"echo\",\"name\":\"e\",\"placement\":\"everywhere\"}");
        assertEquals(400, unknown.status());
        assertEquals("\"placement\" must be \"node\" (the default: this node) or \"cluster\" (one activation in the"
            + " cluster), got 'everywhere'", unknown.errorMessage());
        assertEquals("\"placement\" must be a string, got the boolean true", call("POST", "/api/actors",
            "{\"behavior\":\"echo\",\"name\":\"e\",\"placement\":true}").errorMessage());
        assertTrue(system.actor("e").isEmpty(), "nothing spawned");
    }

    @Test
    void shouldDeclareAClusterActorWithPlacementClusterAndAnswerWhatPlacementKnows() {
        final ApiResponse reply = call("POST", "/api/actors",
            "{\"behavior\":\"job-router\",\"name\":\"job-router\",\"placement\":\"cluster\"}");
        assertEquals(201, reply.status(), reply.body().toString());
        assertEquals("/api/cluster/actors", reply.headers().get("Location"));
        assertEquals("{\"name\":\"job-router\",\"behavior\":\"job-router\",\"group\":null,\"owner\":null,"
            + "\"placement\":\"cluster\"}", reply.body().toString(), "placement has not placed it yet");
        assertEquals(1, system.clusterSpawns.size());
        assertEquals("job-router", system.clusterSpawns.get(0).name());
        assertFalse(system.clusterSpawns.get(0).spread());
        assertTrue(system.actor("job-router").isEmpty(), "not spawned on this node");
    }

    @Test
    void shouldSpawnOnThisNodeWhenPlacementIsNode() {
        final ApiResponse reply = call("POST", "/api/actors",
            "{\"behavior\":\"echo\",\"name\":\"e\",\"placement\":\"node\"}");
        assertEquals(201, reply.status(), reply.body().toString());
        assertTrue(system.actor("e").isPresent());
    }

    @Test
    void shouldRefuseAClusterActorWhoseNameIsTakenOrWhoseBehaviourIsUnknown() {
        placement.actor(ROUTER);
        final ApiResponse taken = call("POST", "/api/actors",
            "{\"behavior\":\"echo\",\"name\":\"job-router\",\"placement\":\"cluster\"}");
        assertEquals(409, taken.status());
        assertEquals("cluster actor 'job-router' exists already", taken.errorMessage());
        assertEquals(404, call("POST", "/api/actors",
            "{\"behavior\":\"nope\",\"name\":\"x\",\"placement\":\"cluster\"}").status());
    }
}
