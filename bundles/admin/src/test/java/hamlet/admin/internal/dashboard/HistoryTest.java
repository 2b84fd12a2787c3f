package hamlet.admin.internal.dashboard;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded stores: a node's ring of samples, the nodes kept, the event log. */
class HistoryTest {
    private static NodeSample at(final String node, final long atMillis) {
        return new NodeSample(node, atMillis, atMillis, -1, -1, 0, 0, -1, 0, 0, 0, List.of());
    }

    @Test
    void nodeHistory_keepsTheLastSamplesOldestFirst() {
        final NodeHistory history = new NodeHistory(3);
        assertNull(history.latest());
        for (long t = 1; t <= 5; t++) {
            assertTrue(history.add(at("n", t)));
        }
        assertEquals(List.of(3L, 4L, 5L), history.all().stream().map(NodeSample::atMillis).toList());
        assertEquals(5, history.latest().atMillis());
    }

    @Test
    void nodeHistory_ignoresADuplicateOrLateSample() {
        final NodeHistory history = new NodeHistory(10);
        history.add(at("n", 10));
        assertFalse(history.add(at("n", 10)));
        assertFalse(history.add(at("n", 9)));
        assertEquals(1, history.size());
    }

    @Test
    void clusterHistory_replacesTheStalestNodeBeyondItsCapAndForgetsRemovedOnes() {
        final ClusterHistory history = new ClusterHistory(2, 5);
        history.add(at("a", 100));
        history.add(at("b", 50));
        history.add(at("c", 200));
        assertEquals(Set.of("a", "c"), history.byNode().keySet());
        assertEquals(1, history.evicted());
        history.retain(Set.of("c"));
        assertEquals(Set.of("c"), history.byNode().keySet());
    }

    @Test
    void eventLog_keepsTheLastEventsNumbered() {
        final EventLog log = new EventLog(3);
        for (int i = 1; i <= 5; i++) {
            log.add(i, "dead", "n" + i, "text " + i);
        }
        assertEquals(List.of(3L, 4L, 5L), log.all().stream().map(DashboardEvent::seq).toList());
        assertEquals(5, log.lastSeq());
    }
}
