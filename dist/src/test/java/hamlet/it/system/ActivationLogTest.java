package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The judge of the failover tests' log check, on lines as the registry and placement write them. */
class ActivationLogTest {
    private static final String NODE1 = String.join("\n",
        "2026-11-29 01:40:32.592 [d-1] INFO ClusterRole - [node1] cluster actor ledger activated, epoch 1 (first): "
            + "started empty: no state held here",
        "2026-11-29 01:40:37.100 [g] WARN ClusterActors - [node1] cluster actor ledger (epoch 1) fenced: fenced: "
            + "this node holds no lease",
        "2026-11-29 01:40:40.000 [g] INFO GossipAgent - [node1] placement: resume of ledger under epoch 3: lease "
            + "regained; nobody took it over",
        "2026-11-29 01:40:41.000 [d-1] INFO ClusterActors - [node1] cluster actor ledger handed over to node2 "
            + "(epoch 3 -> 4): state of 119 bytes, 0 waiting messages");
    private static final String NODE2 = String.join("\n",
        "hamlet: node starting (no timestamp)",
        "2026-11-29 01:40:38.000 [d-1] INFO ClusterRole - [node2] cluster actor ledger activated, epoch 2 (takeover):"
            + " restored from the newest copy",
        "2026-11-29 01:40:39.000 [o] WARN ClusterActors - [node2] cluster actor ledger (epoch 2) fenced: superseded",
        "2026-11-29 01:40:41.000 [d-1] INFO ClusterRole - [node2] cluster actor ledger activated, epoch 4 (handover):"
            + " restored from the newest copy");

    @Test
    void shouldReadEachActivationFromItsStartLineToItsStopLine() {
        final List<ActivationLog.Interval> node1 = ActivationLog.parse(NODE1, ActivationLog.RUNNING);

        assertEquals(2, node1.size(), node1.toString());
        assertEquals(1, node1.get(0).epoch());
        assertEquals(ActivationLog.millis("2026-11-29 01:40:37.100"), node1.get(0).stopMillis());
        assertEquals("resume", node1.get(1).cause(), "a resume starts at placement's decision");
        assertEquals(ActivationLog.millis("2026-11-29 01:40:41.000"), node1.get(1).stopMillis());
    }

    @Test
    void shouldFindNoOverlapInATakeoverAfterAFenceAndAHandoverInTheSameMillisecond() {
        final List<ActivationLog.Interval> all = new ArrayList<>(ActivationLog.parse(NODE1, ActivationLog.RUNNING));
        all.addAll(ActivationLog.parse(NODE2, ActivationLog.RUNNING));

        assertEquals(List.of(), ActivationLog.overlaps(all));
        assertEquals(List.of(), ActivationLog.epochsNotRising(all));
        assertEquals(java.util.Map.of("ledger", List.of(0L)), ActivationLog.handoverPauses(all),
            "node1 handed it over at 41.000, node2 started it at 41.000");
        assertEquals(ActivationLog.RUNNING, all.stream().filter(i -> i.epoch() == 4).findFirst().orElseThrow()
            .stopMillis(), "still running");
    }

    @Test
    void shouldFindTwoActivationsAtOnceWhenAFenceIsLoggedAfterTheTakeover() {
        final String late = NODE1.replace("01:40:37.100", "01:40:38.500");
        final List<ActivationLog.Interval> all = new ArrayList<>(ActivationLog.parse(late, ActivationLog.RUNNING));
        all.addAll(ActivationLog.parse(NODE2, ActivationLog.RUNNING));

        final List<String> overlaps = ActivationLog.overlaps(all);

        assertEquals(1, overlaps.size(), overlaps.toString());
        assertTrue(overlaps.get(0).contains("node1 epoch 1") && overlaps.get(0).contains("node2 epoch 2"));
    }

    @Test
    void shouldEndAKilledProcesssActivationWhenItEndedAndCutAStalledOneAtItsStop() {
        final String killed = NODE1.lines().limit(1).findFirst().orElseThrow();
        final long end = ActivationLog.millis("2026-11-29 01:40:37.000");
        assertEquals(end, ActivationLog.parse(killed, end).get(0).stopMillis());

        final List<ActivationLog.Interval> stalled = ActivationLog.stalled(ActivationLog.parse(NODE1,
            ActivationLog.RUNNING), "node1", ActivationLog.millis("2026-11-29 01:40:36.000"),
            ActivationLog.millis("2026-11-29 01:40:37.000"));
        assertEquals(ActivationLog.millis("2026-11-29 01:40:36.000"), stalled.get(0).stopMillis(),
            "fenced only after SIGCONT: cut at SIGSTOP");
    }
}
