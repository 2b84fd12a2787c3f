package hamlet.tools;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The bench's live status line on stderr, kept apart from the results on stdout so that {@code bench > results.txt}
 * and scripts reading stdout see exactly what they saw before. On a terminal it is one line rewritten in place with a
 * carriage return; elsewhere (a log file, CI) it is a new line when the phase changes and then every
 * {@link #LINE_INTERVAL_NS}, so a captured log shows progress without a line per tick.
 *
 * <p>Used by the bench's main thread only.
 */
final class BenchProgress {
    /** Not on a terminal: at most one line per phase this often. */
    static final long LINE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(5);

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private String lastPhase;
    private long lastLineNs;
    /** Characters of the line now on the terminal: a shorter one must blank the rest. */
    private int shownLength;

    /**
     * @param out stderr in the bench
     * @param terminal true when out is a terminal: the line is rewritten in place
     * @param nanoClock System::nanoTime in the bench; tests drive it by hand
     */
    BenchProgress(final PrintStream out, final boolean terminal, final LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /**
     * @return true when the bench's stderr is a terminal: bin/hamlet says so ({@code [ -t 2 ]}) in
     *     {@code hamlet.bench.stderr-tty}, since Java cannot ask about stderr alone; without it, whether the JVM has a
     *     console
     */
    static boolean stderrIsTerminal() {
        final String told = System.getProperty("hamlet.bench.stderr-tty");
        return told == null ? System.console() != null : Boolean.parseBoolean(told);
    }

    /**
     * Shows where the bench is.
     *
     * @param phase what it is doing, e.g. {@code measuring}
     * @param elapsedSeconds how long it has been at it
     * @param totalSeconds how long the phase lasts, or 0 when that is not known beforehand
     * @param figure the running figure (e.g. {@code 1,702,334 msgs/s so far}), or empty
     */
    void show(final String phase, final long elapsedSeconds, final long totalSeconds, final String figure) {
        final String line = line(phase, elapsedSeconds, totalSeconds, figure);
        if (terminal) {
            out.print('\r' + line + " ".repeat(Math.max(0, shownLength - line.length())));
            shownLength = line.length();
            out.flush();
            return;
        }
        final long nowNs = nanoClock.getAsLong();
        if (phase.equals(lastPhase) && nowNs - lastLineNs < LINE_INTERVAL_NS) {
            return;
        }
        lastPhase = phase;
        lastLineNs = nowNs;
        out.println(line);
        out.flush();
    }

    /**
     * Ends the status line before the bench prints to stdout: on a terminal it is blanked, so that results never
     * land in the middle of it; elsewhere nothing is needed. The next {@link #show} starts afresh.
     */
    void end() {
        if (terminal && shownLength > 0) {
            out.print('\r' + " ".repeat(shownLength) + '\r');
            out.flush();
        }
        shownLength = 0;
        lastPhase = null;
    }

    /** @return {@code bench: PHASE ELAPSED[/TOTAL] s[, FIGURE]} */
    static String line(final String phase, final long elapsedSeconds, final long totalSeconds, final String figure) {
        final StringBuilder b = new StringBuilder("bench: ").append(phase).append(' ').append(elapsedSeconds);
        if (totalSeconds > 0) {
            b.append('/').append(totalSeconds);
        }
        b.append(" s");
        if (!figure.isEmpty()) {
            b.append(", ").append(figure);
        }
        return b.toString();
    }

    /** @return e.g. {@code 1,702,334 msgs/s}: grouped the same way whatever the machine's locale */
    static String rate(final double msgsPerSecond) {
        return String.format(Locale.ROOT, "%,d msgs/s", Math.round(msgsPerSecond));
    }
}
