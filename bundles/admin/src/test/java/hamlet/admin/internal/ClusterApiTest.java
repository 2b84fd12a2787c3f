package hamlet.admin.internal;

import com.google.gson.JsonObject;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.cluster.Placement;
import hamlet.testkit.FakeCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code /api/cluster/*} endpoints and the cluster part of {@code GET /api/node}, as plain calls of AdminApi. */
class ClusterApiTest {
    private static final String ABSENT = "the cluster view is not available: the hamlet.gossip bundle (gossip"
        + " membership) is not running";

    private final FakeCluster cluster = new FakeCluster("node1");
    private final AtomicReference<Cluster> clusterService = new AtomicReference<>(cluster);
    private final AtomicReference<Placement> placementService = new AtomicReference<>();
    private final AdminApi api = new AdminApi(new AdminFakeSystem(), () -> null, () -> null, () -> null,
        clusterService::get, placementService::get, AdminSettings::localTest, () -> null, new ErrorStats(), 0);

    private ApiResponse call(final String method, final String path, final String body) {
        final AdminApi.Route route = api.route(method, path);
        return api.answer(route, body == null ? null : body.getBytes(StandardCharsets.UTF_8))
            .toCompletableFuture().join();
    }

    private static JsonObject object(final ApiResponse response) {
        return response.body().getAsJsonObject();
    }

    // ------------------------------------------------------------------ GET /api/cluster/members

    @Test
    void shouldListMembersWithLowerCaseStatusHexUidIsoSinceAndLoadScore() {
        cluster.member(new Member("node2", "ws://127.0.0.1:7702/hamlet", 0xfedcba9876543210L, MemberStatus.SUSPECT,
                4, FakeCluster.SINCE_MILLIS, new MemberLoad(2_500, 0.5, 0.75), 3))
            .member(FakeCluster.member("node1", MemberStatus.ALIVE))
            .majority(true, "sees 2 of 2 members of the last stable membership");
        final ApiResponse reply = call("GET", "/api/cluster/members", null);
        assertEquals(200, reply.status());
        final JsonObject json = object(reply);
        assertEquals("node1", json.get("self").getAsString());
        assertTrue(json.get("majority").getAsBoolean());
        assertEquals("sees 2 of 2 members of the last stable membership", json.get("majorityDetail").getAsString());
        assertEquals(0.9, json.get("overloadThreshold").getAsDouble());
        assertEquals(2, json.getAsJsonArray("members").size());
        assertEquals("node1", json.getAsJsonArray("members").get(0).getAsJsonObject().get("id").getAsString(),
            "sorted by id, this node included");
        assertEquals("{\"id\":\"node2\",\"url\":\"ws://127.0.0.1:7702/hamlet\",\"uid\":\"fedcba9876543210\","
                + "\"status\":\"suspect\",\"incarnation\":4,\"since\":\"2026-01-02T03:04:05.678Z\","
                + "\"sinceMillis\":1767323045678,\"load\":{\"backlog\":2500,\"busy\":0.5,\"cpu\":0.75,"
                + "\"score\":1.0},\"actors\":3}",
            json.getAsJsonArray("members").get(1).toString());
    }

    @Test
    void shouldSayMinorityAndWhy() {
        cluster.majority(false, "sees 1 of 3 members of the last stable membership");
        final JsonObject json = object(call("GET", "/api/cluster/members", null));
        assertFalse(json.get("majority").getAsBoolean());
        assertEquals("sees 1 of 3 members of the last stable membership", json.get("majorityDetail").getAsString());
    }

    // ------------------------------------------------------------------ GET /api/cluster/actors

    @Test
    void shouldListTheDirectoryAndEachConflictWithWhereItResolves() {
        cluster.member(FakeCluster.member("node1", MemberStatus.ALIVE))
            .member(FakeCluster.member("node2", MemberStatus.SUSPECT))
            .member(FakeCluster.member("node3", MemberStatus.ALIVE))
            .member(FakeCluster.member("node4", MemberStatus.DEAD))
            .actor("node2", "echo", null).actor("node1", "echo", null)
            .actor("node2", "router", null).actor("node3", "router", "routers")
            .actor("node2", "w1", "worker")
            .actor("node4", "ghost", null).actor("node9", "ghost", null);
        final ApiResponse reply = call("GET", "/api/cluster/actors", null);
        assertEquals(200, reply.status());
        final JsonObject json = object(reply);
        assertEquals(7, json.getAsJsonArray("actors").size());
        assertEquals("{\"name\":\"echo\",\"node\":\"node1\",\"group\":null}",
            json.getAsJsonArray("actors").get(0).toString(), "a missing group is null, not dropped");
        assertEquals("{\"name\":\"router\",\"node\":\"node3\",\"group\":\"routers\"}",
            json.getAsJsonArray("actors").get(5).toString());
        assertEquals("["
                + "{\"name\":\"echo\",\"nodes\":[\"node1\",\"node2\"],\"resolvesTo\":\"node1\"},"
                + "{\"name\":\"ghost\",\"nodes\":[\"node4\",\"node9\"],\"resolvesTo\":null},"
                + "{\"name\":\"router\",\"nodes\":[\"node2\",\"node3\"],\"resolvesTo\":\"node3\"}]",
            json.getAsJsonArray("conflicts").toString(),
            "local first; else alive before suspect; none when every host is dead or unknown");
    }

    @Test
    void shouldListNoConflictsWhenEveryNameIsOnOneNode() {
        cluster.actor("node1", "echo", null).actor("node2", "echo-2", null);
        assertEquals("{\"actors\":[{\"name\":\"echo\",\"node\":\"node1\",\"group\":null},"
                + "{\"name\":\"echo-2\",\"node\":\"node2\",\"group\":null}],\"conflicts\":[],"
                + "\"clusterActors\":[],\"placement\":null}",
            call("GET", "/api/cluster/actors", null).body().toString());
    }

    // ------------------------------------------------------------------ POST /api/cluster/join and leave

    @Test
    void shouldAcceptJoinWith202AndPassTheSeedOn() {
        final ApiResponse reply = call("POST", "/api/cluster/join", "{\"seed\":\"127.0.0.1:7702\"}");
        assertEquals(202, reply.status());
        assertEquals("{\"joining\":\"127.0.0.1:7702\"}", reply.body().toString());
        assertEquals(202, call("POST", "/api/cluster/join", "{\"seed\":\"ws://10.0.0.2:7701/hamlet\"}").status());
        assertEquals(List.of("127.0.0.1:7702", "ws://10.0.0.2:7701/hamlet"), cluster.joins());
    }

    @Test
    void shouldRefuseJoinWith400NamingTheSeedWhenItIsNoAddress() {
        final ApiResponse reply = call("POST", "/api/cluster/join", "{\"seed\":\"nowhere\"}");
        assertEquals(400, reply.status());
        assertEquals("\"seed\" 'nowhere' is not a seed address (give host:port, ws://host:port or"
            + " ws://host:port/hamlet): not host:port: 'nowhere'", reply.errorMessage());
        assertEquals("\"seed\" is missing", call("POST", "/api/cluster/join", "{}").errorMessage());
        assertEquals("\"seed\" must be a string, got the number 7702",
            call("POST", "/api/cluster/join", "{\"seed\":7702}").errorMessage());
        assertEquals(400, call("POST", "/api/cluster/join", null).status(), "no body");
        assertTrue(cluster.joins().isEmpty());
    }

    @Test
    void shouldAcceptLeaveWith202() {
        final ApiResponse reply = call("POST", "/api/cluster/leave", null);
        assertEquals(202, reply.status());
        assertEquals("{\"leaving\":\"node1\"}", reply.body().toString());
        assertEquals(1, cluster.leaves());
    }

    @Test
    void shouldRefuseOtherMethodsWith405() {
        assertEquals("POST", call("GET", "/api/cluster/join", null).headers().get("Allow"));
        assertEquals("POST", call("GET", "/api/cluster/leave", null).headers().get("Allow"));
        assertEquals("GET", call("POST", "/api/cluster/members", "{}").headers().get("Allow"));
        assertEquals(405, call("DELETE", "/api/cluster/actors", null).status());
        assertEquals(404, call("GET", "/api/cluster", null).status());
        assertEquals(0, cluster.leaves());
    }

    // ------------------------------------------------------------------ without the gossip bundle

    @Test
    void shouldAnswer503NamingTheGossipBundleWhenClusterIsAbsent() {
        clusterService.set(null);
        for (final String[] request : new String[][] {{"GET", "/api/cluster/members"}, {"GET", "/api/cluster/actors"},
            {"POST", "/api/cluster/join"}, {"POST", "/api/cluster/leave"}}) {
            final ApiResponse reply = call(request[0], request[1], null);
            assertEquals(503, reply.status(), request[1]);
            assertEquals(ABSENT, reply.errorMessage(), request[1]);
        }
        assertEquals(405, call("GET", "/api/cluster/join", null).status(), "a wrong method is still a wrong method");
        clusterService.set(cluster);
        assertEquals(200, call("GET", "/api/cluster/members", null).status(), "a gossip bundle that comes back");
    }

    @Test
    void shouldAnswer503WhenClusterGoesBetweenRoutingAndAnswering() {
        final AdminApi.Route route = api.route("GET", "/api/cluster/members");
        clusterService.set(null);
        final ApiResponse reply = api.answer(route, null).toCompletableFuture().join();
        assertEquals(503, reply.status());
        assertEquals(ABSENT, reply.errorMessage());
    }

    // ------------------------------------------------------------------ GET /api/node

    @Test
    void shouldSummariseTheClusterInNodeWhenClusterIsThere() {
        cluster.member(FakeCluster.member("node1", MemberStatus.ALIVE))
            .member(FakeCluster.member("node2", MemberStatus.ALIVE))
            .member(FakeCluster.member("node3", MemberStatus.SUSPECT))
            .member(FakeCluster.member("node4", MemberStatus.DEAD))
            .member(FakeCluster.member("node5", MemberStatus.LEFT))
            .majority(true, "sees 3 of 4 members of the last stable membership");
        assertEquals("{\"majority\":true,\"detail\":\"sees 3 of 4 members of the last stable membership\","
                + "\"members\":{\"alive\":2,\"joining\":0,\"suspect\":1}}",
            object(call("GET", "/api/node", null)).get("cluster").toString());
    }

    @Test
    void shouldOmitClusterFromNodeWhenClusterIsAbsent() {
        clusterService.set(null);
        final JsonObject node = object(call("GET", "/api/node", null));
        assertFalse(node.has("cluster"), node.toString());
        assertEquals("node1", node.get("id").getAsString());
    }
}
