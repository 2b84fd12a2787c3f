package hamlet.admin.internal.dashboard;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.metrics.MetricSource;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeCluster;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The agent without its thread: bounded inboxes, and a tick that fails does not stop the next. */
class DashboardAgentTest {
    private final FakeCluster cluster = new FakeCluster("node1");
    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<MetricSource> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DashboardState state = new DashboardState("node1",
        new SelfSampler(new FakeActorSystem(), () -> sources, ProcessStats.jvm()), () -> cluster, () -> null,
        FakeTransport::new);
    private final DashboardAgent agent = new DashboardAgent("node1", state, new EventStream(1, 1024), clock::get,
        () -> clock.get() * 1_000_000);

    DashboardAgentTest() {
        cluster.member(FakeCluster.member("node2", MemberStatus.ALIVE));
    }

    @Test
    void shouldCountWhatDoesNotFitItsInboxAndTakeTheRestAtTheTick() {
        final byte[] sample = SampleCodec.encode(new NodeSample("node2", 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, List.of()));
        for (int i = 0; i < DashboardAgent.INBOX + 10; i++) {
            agent.onControl("node2", sample);
        }
        assertEquals(10, agent.inboxDropped());
        agent.tick();
        assertEquals(DashboardAgent.INBOX, state.tickJson(1).getAsJsonObject("counters").get("samplesIn").getAsLong());
        assertEquals(1, state.historySize("node2"), "the same second's samples from one node are one sample");
    }

    @Test
    void shouldGoOnTickingAfterATickFailed() {
        sources.add(out -> {
            throw new Error("a source that breaks harder than a RuntimeException");
        });
        agent.tick();
        sources.clear();
        agent.onClusterEvent(new ClusterEvent(ClusterEvent.Type.SUSPECT, "node2", null, null));
        clock.addAndGet(1_000);
        agent.tick();
        assertEquals(1, state.historySize("node1"));
        assertEquals("suspect", state.events().get(0).kind());
    }
}
