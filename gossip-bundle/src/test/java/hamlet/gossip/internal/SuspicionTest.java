package hamlet.gossip.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuspicionTest {
    @Test
    void shouldStartAtTheLeastWhenNoConfirmationIsExpected() {
        assertEquals(1_600, new Suspicion("a", 0, 600, 3_600, 1_000).deadlineMs());
    }

    @Test
    void shouldStartLongAndShrinkWithIndependentConfirmations() {
        final Suspicion s = new Suspicion("a", 3, 600, 3_600, 0);
        assertEquals(3_600, s.deadlineMs(), "nobody else suspects it yet: the longest");
        assertFalse(s.confirm("a"), "the first accuser does not confirm itself");
        assertTrue(s.confirm("b"));
        assertFalse(s.confirm("b"), "counted once");
        final long afterOne = s.deadlineMs();
        assertTrue(afterOne < 3_600 && afterOne > 600, "shrinks: " + afterOne);
        assertTrue(s.confirm("c"));
        assertTrue(s.confirm("d"));
        assertEquals(600, s.deadlineMs(), "k confirmations: the least");
        assertFalse(s.confirm("e"), "beyond k nothing changes, nothing to pass on");
        assertEquals(3, s.confirmations());
    }
}
