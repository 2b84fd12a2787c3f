package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class BenchProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nowNs = new AtomicLong();

    @Test
    void shouldPrintALineAtEachNewPhaseAndThenEveryFewSecondsWhenNotOnATerminal() {
        final BenchProgress progress = new BenchProgress(out, false, nowNs::get);

        progress.show("warm-up", 1, 5, "1,000 msgs/s now");
        for (int s = 1; s <= 12; s++) {
            nowNs.addAndGet(TimeUnit.SECONDS.toNanos(1));
            progress.show("measuring", s, 12, BenchProgress.rate(1_702_334.4) + " so far");
        }

        assertEquals("""
            bench: warm-up 1/5 s, 1,000 msgs/s now
            bench: measuring 1/12 s, 1,702,334 msgs/s so far
            bench: measuring 6/12 s, 1,702,334 msgs/s so far
            bench: measuring 11/12 s, 1,702,334 msgs/s so far
            """, printed());
    }

    @Test
    void shouldPrintAPhaseAgainAfterTheLineEndedWhenNotOnATerminal() {
        final BenchProgress progress = new BenchProgress(out, false, nowNs::get);

        progress.show("starting nodes", 0, 0, "waiting for node1: its 4 recorders and senders");
        progress.end();
        progress.show("starting nodes", 0, 0, "waiting for node1: its 4 recorders and senders");

        assertEquals("""
            bench: starting nodes 0 s, waiting for node1: its 4 recorders and senders
            bench: starting nodes 0 s, waiting for node1: its 4 recorders and senders
            """, printed());
    }

    @Test
    void shouldRewriteOneLineInPlaceAndBlankItAtTheEndOnATerminal() {
        final BenchProgress progress = new BenchProgress(out, true, nowNs::get);

        progress.show("measuring", 1, 20, "12,345 msgs/s so far");
        progress.show("measuring", 2, 20, "");
        progress.end();

        final String first = "bench: measuring 1/20 s, 12,345 msgs/s so far";
        final String second = "bench: measuring 2/20 s";
        assertEquals("\r" + first + "\r" + second + " ".repeat(first.length() - second.length())
            + "\r" + " ".repeat(second.length()) + "\r", printed(), "no newline: stdout's results follow cleanly");
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
