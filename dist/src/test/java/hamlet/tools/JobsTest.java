package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class JobsTest {
    @Test
    void shouldMixFibAndWordJobsWithinTheWorkersLimits() {
        final List<Jobs.Job> jobs = Jobs.make(40);

        assertEquals(40, jobs.size());
        assertEquals(20, jobs.stream().filter(j -> "fib".equals(j.body().get("task"))).count());
        assertEquals(20, jobs.stream().filter(j -> "words".equals(j.body().get("task"))).count());
        for (final Jobs.Job job : jobs) {
            assertEquals(job.id(), job.body().get("id"), "the id travels in the body so replies can be matched");
            if ("fib".equals(job.body().get("task"))) {
                final int n = (Integer) job.body().get("n");
                assertTrue(n >= 0 && n <= 90, "fib n must be within the worker's 0..90, got " + n);
            }
        }
    }

    @Test
    void shouldShortenLongLinesForTheirLabels() {
        assertEquals("Brevity", Jobs.shorten("Brevity", 24));
        assertEquals("To be, or...", Jobs.shorten("To be, or not to be", 12));
    }
}
