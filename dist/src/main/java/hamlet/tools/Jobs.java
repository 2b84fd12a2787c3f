package hamlet.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo's job run: a fixed, mixed list of fib and word-count jobs, the same on every run. */
public final class Jobs {
    private static final String[] LINES = {
        "To be, or not to be, that is the question",
        "Something is rotten in the state of Denmark",
        "There are more things in heaven and earth, Horatio, than are dreamt of in your philosophy",
        "Brevity is the soul of wit",
        "The rest is silence",
        "Though this be madness, yet there is method in it",
        "Neither a borrower nor a lender be",
    };

    /** One job: its id (also sent in the body, and echoed back by the worker), body, and a short label. */
    public record Job(int id, Map<String, Object> body, String label) {
    }

    private Jobs() {
    }

    /** {@code count} jobs, alternating fib (n from 10 to 90) and words (a line of Hamlet). */
    public static List<Job> make(final int count) {
        final List<Job> jobs = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            final Map<String, Object> body = new LinkedHashMap<>();
            final String label;
            if (i % 2 == 1) {
                final int n = 10 + (i * 37) % 81;
                body.put("task", "fib");
                body.put("n", n);
                label = "fib(" + n + ")";
            } else {
                final String line = LINES[(i / 2) % LINES.length];
                body.put("task", "words");
                body.put("text", line);
                label = "words \"" + shorten(line, 24) + "\"";
            }
            body.put("id", i);
            jobs.add(new Job(i, body, label));
        }
        return jobs;
    }

    static String shorten(final String text, final int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
