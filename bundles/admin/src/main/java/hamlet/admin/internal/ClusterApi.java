package hamlet.admin.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberStatus;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@code /api/cluster/*} endpoints and the {@code cluster} part of {@code GET /api/node}: the gossip bundle's
 * view of the cluster, for operators. The {@link Cluster} service is optional and comes and goes with the gossip
 * bundle, so it is read once per request; while it is absent every endpoint answers 503 naming that bundle.
 *
 * <p>Threading: called from Jetty's threads, concurrently; holds no mutable state. {@link Cluster} answers with
 * snapshots and never blocks on the network, so nothing here waits.
 */
final class ClusterApi {
    /** The bundle that registers the Cluster service, named when it is absent. */
    static final String GOSSIP_BUNDLE = "hamlet.gossip";

    private final Supplier<Cluster> cluster;
    private final PlacementApi placement;

    /**
     * @param cluster the gossip bundle's service, or a supplier of {@code null} while it is absent
     * @param placement the cluster actors, for {@link #actors}
     */
    ClusterApi(final Supplier<Cluster> cluster, final PlacementApi placement) {
        this.cluster = cluster;
        this.placement = placement;
    }

    /** @return whether the Cluster service is there now */
    boolean available() {
        return cluster.get() != null;
    }

    /** @return the 503 answer while the Cluster service is absent */
    static ApiResponse absent() {
        return ApiResponse.error(503, "the cluster view is not available: the " + GOSSIP_BUNDLE
            + " bundle (gossip membership) is not running");
    }

    /**
     * @return 200 {@code {"self","majority","majorityDetail","overloadThreshold","members":[...],"counters":{}}},
     *     each member as {@link Json#member} writes it, sorted by id, and membership's counters by name
     */
    ApiResponse members() {
        final Cluster now = running();
        final JsonObject json = new JsonObject();
        json.addProperty("self", now.selfId());
        json.addProperty("majority", now.inMajority());
        json.addProperty("majorityDetail", now.majorityDetail());
        json.addProperty("overloadThreshold", now.overloadThreshold());
        final JsonArray members = new JsonArray();
        for (final Member member : now.members()) {
            members.add(Json.member(member));
        }
        json.add("members", members);
        json.add("counters", Json.counters(now.counters()));
        return ApiResponse.of(200, json);
    }

    /**
     * @return 200 {@code {"actors":[{"name","node","group"}],"conflicts":[{"name","nodes":[...],"resolvesTo"}],
     *     "clusterActors":[...],"placement":{...}}}: the directory sorted by name then node, and each name hosted on
     *     more than one node with its nodes sorted and where {@link ConflictRule} sends it from this node
     *     ({@code null} when none of them is up); then the cluster actors as {@link PlacementApi#actor} writes them,
     *     and {@link PlacementApi#summary} ({@code []} and {@code null} while placement is absent)
     */
    ApiResponse actors() {
        final Cluster now = running();
        final JsonArray actors = new JsonArray();
        final Map<String, Set<String>> hosts = new TreeMap<>();
        for (final DirectoryEntry entry : now.directory()) {
            final JsonObject actor = new JsonObject();
            actor.addProperty("name", entry.name());
            actor.addProperty("node", entry.node());
            actor.addProperty("group", entry.group());
            actors.add(actor);
            hosts.computeIfAbsent(entry.name(), name -> new TreeSet<>()).add(entry.node());
        }
        // One members() snapshot for every conflict, so that all of them are resolved against the same view.
        final Map<String, MemberStatus> status = new HashMap<>();
        now.members().forEach(member -> status.put(member.id(), member.status()));
        final JsonArray conflicts = new JsonArray();
        hosts.forEach((name, nodes) -> {
            if (nodes.size() < 2) {
                return;
            }
            final JsonObject conflict = new JsonObject();
            conflict.addProperty("name", name);
            final JsonArray on = new JsonArray();
            nodes.forEach(on::add);
            conflict.add("nodes", on);
            conflict.addProperty("resolvesTo", ConflictRule.resolve(now.selfId(), nodes,
                node -> Optional.ofNullable(status.get(node))).orElse(null));
            conflicts.add(conflict);
        });
        final JsonObject json = new JsonObject();
        json.add("actors", actors);
        json.add("conflicts", conflicts);
        json.add("clusterActors", placement.actors());
        json.add("placement", placement.summary());
        return ApiResponse.of(200, json);
    }

    /**
     * @param seed what the client gave as {@code "seed"}
     * @return 202 {@code {"joining": seed}}: the join goes on in the background
     * @throws ApiException 400 naming the seed when it is not an address
     */
    ApiResponse join(final String seed) {
        final Cluster now = running();
        try {
            now.join(seed);
        } catch (final IllegalArgumentException e) {
            throw new ApiException(400, "\"seed\" '" + seed + "' is not a seed address (give host:port,"
                + " ws://host:port or ws://host:port/hamlet)" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        final JsonObject json = new JsonObject();
        json.addProperty("joining", seed);
        return ApiResponse.of(202, json);
    }

    /** @return 202 {@code {"leaving": self}}: the members are told in the background */
    ApiResponse leave() {
        final Cluster now = running();
        now.leave();
        final JsonObject json = new JsonObject();
        json.addProperty("leaving", now.selfId());
        return ApiResponse.of(202, json);
    }

    /**
     * @return {@code {"majority","detail","members":{"alive","joining","suspect"}}} (the members counted by status,
     *     this node included), or {@code null} while the Cluster service is absent
     */
    JsonObject summary() {
        final Cluster now = cluster.get();
        if (now == null) {
            return null;
        }
        final JsonObject json = new JsonObject();
        json.addProperty("majority", now.inMajority());
        json.addProperty("detail", now.majorityDetail());
        final List<Member> members = now.members();
        final JsonObject counts = new JsonObject();
        for (final MemberStatus up : List.of(MemberStatus.ALIVE, MemberStatus.JOINING, MemberStatus.SUSPECT)) {
            counts.addProperty(up.name().toLowerCase(Locale.ROOT),
                members.stream().filter(member -> member.status() == up).count());
        }
        json.add("members", counts);
        return json;
    }

    /** The service can go between routing and answering; then the answer is the same 503. */
    private Cluster running() {
        final Cluster now = cluster.get();
        if (now == null) {
            throw new ApiException(503, absent().errorMessage());
        }
        return now;
    }
}
