package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void shouldDoubleUpToTheMaximumWithJitterInTheUpperHalf() {
        final Backoff low = new Backoff(100, 1000, () -> 0.0);
        assertEquals(50, low.nextDelayNs());
        assertEquals(100, low.nextDelayNs());
        assertEquals(200, low.nextDelayNs());
        assertEquals(400, low.nextDelayNs());
        assertEquals(500, low.nextDelayNs());
        assertEquals(500, low.nextDelayNs());
        final Backoff high = new Backoff(100, 1000, () -> 0.999_999);
        assertTrue(high.nextDelayNs() >= 99);
        for (int i = 0; i < 100; i++) {
            assertTrue(high.nextDelayNs() <= 1000);
        }
    }

    @Test
    void shouldStartOverAfterReset() {
        final Backoff b = new Backoff(100, 1000, () -> 0.0);
        b.nextDelayNs();
        b.nextDelayNs();
        b.reset();
        assertEquals(50, b.nextDelayNs());
    }

    @Test
    void shouldNotOverflowWithHugeDelays() {
        final Backoff b = new Backoff(Long.MAX_VALUE / 4, Long.MAX_VALUE / 2, () -> 0.5);
        for (int i = 0; i < 100; i++) {
            assertTrue(b.nextDelayNs() > 0);
        }
    }
}
