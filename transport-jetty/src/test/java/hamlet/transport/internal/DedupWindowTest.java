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
    void shouldDropDuplicateEnvelopeFromSameIncarnation() {
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
        final int size = 256;
        final DedupWindow w = new DedupWindow(size);
        final BitSet seen = new BitSet();
        final Random random = new Random(7);
        long top = 0;
        for (int i = 0; i < 200_000; i++) {
            final long seq = Math.max(1, top + random.nextInt(70) - 60);
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
    void shouldMatchAnExactSetOnJumpsAcrossWordsAndTheRingWrap() {
        final int size = 192;
        final DedupWindow w = new DedupWindow(size);
        final BitSet seen = new BitSet();
        final Random random = new Random(11);
        long top = 0;
        for (int i = 0; i < 200_000; i++) {
            final long seq = Math.max(1, top + random.nextInt(400) - 250);
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
