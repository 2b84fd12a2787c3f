package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JobOutcomeTest {
    private static final Jobs.Job JOB = new Jobs.Job(7, Map.of("task", "fib", "n", 42), "fib(42)");

    @Test
    void shouldNameTheWorkerAndResultWhenTheRouterReplied() {
        final JobOutcome o = JobOutcome.of(new AdminClient.Response(200,
            "{\"reply\":{\"worker\":\"worker-3\",\"task\":\"fib\",\"result\":267914296,\"done\":2,\"id\":7}}"), null);

        assertTrue(o.ok());
        assertEquals("worker-3", o.worker());
        final String line = o.line(5, 40, JOB);
        assertTrue(line.startsWith("  job  5/40  #7   fib(42)"), line);
        assertTrue(line.contains("-> worker-3  = 267914296"), line);
        assertTrue(line.endsWith("(worker-3 has done 2)"), line);
    }

    @Test
    void shouldFailWithTheErrorWhenTheWorkerRefusedTheJob() {
        final JobOutcome o = JobOutcome.of(new AdminClient.Response(200,
            "{\"reply\":{\"worker\":\"worker-1\",\"error\":\"n must be 0..90, got 91\"}}"), null);

        assertFalse(o.ok());
        assertEquals("error: n must be 0..90, got 91", o.detail());
    }

    @Test
    void shouldFailWithStatusAndBodyWhenTheAskDidNotSucceed() {
        final JobOutcome o = JobOutcome.of(new AdminClient.Response(504, "{\"error\":\"ask timed out\"}"), null);

        assertFalse(o.ok());
        assertEquals("504 {\"error\":\"ask timed out\"}", o.detail());
        assertTrue(o.line(1, 40, JOB).contains("-> FAILED"));
    }

    @Test
    void shouldFailWhenTheRequestItselfFailed() {
        final JobOutcome o = JobOutcome.of(null, new IOException("Connection refused"));

        assertFalse(o.ok());
        assertEquals("request failed: java.io.IOException: Connection refused", o.detail());
    }
}
