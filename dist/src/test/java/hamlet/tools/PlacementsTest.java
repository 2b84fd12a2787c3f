package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlacementsTest {
    /** A reply of GET /api/cluster/actors, trimmed to what the demo reads, plus a field it ignores. */
    private static final String PLACED = "{\"actors\":[],\"clusterActors\":["
        + actor("job-router", "job-router", "\"node3\"", 1, "active", "\"node2\"")
        + "," + actor("worker-1", "worker", "\"node3\"", 1, "active", "\"node2\"")
        + "," + actor("worker-2", "worker", "\"node1\"", 2, "active", "\"node3\"")
        + "," + actor("worker-3", "worker", "\"node3\"", 1, "active", "\"node1\"") + "]}";

    private static String actor(final String name, final String behavior, final String owner, final long epoch,
                                final String state, final String replica) {
        return "{\"name\":\"" + name + "\",\"behavior\":\"" + behavior + "\",\"group\":null,\"owner\":" + owner
            + ",\"epoch\":" + epoch + ",\"state\":\"" + state + "\",\"replica\":" + replica
            + ",\"stateBytes\":-1,\"lastChange\":null,\"detail\":\"runs\"}";
    }

    @Test
    void shouldReadOwnerEpochAndReplicaOfEachClusterActor() {
        final Placements placed = Placements.of(Json.parse(PLACED));

        assertEquals(new Placements.Placed("job-router", "job-router", "node3", 1, "active", "node2"),
            placed.get("job-router"));
        assertEquals(2, placed.get("worker-2").epoch());
        assertNull(placed.get("worker-9"));
    }

    @Test
    void shouldGroupTheWorkersByTheNodeThatRunsThem() {
        final Placements placed = Placements.of(Json.parse(PLACED));

        assertEquals(Map.of("node1", List.of("worker-2"), "node3", List.of("worker-1", "worker-3")),
            placed.byOwner("worker"));
        assertEquals(List.of("worker-1", "worker-2", "worker-3"), placed.named("worker"));
    }

    @Test
    void shouldBeAllActiveOnlyWhenTheRouterAndAWorkerAreListedAndEveryActorRunsOnAnOwner() {
        assertTrue(Placements.of(Json.parse(PLACED)).allActive("job-router", "worker"));

        final String waiting = PLACED.replace(actor("worker-2", "worker", "\"node1\"", 2, "active", "\"node3\""),
            actor("worker-2", "worker", "\"node1\"", 2, "waiting", "\"node3\""));
        final String unplaced = PLACED.replace(actor("worker-2", "worker", "\"node1\"", 2, "active", "\"node3\""),
            actor("worker-2", "worker", "null", 0, "unplaced", "null"));
        assertFalse(Placements.of(Json.parse(waiting)).allActive("job-router", "worker"), "worker-2 is waiting");
        assertFalse(Placements.of(Json.parse(unplaced)).allActive("job-router", "worker"), "worker-2 has no owner");
        assertFalse(Placements.of(Json.parse(PLACED)).allActive("other-router", "worker"), "no such router");
        assertFalse(Placements.of(Json.parse(PLACED)).allActive("job-router", "cruncher"), "no such workers");
    }

    @Test
    void shouldBeEmptyForAReplyWithoutClusterActors() {
        assertFalse(Placements.of(Json.parse("{\"actors\":[]}")).allActive("job-router", "worker"));
        assertTrue(Placements.of(Json.parse("{\"error\":\"no placement\"}")).byName().isEmpty());
        assertTrue(Placements.of(null).named("worker").isEmpty());
    }
}
