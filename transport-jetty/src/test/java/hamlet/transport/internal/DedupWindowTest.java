package hamlet.transport.internal;

import static hamlet.transport.internal.DedupWindow.Verdict.DUPLICATE;
import static hamlet.transport.internal.DedupWindow.Verdict.NEW;
import static hamlet.transport.internal.DedupWindow.Verdict.TOO_OLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Random;

class DedupWindowTest {
    @Test
    void shouldDropDuplicateEnvelopeFromSameUid() {
        final DedupWindow w = new DedupWindow(64);
        assertEquals(NEW, w.accept(1));
        assertEquals(NEW, w.accept(2));
        assertEquals(DUPLICATE, w.accept(1));
        assertEquals(DUPLICATE, w.accept(2));
        assertEquals(2, w.highest());
    }

    @Test
    void shouldAcceptAGapFilledLaterWithinTheWindow() {
        final DedupWindow w = new DedupWindow(128);
        assertEquals(NEW, w.accept(100));
        assertEquals(NEW, w.accept(40));
        assertEquals(DUPLICATE, w.accept(40));
        assertEquals(TOO_OLD, w.accept(100 - 128));
    }

    @Test
    void shouldForgetEverythingAfterAJumpLargerThanTheWindow() {
        final DedupWindow w = new DedupWindow(64);
        w.accept(1);
        assertEquals(NEW, w.accept(1000));
        assertEquals(NEW, w.accept(999));
        assertEquals(TOO_OLD, w.accept(1));
    }

    @Test
    void shouldMatchAnExactSetOnRandomResends() {
        assertMatchesAnExactSet(256, 7, 70, 60);
    }

    @Test
    void shouldMatchAnExactSetOnJumpsAcrossWordsAndTheRingWrap() {
        // 192 is a multiple of 64 but not a power of two; jumps of up to 150 cross words and the wrap.
        assertMatchesAnExactSet(192, 11, 400, 250);
    }

    /**
     * Feeds 200,000 sequences, each drawn from top - back .. top + spread - back - 1, and checks every verdict against
     * an exact set of what was seen.
     */
    private static void assertMatchesAnExactSet(final int size, final long seed, final int spread, final int back) {
        final DedupWindow w = new DedupWindow(size);
        final BitSet seen = new BitSet();
        final Random random = new Random(seed);
        long top = 0;
        for (int i = 0; i < 200_000; i++) {
            final long seq = Math.max(1, top + random.nextInt(spread) - back);
            final DedupWindow.Verdict expected = seq <= top - size ? TOO_OLD
                : seen.get((int) seq) ? DUPLICATE : NEW;
            assertEquals(expected, w.accept(seq), "seq " + seq + " with top " + top);
            if (expected == NEW) {
                seen.set((int) seq);
            }
            top = Math.max(top, seq);
        }
    }

    @Test
    void shouldRefuseASizeThatIsNotAMultipleOf64() {
        assertThrows(IllegalArgumentException.class, () -> new DedupWindow(100));
    }
}
