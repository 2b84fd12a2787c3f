package hamlet.admin.internal.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.Placement;
import hamlet.api.transport.Transport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Everything the dashboard shows, kept by one node: the sample history of every member (its own, taken each second,
 * and those the others sent), the event list, and the JSON the page reads ({@link #init} when it connects,
 * {@link #tick} each second). Each second it also sends its own sample to every member that is up, so that every
 * node's page shows every node's charts.
 *
 * <p>Threading: confined to the dashboard's thread ({@link DashboardAgent}); the services it reads answer at once
 * from any thread.
 */
final class DashboardState {
    /** Five minutes at one sample a second. */
    static final int HISTORY_SAMPLES = 300;
    /** Members whose history is kept; more are possible in a cluster, but not on one page. */
    static final int MAX_NODES = 64;
    /** Events listed. */
    static final int MAX_EVENTS = 200;
    /** Dead letters listed, newest first, over all nodes. */
    static final int MAX_DEAD_LETTERS = 20;
    /** Cluster actors listed; the count says how many there are. */
    static final int MAX_CLUSTER_ACTORS = 500;

    private final String selfId;
    private final SelfSampler sampler;
    private final Supplier<Cluster> cluster;
    private final Supplier<Placement> placement;
    private final Supplier<Transport> transport;
    private final ClusterHistory history = new ClusterHistory(MAX_NODES, HISTORY_SAMPLES);
    private final EventLog events = new EventLog(MAX_EVENTS);
    private final PlacementWatch placementWatch = new PlacementWatch();
    private long published;
    private long samplesIn;
    private long samplesMalformed;
    private long samplesSent;
    private long samplesNotSent;

    /**
     * @param selfId this node's id
     * @param sampler takes this node's samples
     * @param cluster the gossip bundle's view, or a supplier of {@code null} while it is absent
     * @param placement the cluster actors, or a supplier of {@code null} while absent
     * @param transport the control lane, or a supplier of {@code null} while absent
     */
    DashboardState(final String selfId, final SelfSampler sampler, final Supplier<Cluster> cluster,
                   final Supplier<Placement> placement, final Supplier<Transport> transport) {
        this.selfId = selfId;
        this.sampler = sampler;
        this.cluster = cluster;
        this.placement = placement;
        this.transport = transport;
    }

    /**
     * A sample arrived from another node.
     *
     * @param from the sender, as its handshake said
     * @param payload its bytes
     * @param receivedAtMillis when it arrived
     * @return whether it was a sample (malformed ones are counted and dropped)
     */
    boolean onSample(final String from, final byte[] payload, final long receivedAtMillis) {
        final NodeSample sample;
        try {
            sample = SampleCodec.decode(from, receivedAtMillis, payload);
        } catch (final IllegalArgumentException e) {
            samplesMalformed++;
            return false;
        }
        samplesIn++;
        if (!from.equals(selfId)) {
            history.add(sample);
        }
        return true;
    }

    /**
     * @param event a cluster event, as the gossip bundle told it
     * @param atMillis when it arrived
     */
    void onClusterEvent(final ClusterEvent event, final long atMillis) {
        final String kind = event.type().name().toLowerCase(Locale.ROOT);
        final String text = switch (event.type()) {
            case JOINED -> event.node() + " joined";
            case ALIVE -> event.node() + " is alive";
            case SUSPECT -> event.node() + " is suspected";
            case DEAD -> event.node() + " was declared dead";
            case LEFT -> event.node() + " left the cluster";
            case REMOVED -> event.node() + " was forgotten";
            case MINORITY -> selfId + " is in the minority";
            case MAJORITY -> selfId + " is in the majority again";
            case REFUSED -> "placement refused a message" + (event.actor() == null ? "" : " for " + event.actor());
            // Directory and activation news: too many for a list a person reads (placement's own diff says who
            // took over what), so they are left out.
            default -> null;
        };
        if (text != null) {
            events.add(atMillis, kind, event.node(), withDetail(text, kind, event));
        }
    }

    /** Membership's detail often starts with the state's own word ("joined (ws://...)"): not said twice. */
    private static String withDetail(final String text, final String kind, final ClusterEvent event) {
        final String detail = event.detail() == null ? "" : event.detail().strip();
        if (detail.isEmpty() || detail.equalsIgnoreCase(kind)) {
            return text;
        }
        if (detail.toLowerCase(Locale.ROOT).startsWith(kind)) {
            return event.node() + " " + detail;
        }
        return text + ": " + detail;
    }

    /**
     * One second: samples this node, sends the sample to the members that are up, compares placement, forgets the
     * histories of nodes membership forgot.
     *
     * @param nowMillis the wall clock
     * @param nowNanos the monotonic clock
     */
    void tick(final long nowMillis, final long nowNanos) {
        final NodeSample own = sampler.sample(nowMillis, nowNanos);
        history.add(own);
        final Cluster view = cluster.get();
        final List<Member> members = view == null ? List.of() : view.members();
        send(own, members);
        final Placement where = placement.get();
        placementWatch.compare(where == null ? List.of() : where.actors(), nowMillis, events);
        final Set<String> known = new HashSet<>();
        members.forEach(member -> known.add(member.id()));
        known.add(selfId);
        history.retain(known);
    }

    /**
     * @param nowMillis the wall clock
     * @return the page's {@code tick}: members, the latest sample of each node, actors, dead letters, counters
     */
    JsonObject tickJson(final long nowMillis) {
        final Cluster view = cluster.get();
        final Placement where = placement.get();
        return tickJson(nowMillis, view, view == null ? List.of() : view.members(),
            where == null ? List.of() : where.actors());
    }

    /** @return the events added since the last call, oldest first (empty when none) */
    List<DashboardEvent> newEvents() {
        final List<DashboardEvent> fresh = new ArrayList<>();
        for (final DashboardEvent event : events.all()) {
            if (event.seq() > published) {
                fresh.add(event);
            }
        }
        published = events.lastSeq();
        return fresh;
    }

    /**
     * @param nowMillis the wall clock
     * @return what a page gets when it connects: the last tick, every node's history and the events kept
     */
    JsonObject init(final long nowMillis) {
        final JsonObject json = tickJson(nowMillis);
        json.addProperty("historySeconds", HISTORY_SAMPLES);
        final JsonObject nodes = new JsonObject();
        history.byNode().forEach((node, samples) -> {
            final JsonArray array = new JsonArray();
            samples.all().forEach(sample -> array.add(sampleJson(sample)));
            nodes.add(node, array);
        });
        json.add("history", nodes);
        json.add("events", eventsJson(events.all()));
        return json;
    }

    /** @return the latest sample of a node, or {@code null} (for tests) */
    NodeSample latest(final String node) {
        final NodeHistory samples = history.byNode().get(node);
        return samples == null ? null : samples.latest();
    }

    /** @return how many samples are kept for a node (for tests) */
    int historySize(final String node) {
        final NodeHistory samples = history.byNode().get(node);
        return samples == null ? 0 : samples.size();
    }

    /** @return the events kept, oldest first */
    List<DashboardEvent> events() {
        return events.all();
    }

    static JsonArray eventsJson(final List<DashboardEvent> list) {
        final JsonArray array = new JsonArray();
        for (final DashboardEvent event : list) {
            final JsonObject json = new JsonObject();
            json.addProperty("seq", event.seq());
            json.addProperty("at", event.atMillis());
            json.addProperty("kind", event.kind());
            json.addProperty("node", event.node());
            json.addProperty("text", event.text());
            array.add(json);
        }
        return array;
    }

    private void send(final NodeSample own, final List<Member> members) {
        final Transport lane = transport.get();
        if (lane == null) {
            return;
        }
        final byte[] payload = SampleCodec.encode(own);
        for (final Member member : members) {
            if (member.status().isUp() && !member.id().equals(selfId)) {
                if (lane.sendControl(member.id(), SampleCodec.CHANNEL, payload)) {
                    samplesSent++;
                } else {
                    samplesNotSent++;
                }
            }
        }
    }

    private JsonObject tickJson(final long nowMillis, final Cluster view, final List<Member> members,
                                final List<ClusterActorInfo> actors) {
        final JsonObject json = new JsonObject();
        json.addProperty("self", selfId);
        json.addProperty("at", nowMillis);
        json.addProperty("majority", view == null || view.inMajority());
        json.addProperty("majorityDetail", view == null ? "the gossip bundle is not running: this node alone"
            : view.majorityDetail());
        json.add("members", membersJson(members));
        final JsonObject latest = new JsonObject();
        history.byNode().forEach((node, samples) -> {
            if (samples.latest() != null) {
                latest.add(node, sampleJson(samples.latest()));
            }
        });
        json.add("latest", latest);
        json.add("groups", groupsJson(view));
        json.add("clusterActors", clusterActorsJson(actors));
        json.addProperty("clusterActorCount", actors.size());
        json.add("deadLetters", deadLettersJson());
        final JsonObject counters = new JsonObject();
        counters.addProperty("samplesIn", samplesIn);
        counters.addProperty("samplesMalformed", samplesMalformed);
        counters.addProperty("samplesSent", samplesSent);
        counters.addProperty("samplesNotSent", samplesNotSent);
        counters.addProperty("nodesEvicted", history.evicted());
        counters.addProperty("metricSourceFailures", sampler.sourceFailures());
        json.add("counters", counters);
        return json;
    }

    private JsonArray membersJson(final List<Member> members) {
        final JsonArray array = new JsonArray();
        int n = 0;
        for (final Member member : members) {
            if (n++ == MAX_NODES) {
                break;
            }
            final JsonObject json = new JsonObject();
            json.addProperty("id", member.id());
            json.addProperty("status", member.status().name().toLowerCase(Locale.ROOT));
            json.addProperty("since", member.sinceMillis());
            json.addProperty("incarnation", member.incarnation());
            json.addProperty("score", round(member.load().score()));
            json.addProperty("cpu", round(member.load().cpu()));
            json.addProperty("busy", round(member.load().busy()));
            json.addProperty("backlog", member.load().backlog());
            json.addProperty("named", member.actorCount());
            array.add(json);
        }
        return array;
    }

    /** Named actors per node and group, from the directory: {@code {"node1": {"worker": 2, "": 1}}}. */
    private static JsonObject groupsJson(final Cluster view) {
        final Map<String, Map<String, Integer>> byNode = new TreeMap<>();
        if (view != null) {
            for (final DirectoryEntry entry : view.directory()) {
                if (byNode.size() >= MAX_NODES && !byNode.containsKey(entry.node())) {
                    continue;
                }
                final Map<String, Integer> groups = byNode.computeIfAbsent(entry.node(), node -> new TreeMap<>());
                // Groups are few (declared in config); a directory full of distinct ones is cut at 32 per node.
                final String group = entry.group() == null ? "" : entry.group();
                if (groups.size() < 32 || groups.containsKey(group)) {
                    groups.merge(group, 1, Integer::sum);
                }
            }
        }
        final JsonObject json = new JsonObject();
        byNode.forEach((node, groups) -> {
            final JsonObject counts = new JsonObject();
            groups.forEach(counts::addProperty);
            json.add(node, counts);
        });
        return json;
    }

    private static JsonArray clusterActorsJson(final List<ClusterActorInfo> actors) {
        final JsonArray array = new JsonArray();
        for (final ClusterActorInfo actor : actors) {
            if (array.size() == MAX_CLUSTER_ACTORS) {
                break;
            }
            final JsonObject json = new JsonObject();
            json.addProperty("name", actor.name());
            json.addProperty("behavior", actor.behavior());
            json.addProperty("owner", actor.owner());
            json.addProperty("epoch", actor.epoch());
            json.addProperty("state", actor.state());
            json.addProperty("replica", actor.replica());
            json.addProperty("lastChange", actor.lastChange());
            json.addProperty("changedAt", actor.lastChangeAtMillis());
            json.addProperty("tookMs", actor.lastChangeTookMillis());
            array.add(json);
        }
        return array;
    }

    /** The last dead letters of every node, merged, newest first. */
    private JsonArray deadLettersJson() {
        final List<JsonObject> all = new ArrayList<>();
        history.byNode().forEach((node, samples) -> {
            final NodeSample latest = samples.latest();
            if (latest == null) {
                return;
            }
            for (final NodeSample.DeadLetterLine line : latest.deadLetters()) {
                final JsonObject json = new JsonObject();
                json.addProperty("node", node);
                json.addProperty("at", line.atMillis());
                json.addProperty("to", line.to());
                json.addProperty("reason", line.reason());
                json.addProperty("detail", line.detail());
                all.add(json);
            }
        });
        all.sort(Comparator.comparingLong((JsonObject json) -> json.get("at").getAsLong()).reversed());
        final JsonArray array = new JsonArray();
        all.stream().limit(MAX_DEAD_LETTERS).forEach(array::add);
        return array;
    }

    static JsonObject sampleJson(final NodeSample sample) {
        final JsonObject json = new JsonObject();
        json.addProperty("at", sample.atMillis());
        json.addProperty("rate", round(sample.ratePerSec()));
        json.addProperty("p50", round(sample.p50Ms()));
        json.addProperty("p99", round(sample.p99Ms()));
        json.addProperty("heap", sample.heapUsedBytes());
        json.addProperty("heapMax", sample.heapMaxBytes());
        json.addProperty("cpu", round(sample.cpu()));
        json.addProperty("backlog", sample.backlog());
        json.addProperty("actors", sample.actors());
        json.addProperty("deadLetters", sample.deadLetterCount());
        return json;
    }

    private static double round(final double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
