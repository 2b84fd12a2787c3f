package hamlet.example.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceCheckTest {
    private final SequenceCheck check = new SequenceCheck();

    @Test
    void shouldFindNothingWrongWhenNumbersComeOneByOneInOrder() {
        for (long seq = 1; seq <= 1000; seq++) {
            assertTrue(check.accept(seq));
        }

        assertEquals(1000, check.received());
        assertEquals(0, check.duplicates() + check.gaps() + check.outOfOrder());
        assertEquals(1, check.first());
        assertEquals(1000, check.last());
    }

    @Test
    void shouldCountADuplicateWhenANumberComesTwice() {
        check.accept(1);
        check.accept(2);

        assertFalse(check.accept(2));

        assertEquals(3, check.received());
        assertEquals(1, check.duplicates());
        assertEquals(0, check.outOfOrder());
    }

    @Test
    void shouldCountGapsBetweenTheLowestAndHighestWhenNumbersAreMissing() {
        check.accept(5);
        check.accept(6);
        check.accept(9);

        assertEquals(2, check.gaps(), "7 and 8");
        assertEquals(5, check.first(), "a run that starts late (a restarted receiver) is no gap");
    }

    @Test
    void shouldCountOutOfOrderAndCloseTheGapWhenALateNumberArrives() {
        check.accept(1);
        check.accept(3);
        check.accept(2);

        assertEquals(1, check.outOfOrder());
        assertEquals(0, check.gaps());
        assertEquals(0, check.duplicates());
    }

    @Test
    void shouldEncodeAndDecodeTheSequenceAndTimestampOfALoadBody() {
        final byte[] body = LoadBody.encode(42, 123_456_789L, 64);

        assertEquals(64, body.length);
        assertEquals(42, LoadBody.seq(body));
        assertEquals(123_456_789L, LoadBody.sentNanos(body));
        assertEquals(16, LoadBody.encode(1, 1, 3).length, "never shorter than sequence and timestamp");
    }
}
