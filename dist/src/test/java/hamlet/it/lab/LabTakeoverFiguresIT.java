package hamlet.it.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import hamlet.it.system.ActivationLog;
import hamlet.it.system.LedgerTraffic;
import hamlet.it.system.NodeOutputOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's failover figures, not a CI test: N cable pulls in a row on the owner of the cluster ledger (three lab
 * nodes, the cluster of {@link LabFailoverIT}: {@code replicate = every-message}, {@code expected-members = 3}) under
 * a steady stream of numbered asks from the node that neither owns it nor holds its copy. Each pull: the cable out
 * until the ledger answers from another node and 20 more asks were answered, then back in, and the next pull once the
 * owner is back and the placement steady. Prints each pull, then the takeover time (pull to the first answer from the
 * new owner) p50 and max, the asks answered and not, the messages lost (answered, then missing from the ledger's
 * state), those seen twice, the double activations in the nodes' own logs, and the pause of each handover (the
 * actors going back to their first-ranked node after each pull) by those logs. Asserts nothing: it measures.
 *
 * <p>Runs only when asked, as root: {@code mvn verify -pl dist -Dit.test=LabTakeoverFiguresIT -Dhamlet.lab.pulls=20
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}; skipped otherwise, saying why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabTakeoverFiguresIT {
    static final String PULLS_PROPERTY = "hamlet.lab.pulls";
    private static final String LEDGER = "ledger";
    private static final long GENEROUS_MS = 60_000;

    private final Lab lab = new Lab();
    private final List<LabNode> nodes = new ArrayList<>();
    private int pulls;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.named(
        () -> nodes.stream().filter(n -> n.process() != null).toList(), LabNode::id, n -> n.tail(100)).withCause();

    @BeforeAll
    void upTheLab() throws IOException, InterruptedException {
        pulls = Integer.getInteger(PULLS_PROPERTY, 0);
        if (pulls <= 0) {
            say("skipped: figures only when asked (-D" + PULLS_PROPERTY + "=20)");
            Assumptions.assumeTrue(false, "-D" + PULLS_PROPERTY + " not given");
        }
        final String reason = lab.unusableReason();
        if (reason != null) {
            say("skipped: " + reason);
            Assumptions.assumeTrue(false, reason);
        }
        lab.up(3);
        final Path root = Files.createTempDirectory("hamlet-lab-figures-");
        for (int host = 1; host <= 3; host++) {
            nodes.add(new LabNode(root, host, LabFailoverIT.CONF, List.of("hamlet-example-ledger.jar"), "ledger"));
            nodes.get(host - 1).start();
        }
    }

    @AfterAll
    void downTheLab() {
        nodes.forEach(LabNode::close);
        lab.close();
    }

    @Test
    void printTakeoverFiguresOverCablePulls() throws Exception {
        final Set<String> names = new TreeSet<>(List.of(LEDGER));
        IntStream.rangeClosed(1, 6).forEach(i -> names.add("job-" + i));
        final List<Long> takeovers = new ArrayList<>();
        final List<Long> views = new ArrayList<>();
        long asked = 0;
        long answered = 0;
        long lost = 0;
        long twice = 0;
        long wentBack = 0;
        for (int pull = 1; pull <= pulls; pull++) {
            final Map<String, LabPlacement.Placed> before = LabPlacement.awaitSteady(nodes, names, 2_000,
                GENEROUS_MS, "before pull " + pull);
            final LabPlacement.Placed ledger = before.get(LEDGER);
            final LabNode owner = nodes.stream().filter(n -> n.id().equals(ledger.owner())).findFirst().orElseThrow();
            final LabNode via = nodes.stream().filter(n -> n != owner && !n.id().equals(ledger.replica()))
                .findFirst().orElseThrow();
            final LedgerTraffic traffic = LedgerTraffic.start("pull" + pull, () -> via.process(), List.of(LEDGER),
                2, 20, 3_000);
            traffic.awaitAnswers(20, GENEROUS_MS, "asks before pull " + pull);
            final long pulledAt = System.nanoTime();
            lab.cable(owner.host(), false);
            final LabFailoverIT.Takeover t;
            try {
                t = LabFailoverIT.awaitTakeover(traffic, via, pulledAt, owner.id());
                traffic.awaitAnswers(20, GENEROUS_MS, "asks after takeover " + pull);
            } finally {
                lab.cable(owner.host(), true);
            }
            LabPlacement.awaitSteady(nodes, names, 500, GENEROUS_MS, "after pull " + pull);
            traffic.close();
            final LedgerTraffic.Report r = traffic.check().get(LEDGER);
            final JsonObject state = LedgerTraffic.state(via.process(), LEDGER);
            long missing = 0;
            for (final Map.Entry<String, Long> e : traffic.highestAnswered(LEDGER).entrySet()) {
                final JsonElement seen = state.getAsJsonObject("senders").get(e.getKey());
                missing += seen == null || seen.getAsLong() < e.getValue() ? 1 : 0;
            }
            takeovers.add(t.ms());
            views.add(t.viewMs());
            asked += r.asked();
            answered += r.answered();
            lost += r.lost().size() + missing;
            twice += r.duplicates().size();
            wentBack += r.wentBack().size();
            if (System.getProperty("hamlet.lab.debug") != null) {
                via.process().dump().lines().filter(l -> l.contains("reclaim") || l.contains("moved away") || l.contains("DEBUG") || l.contains("link to")
                    || l.contains("ledger") || l.contains("dead") || l.contains("suspect")).forEach(l -> say("  " + l));
                for (final LabNode n : nodes) {
                    if (n != via) {
                        n.process().dump().lines().filter(l -> l.contains("ledger") && (l.contains("activated")
                            || l.contains("takeover"))).forEach(l -> say("  " + n.id() + ": " + l));
                    }
                }
            }
            say("pull " + pull + " of " + owner.id() + "'s cable: answered again from " + t.first().node() + " after "
                + t.ms() + " ms (" + via.id() + "'s view named it after " + t.viewMs() + " ms); " + r);
        }
        final List<ActivationLog.Interval> intervals = new ArrayList<>();
        for (final LabNode n : nodes) {
            intervals.addAll(ActivationLog.parse(n.process().dump(), ActivationLog.RUNNING));
        }
        final List<String> doubles = ActivationLog.overlaps(intervals);
        final List<Long> pauses = ActivationLog.handoverPauses(intervals).values().stream().flatMap(List::stream)
            .toList();
        final JsonObject finalState = LedgerTraffic.state(nodes.get(0).process(), LEDGER);
        say("over " + pulls + " cable pulls of the ledger's owner: takeover (pull to the first answer from the new "
            + "owner) p50 " + percentile(takeovers, 50) + " ms, max " + Collections.max(takeovers) + " ms; the "
            + "sender's view named the new owner p50 " + percentile(views, 50) + " ms, max " + Collections.max(views)
            + " ms; " + asked + " asks, " + answered + " answered, " + (asked - answered) + " without a reply; "
            + "messages lost (answered, then missing) " + lost + ", seen twice " + twice + " (the ledger's own count "
            + finalState.get("duplicates") + "), counts gone back " + wentBack + "; double activations in the logs "
            + doubles.size() + " (of " + intervals.size() + " activations); handover pause per actor (the old owner's"
            + " stop line to the new owner's start line) p50 " + (pauses.isEmpty() ? "-" : percentile(pauses, 50))
            + " ms, max " + (pauses.isEmpty() ? "-" : Collections.max(pauses)) + " ms over " + pauses.size()
            + " handovers");
        doubles.forEach(d -> say("  double activation: " + d));
        say("takeover times (ms): " + takeovers);
    }

    private static long percentile(final List<Long> values, final int p) {
        final List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void say(final String line) {
        System.out.println("LabTakeoverFiguresIT: " + line);
    }
}
