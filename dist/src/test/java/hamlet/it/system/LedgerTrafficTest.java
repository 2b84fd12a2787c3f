package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

/** The checks of the failover tests' traffic, on made-up replies of the ledger. */
class LedgerTrafficTest {
    @Test
    void shouldPassAStreamWithAnUnansweredAskThatWasNeverDelivered() {
        final LedgerTraffic.Report r = LedgerTraffic.check("ledger", List.of(answered(1, 10, 1, 0),
            unanswered(2, 20), answered(3, 30, 2, 1)));

        assertTrue(r.clean(), r.toString());
        assertEquals(1, r.unanswered().size());
    }

    @Test
    void shouldSeeAnAnsweredMessageMissingFromTheStateAfterwards() {
        final LedgerTraffic.Report r = LedgerTraffic.check("ledger", List.of(answered(1, 10, 1, 0),
            answered(2, 20, 2, 1), answered(3, 30, 2, 1)));

        assertEquals(1, r.lost().size(), "#3 says the last seen was #1 though #2 had been answered: " + r);
        assertEquals(1, r.wentBack().size(), "its count 2 is not above #2's 2: " + r);
    }

    @Test
    void shouldSeeAMessageSeenTwice() {
        final LedgerTraffic.Report r = LedgerTraffic.check("ledger", List.of(answered(1, 10, 1, 0),
            answered(2, 20, 3, 2)));

        assertEquals(1, r.duplicates().size(), r.toString());
    }

    @Test
    void shouldAcceptALateUnansweredMessageInTheFinalStateButNotAMissingAnsweredOneNorADuplicate() {
        final List<LedgerTraffic.Ask> asks = List.of(answered(1, 10, 1, 0), unanswered(2, 20),
            answered(3, 30, 2, 1), answered(4, 40, 4, 3));

        assertEquals(List.of(), LedgerTraffic.checkState("ledger", state(0, 4, "{}"), asks),
            "#2 timed out and came after #3: late, nothing lost");
        assertEquals(List.of(), LedgerTraffic.checkState("ledger", state(0, 4, "{\"s-1\":[2]}"), asks),
            "#2 timed out and never came");
        assertEquals(1, LedgerTraffic.checkState("ledger", state(0, 4, "{\"s-1\":[3]}"), asks).size(),
            "#3 was answered, so it cannot be missing");
        assertEquals(1, LedgerTraffic.checkState("ledger", state(0, 3, "{}"), asks).size(),
            "#4 was answered, so the ledger must hold it");
        assertEquals(1, LedgerTraffic.checkState("ledger", state(1, 4, "{}"), asks).size(), "a duplicate");
    }

    private static JsonObject state(final long duplicates, final long highest, final String missing) {
        return JsonParser.parseString("{\"count\":4,\"duplicates\":" + duplicates + ",\"senders\":{\"s-1\":"
            + highest + "},\"missing\":" + missing + "}").getAsJsonObject();
    }

    private static LedgerTraffic.Ask answered(final long seq, final long at, final long count, final long prev) {
        return new LedgerTraffic.Ask("s-1", "ledger", seq, at, at + 5, 200, count, prev, "node1", prev >= seq, "");
    }

    private static LedgerTraffic.Ask unanswered(final long seq, final long at) {
        return new LedgerTraffic.Ask("s-1", "ledger", seq, at, at + 5, 504, -1, -1, null, false, "timeout");
    }
}
