package hamlet.gossip.sim;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.MemberStatus;
import hamlet.gossip.internal.GossipSettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The figures of one cluster size, from one run in four phases: n nodes join through one seed (until every node sees
 * every other as up, then as ALIVE); a steady stretch with no faults (bytes sent); a stretch under message loss (live
 * nodes declared dead, which is wrong every time); then, with loss off again, one node crashes (how long until each
 * other node declares it dead). Phases run in that order so that the only dead node the loss phase could see is a
 * false one.
 */
final class SimFigures {
    /**
     * How to measure.
     *
     * @param seed the run's seed (each size runs from it)
     * @param settings every node's tunables
     * @param loss the message loss of the loss phase
     * @param joinLimitMs how long a join may take before it is reported as not converged
     * @param steadyMs the fault-free stretch bytes are measured over
     * @param lossMs the stretch under loss, or 0 for 60 s up to 50 nodes and about 50 node-minutes above
     * @param detectMs the most time after the crash declarations are waited for
     */
    record Options(long seed, GossipSettings settings, double loss, long joinLimitMs, long steadyMs, long lossMs,
                   long detectMs) {
    }

    /**
     * One size's figures; a time of -1 means it did not happen within its limit.
     *
     * @param n nodes
     * @param upMs from the start until every node saw every node up (JOINING or ALIVE)
     * @param aliveMs from the start until every node saw every other node ALIVE (includes stable-after)
     * @param upPeriods upMs in probe intervals
     * @param detectP50Ms median over the surviving nodes of crash to that node's DEAD for it
     * @param detectMaxMs the slowest of them
     * @param undetected surviving nodes that had not declared it dead after detectMs
     * @param falseDead DEAD declarations during the loss phase (every one of them about a live node)
     * @param suspicions SUSPECT reports during the loss phase
     * @param nodeHours node-hours of the loss phase
     * @param bytesPerNodeSecond bytes sent per node per second in the steady phase
     * @param wallMs the wall-clock time the whole run took
     */
    record Row(int n, long upMs, long aliveMs, double upPeriods, long detectP50Ms, long detectMaxMs, int undetected,
               long falseDead, long suspicions, double nodeHours, double bytesPerNodeSecond, long wallMs) {
        double falseDeadPerNodeHour() {
            return falseDead / nodeHours;
        }

        double suspicionsPerNodeHour() {
            return suspicions / nodeHours;
        }
    }

    private SimFigures() {
    }

    /**
     * @return the default loss phase: 60 s up to 50 nodes (50 node-minutes), then as long as gives the same
     *     node-minutes, at least 5 s: the rate per node-hour needs node-hours, not seconds, and a large cluster
     *     costs about n squared per simulated second
     */
    static long lossMsFor(final int n) {
        return n <= 50 ? 60_000 : Math.max(5_000, 3_000_000L / n);
    }

    static Row measure(final int n, final Options options, final Consumer<String> progress) {
        final long wallStart = System.nanoTime();
        // Only what the figures read is kept: a thousand nodes' JOINED and ALIVE events would be millions.
        final Simulation sim = new Simulation(options.seed(), options.settings(),
            e -> e.type() == ClusterEvent.Type.DEAD);
        final long[] suspicions = {0};
        sim.log().listen(o -> {
            if (o.event().type() == ClusterEvent.Type.SUSPECT) {
                suspicions[0]++;
            }
        });
        sim.addNodes(n);
        sim.startAll();
        progress.accept("n=" + n + ": " + n + " nodes joining through n1");

        final long upMs = sim.runUntil(() -> sim.allSee(s -> s == MemberStatus.JOINING || s == MemberStatus.ALIVE),
            options.joinLimitMs()) ? sim.nowMs() : -1;
        final long aliveMs = upMs < 0 ? -1
            : sim.runUntil(() -> sim.allSee(s -> s == MemberStatus.ALIVE), options.joinLimitMs()) ? sim.nowMs() : -1;
        progress.accept("n=" + n + ": all up at " + upMs + " ms, all ALIVE at " + aliveMs + " ms (virtual; -1: not "
            + "within " + options.joinLimitMs() + " ms)");

        final long bytesBefore = sim.totalBytesSent();
        sim.runFor(options.steadyMs());
        final double bytesPerNodeSecond = (sim.totalBytesSent() - bytesBefore) * 1000.0 / n / options.steadyMs();
        progress.accept("n=" + n + ": " + Math.round(bytesPerNodeSecond) + " bytes/node/s over " + options.steadyMs()
            + " ms");

        final long lossStart = sim.nowMs();
        final long suspicionsBefore = suspicions[0];
        final long lossMs = options.lossMs() > 0 ? options.lossMs() : lossMsFor(n);
        sim.loss(options.loss());
        sim.runFor(lossMs);
        sim.loss(0);
        final long falseDead = sim.log().matching(o -> o.timeMs() >= lossStart).size();
        final long lossSuspicions = suspicions[0] - suspicionsBefore;
        progress.accept("n=" + n + ": " + falseDead + " false DEAD, " + lossSuspicions + " suspicions over "
            + lossMs + " ms at " + Math.round(options.loss() * 100) + "% loss");
        // Let suspicions raised under loss be refuted, so that the crash below is the only news.
        sim.runUntil(() -> sim.allSee(s -> s == MemberStatus.ALIVE), sim.nowMs() + 5_000);

        final String victim = Simulation.id(n);
        final long crashMs = sim.nowMs();
        final long[] declared = {0};
        sim.log().listen(o -> {
            if (o.is(ClusterEvent.Type.DEAD, victim)) {
                declared[0]++;
            }
        });
        sim.crash(victim);
        // Every survivor declares it dead once, so the count tells when the last has (without asking each).
        sim.runUntil(() -> declared[0] >= n - 1, crashMs + options.detectMs());
        final List<Long> detections = new ArrayList<>();
        int undetected = 0;
        for (final String observer : sim.upIds()) {
            final OptionalLong dead = sim.log().first(ClusterEvent.Type.DEAD, observer, victim, crashMs);
            if (dead.isPresent()) {
                detections.add(dead.getAsLong() - crashMs);
            } else {
                undetected++;
            }
        }
        Collections.sort(detections);
        final long p50 = detections.isEmpty() ? -1 : detections.get((detections.size() - 1) / 2);
        final long max = detections.isEmpty() ? -1 : detections.get(detections.size() - 1);
        progress.accept("n=" + n + ": crash of " + victim + " detected p50 " + p50 + " ms, max " + max + " ms, by "
            + detections.size() + " of " + (detections.size() + undetected));

        final double nodeHours = n * lossMs / 3_600_000.0;
        return new Row(n, upMs, aliveMs, upMs < 0 ? -1 : (double) upMs / options.settings().probeIntervalMs(), p50,
            max, undetected, falseDead, lossSuspicions, nodeHours, bytesPerNodeSecond,
            (System.nanoTime() - wallStart) / 1_000_000);
    }
}
