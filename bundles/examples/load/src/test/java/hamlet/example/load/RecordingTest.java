package hamlet.example.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class RecordingTest {
    private final Recording<String> recording = new Recording<>(3, new TreeMap<>());

    @Test
    void shouldAskForAnAckEveryAckEveryMessagesOfEachSender() {
        assertFalse(recording.record("a", LoadBody.encode(1, 0, 16), 10));
        assertFalse(recording.record("b", LoadBody.encode(1, 0, 16), 11));
        assertFalse(recording.record("a", LoadBody.encode(2, 0, 16), 12));

        assertTrue(recording.record("a", LoadBody.encode(3, 0, 16), 13));

        assertEquals(4, recording.received());
        assertEquals(2, recording.senders().size());
    }

    @Test
    void shouldMeasureTheWindowAndLatencyFromTheResetButCheckSequencesFromTheStart() {
        recording.record("a", LoadBody.encode(1, 100, 16), 150);
        recording.record("a", LoadBody.encode(1, 100, 16), 160);

        recording.reset();
        recording.record("a", LoadBody.encode(3, 200, 16), 1200);
        recording.record("a", LoadBody.encode(4, 300, 16), 1300);

        assertEquals(2, recording.windowReceived());
        assertEquals(1200, recording.windowFirstNanos());
        assertEquals(1300, recording.windowLastNanos());
        assertEquals(2, Histograms.decode(recording.latency()).getTotalCount());
        assertEquals(1000, Histograms.decode(recording.latency()).getMaxValue(), 1);
        assertEquals(4, recording.received());
        assertEquals(1, recording.duplicates());
        assertEquals(1, recording.gaps());
    }
}
