package hamlet.admin.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogLimiterTest {
    private final AtomicLong nowNs = new AtomicLong(1_000);
    private final LogLimiter limiter = new LogLimiter(10_000_000_000L, nowNs::get);

    @Test
    void shouldLogTheFirstThenOnePerIntervalSayingHowManyWereLeftOut() {
        assertEquals(0, limiter.admit("WRONG"), "the first is logged");
        assertEquals(LogLimiter.SKIP, limiter.admit("WRONG"));
        nowNs.addAndGet(9_999_999_999L);
        assertEquals(LogLimiter.SKIP, limiter.admit("WRONG"));
        nowNs.addAndGet(1);
        assertEquals(2, limiter.admit("WRONG"), "ten seconds on: logged, with the two left out");
        assertEquals(LogLimiter.SKIP, limiter.admit("WRONG"));
        assertEquals(" (1 more like it since the last such line, not logged)", LogLimiter.suffix(1));
        assertEquals("", LogLimiter.suffix(0));
    }

    @Test
    void shouldGiveEachReasonItsOwnAllowance() {
        assertEquals(0, limiter.admit("WRONG"));
        assertEquals(0, limiter.admit("MISSING"), "another reason is not held back by the first");
        assertEquals(LogLimiter.SKIP, limiter.admit("MISSING"));
    }
}
