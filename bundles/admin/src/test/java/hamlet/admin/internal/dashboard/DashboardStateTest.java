package hamlet.admin.internal.dashboard;

import com.google.gson.JsonObject;
import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.MemberStatus;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeCluster;
import hamlet.testkit.FakePlacement;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's state, driven by hand: no thread, no clock but the one given. */
class DashboardStateTest {
    private static final long SECOND_NS = 1_000_000_000L;

    private final FakeActorSystem system = new FakeActorSystem();
    private final FakeCluster cluster = new FakeCluster("node1");
    private final FakeTransport transport = new FakeTransport();
    private final AtomicReference<List<ClusterActorInfo>> actors = new AtomicReference<>(List.of());
    private final FakePlacement placement = new FakePlacement() {
        @Override
        public List<ClusterActorInfo> actors() {
            return actors.get();
        }
    };
    private final DashboardState state = new DashboardState("node1",
        new SelfSampler(system, List::of, ProcessStats.jvm()), () -> cluster, () -> placement, () -> transport);

    DashboardStateTest() {
        cluster.member(FakeCluster.member("node1", MemberStatus.ALIVE))
            .member(FakeCluster.member("node2", MemberStatus.ALIVE))
            .member(FakeCluster.member("node3", MemberStatus.SUSPECT))
            .member(FakeCluster.member("node4", MemberStatus.DEAD));
    }

    private static byte[] remoteSample(final double rate) {
        return SampleCodec.encode(new NodeSample("ignored", 0, rate, 1, 2, 1, 2, 0.1, 0, 5, 0, List.of()));
    }

    private static ClusterActorInfo router(final String owner, final long epoch, final String change,
                                           final long tookMs) {
        return new ClusterActorInfo("job-router", "job-router", null, false, owner, epoch, "active", null, null, 10,
            change, 1_000, tookMs, "");
    }

    @Test
    void tick_sendsItsSampleOnChannel2ToEveryMemberThatIsUpButItself() {
        state.tick(1_000, SECOND_NS);
        final List<String> to = transport.controls().stream().map(FakeTransport.Control::node).sorted().toList();
        assertEquals(List.of("node2", "node3"), to, "not to itself, not to the dead node4");
        transport.controls().forEach(control -> assertEquals(SampleCodec.CHANNEL, control.channel()));
        final NodeSample sent = SampleCodec.decode("node1", 1, transport.controls().get(0).payload());
        assertEquals(system.actors().size(), sent.actors());
    }

    @Test
    void onSample_keepsWhatAnotherNodeSentAndTheTickShowsIt() {
        assertTrue(state.onSample("node2", remoteSample(1500), 900));
        state.tick(1_000, SECOND_NS);
        final JsonObject tick = state.tickJson(1_000);
        assertEquals(1500, tick.getAsJsonObject("latest").getAsJsonObject("node2").get("rate").getAsDouble());
        assertEquals(900, tick.getAsJsonObject("latest").getAsJsonObject("node2").get("at").getAsLong(),
            "stamped with this node's clock when it arrived");
        assertEquals(4, tick.getAsJsonArray("members").size());
        assertEquals("suspect", tick.getAsJsonArray("members").get(2).getAsJsonObject().get("status").getAsString());
        assertEquals(1, tick.getAsJsonObject("counters").get("samplesIn").getAsLong());
    }

    @Test
    void onSample_countsAndDropsWhatIsNotASample() {
        assertFalse(state.onSample("node2", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), 1));
        assertEquals(1, state.tickJson(1).getAsJsonObject("counters").get("samplesMalformed").getAsLong());
        assertEquals(0, state.historySize("node2"));
    }

    @Test
    void history_isBoundedPerNodeAndForgetsNodesMembershipForgot() {
        for (int i = 1; i <= DashboardState.HISTORY_SAMPLES + 50; i++) {
            state.onSample("node2", remoteSample(i), i * 1_000L);
            state.tick(i * 1_000L, i * SECOND_NS);
        }
        assertEquals(DashboardState.HISTORY_SAMPLES, state.historySize("node2"));
        assertEquals(DashboardState.HISTORY_SAMPLES, state.historySize("node1"));
        cluster.remove("node2");
        state.tick(10_000_000, 10_000 * SECOND_NS);
        assertEquals(0, state.historySize("node2"));
    }

    @Test
    void clusterEvents_becomeEventsAndDirectoryNewsIsLeftOut() {
        state.onClusterEvent(new ClusterEvent(ClusterEvent.Type.SUSPECT, "node3", null, "missed a probe"), 1);
        state.onClusterEvent(new ClusterEvent(ClusterEvent.Type.ACTOR_ADDED, "node2", "worker-1", null), 2);
        state.onClusterEvent(new ClusterEvent(ClusterEvent.Type.DEAD, "node3", null, null), 3);
        final List<DashboardEvent> events = state.newEvents();
        assertEquals(List.of("suspect", "dead"), events.stream().map(DashboardEvent::kind).toList());
        assertEquals("node3 is suspected: missed a probe", events.get(0).text());
        assertTrue(state.newEvents().isEmpty(), "each event is published once");
        state.onClusterEvent(new ClusterEvent(ClusterEvent.Type.JOINED, "node5", null, "joined (ws://h:1/hamlet)"), 4);
        assertEquals("node5 joined (ws://h:1/hamlet)", state.newEvents().get(0).text(), "its word not said twice");
        for (int i = 0; i < DashboardState.MAX_EVENTS * 2; i++) {
            state.onClusterEvent(new ClusterEvent(ClusterEvent.Type.JOINED, "node" + i, null, null), i);
        }
        assertEquals(DashboardState.MAX_EVENTS, state.events().size());
    }

    @Test
    void placement_aTakeoverSeenFromAnyNodeIsAnEventWithItsDuration() {
        actors.set(List.of(router("node2", 3, "first", -1)));
        state.tick(1_000, SECOND_NS);
        assertTrue(state.newEvents().isEmpty(), "what was placed before is no news");
        actors.set(List.of(router("node3", 4, "takeover", 1_400)));
        state.tick(2_000, 2 * SECOND_NS);
        final List<DashboardEvent> events = state.newEvents();
        assertEquals(1, events.size());
        assertEquals("takeover", events.get(0).kind());
        assertEquals("job-router taken over by node3 from node2 in 1.4 s (epoch 4)", events.get(0).text());
        final JsonObject tick = state.tickJson(2_000);
        assertEquals("node3", tick.getAsJsonArray("clusterActors").get(0).getAsJsonObject().get("owner")
            .getAsString());
    }

    @Test
    void init_carriesEveryNodesHistoryAndTheEvents() {
        state.onSample("node2", remoteSample(10), 500);
        state.tick(1_000, SECOND_NS);
        state.onClusterEvent(new ClusterEvent(ClusterEvent.Type.DEAD, "node4", null, null), 1_100);
        final JsonObject init = state.init(1_200);
        assertEquals(DashboardState.HISTORY_SAMPLES, init.get("historySeconds").getAsInt());
        assertEquals(1, init.getAsJsonObject("history").getAsJsonArray("node2").size());
        assertEquals(1, init.getAsJsonObject("history").getAsJsonArray("node1").size());
        assertEquals(1, init.getAsJsonArray("events").size());
        assertEquals("node1", init.get("self").getAsString());
    }
}
