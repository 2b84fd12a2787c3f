package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of a receiving node while numbered messages flow to it, then a restart on the same port: the
 * delivery guarantee across a new incarnation, as the README states it.
 *
 * <ul>
 * <li>What the dead node had acknowledged but its actor had not yet handled is lost (at most once): only what was
 *     in flight at the kill, which the sender's window bounds.</li>
 * <li>What it had not acknowledged, and everything sent while it was away, waits in the sender node's outbox and is
 *     delivered to the new incarnation (at least once across the restart: the old one may have handled some of
 *     it), or, when it arrives before the new incarnation has spawned the actor, comes back to the sender as an
 *     UNKNOWN_ACTOR dead letter. Nothing else is lost.</li>
 * <li>The new incarnation sees no duplicate, no gap and no reordering.</li>
 * </ul>
 */
class ReceiverKillIT {
    private static final int COUNT = 100_000;
    private static final int RATE = 10_000;
    private static final int WINDOW = 3000;
    private static final String PAIR = "node1:sender-1";

    private LoadCluster cluster;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = new NodeOutputOnFailure(
        () -> cluster == null ? Map.of() : Map.of("the nodes' output", cluster.dump()));

    @AfterEach
    void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldDeliverWhatWasBufferedToTheNewIncarnationAndLoseAtMostWhatWasInFlightWhenTheReceiverIsKilled()
        throws Exception {
        Assertions.assertTrue(LoadCluster.available(), "the distribution has no transport or no load bundle: "
            + "the build that made it is broken");
        cluster = LoadCluster.start(2, "    sender { behavior = sender, instances = 1 }\n"
            + "    recorder { behavior = recorder, instances = 1, config { ackEvery = 500 } }");
        cluster.awaitAsk(1, "node2:recorder-1", "{\"task\":\"stats\"}");
        cluster.ask200(1, "sender-1", "{\"task\":\"send\",\"to\":\"node2:recorder-1\",\"count\":" + COUNT
            + ",\"rate\":" + RATE + ",\"window\":" + WINDOW + "}");

        final JsonObject before = cluster.awaitStats(2, "recorder-1", "20,000 messages at node2 before the kill",
            s -> s.get("received").getAsLong() >= 20_000);
        final long oldLast = pair(before).get("last").getAsLong();
        cluster.kill(2);
        final long sentAtKill = cluster.ask200(1, "sender-1", "{\"task\":\"stats\"}").get("sent").getAsLong();
        assertTrue(sentAtKill < COUNT, "traffic still flowed at the kill: " + sentAtKill);

        // The sender runs into its window, as no acknowledgement comes: what it sent meanwhile waits in the outbox.
        final JsonObject[] stalled = new JsonObject[1];
        cluster.node(1).await("the sender stalled on its window while node2 is away", () -> {
            try {
                stalled[0] = cluster.ask200(1, "sender-1", "{\"task\":\"stats\"}");
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return stalled[0].get("sent").getAsLong() - stalled[0].get("acked").getAsLong() >= WINDOW;
        }, () -> LoadCluster.withoutHistograms(stalled[0]));
        final long bufferedUpTo = stalled[0].get("sent").getAsLong();

        cluster.restart(2);
        final JsonObject after = cluster.awaitStats(2, "recorder-1", "the run finished at node2's new incarnation",
            s -> s.has("senders") && s.getAsJsonObject("senders").has(PAIR)
                && pair(s).get("last").getAsLong() >= COUNT);
        final JsonObject sender = cluster.ask200(1, "sender-1", "{\"task\":\"stats\"}");
        final String seen = "before the kill: " + LoadCluster.withoutHistograms(before) + "\nsent at the kill: "
            + sentAtKill + ", buffered up to " + bufferedUpTo + "\nafter: " + LoadCluster.withoutHistograms(after)
            + "\nsender: " + LoadCluster.withoutHistograms(sender);

        final JsonObject run = pair(after);
        assertEquals(0, run.get("duplicates").getAsLong(), seen);
        assertEquals(0, run.get("gaps").getAsLong(), seen);
        assertEquals(0, run.get("outOfOrder").getAsLong(), seen);
        assertEquals(COUNT, run.get("last").getAsLong(), seen);

        // Before the new incarnation's first: handled by the old one, come back as dead letters, or lost in flight.
        final long first = run.get("first").getAsLong();
        final long deadLetterMax = sender.get("deadLetterMax").getAsLong();
        final long deadLetters = count(sender, "UNKNOWN_ACTOR");
        final long otherDeadLetters = total(sender) - deadLetters;
        assertEquals(0, otherDeadLetters, "no message given up by the transport or refused by a full mailbox: "
            + seen);
        if (deadLetters == 0) {
            assertTrue(first <= sentAtKill + 1, "everything sent after the kill reached the new incarnation: "
                + seen);
        } else {
            assertTrue(first == deadLetterMax + 1, "what reached the new incarnation before its recorder was"
                + " spawned came back as dead letters, and the rest arrived: " + seen);
        }
        final long lostOrHandledByTheOld = first - 1 - oldLast - deadLetters;
        assertTrue(lostOrHandledByTheOld <= WINDOW, "lost at most what was in flight at the kill: " + seen);
        // Everything sent after the kill is accounted for: received by the new incarnation, or a dead letter with
        // its reason (it reached the new incarnation before the recorder declared in its config was spawned; under
        // load that window can reach past what was buffered, so the old check that all buffered messages arrive
        // assumed a timing the test does not drive).
        final long accountedFrom = deadLetters == 0 ? first : Math.min(first, sender.get("deadLetterMin")
            .getAsLong());
        assertTrue(accountedFrom <= sentAtKill + 1, "nothing sent after the kill went missing: " + seen);

        final List<String> uids = uidsOfNode2(cluster.node(1).stderr());
        assertTrue(uids.size() >= 2, "node1 linked to node2 twice: " + uids);
        assertNotEquals(uids.get(0), uids.get(uids.size() - 1), "the restarted node2 has a new uid");
        System.out.println("kill -9 of the receiver: " + seen.replace('\n', ' '));
    }

    private static JsonObject pair(final JsonObject stats) {
        return stats.getAsJsonObject("senders").getAsJsonObject(PAIR);
    }

    private static long count(final JsonObject sender, final String reason) {
        final JsonElement n = sender.getAsJsonObject("deadLetters").get(reason);
        return n == null ? 0 : n.getAsLong();
    }

    private static long total(final JsonObject sender) {
        long sum = 0;
        for (final String reason : sender.getAsJsonObject("deadLetters").keySet()) {
            sum += count(sender, reason);
        }
        return sum;
    }

    private static List<String> uidsOfNode2(final String log) {
        final List<String> found = new ArrayList<>();
        final Matcher m = Pattern.compile("link to node2 up \\([^)]*uid ([0-9a-f]+)\\)").matcher(log);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
