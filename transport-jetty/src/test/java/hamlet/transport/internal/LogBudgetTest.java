package hamlet.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogBudgetTest {
    @Test
    void shouldWriteAtMostTheBudgetASecondAndSayHowManyWereLeftOut() {
        final LogBudget budget = new LogBudget(3);
        long nowNs = 5_000_000_000L;
        assertEquals(0, budget.take(nowNs));
        assertEquals(0, budget.take(nowNs));
        assertEquals(0, budget.take(nowNs + 100));
        assertEquals(-1, budget.take(nowNs + 200), "the fourth in one second is left out");
        assertEquals(-1, budget.take(nowNs + 300));
        nowNs += 1_000_000_000L;
        assertEquals(2, budget.take(nowNs), "the next line written says how many were left out");
        assertEquals(0, budget.take(nowNs));
    }
}
