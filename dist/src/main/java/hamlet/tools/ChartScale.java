package hamlet.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The numbers on the bench chart's axes: round tick steps (1, 2 or 5 times a power of ten) for the linear axes,
 * decades for the latency axis, and short labels for both. Pure functions, so that the chart's readability rules are
 * tested without drawing.
 */
final class ChartScale {
    private ChartScale() {
    }

    /**
     * @param max the largest value to show, above 0
     * @param about roughly how many steps the axis should have
     * @return the smallest round step (1, 2 or 5 x 10^k) that covers max in at most about steps
     */
    static double step(final double max, final int about) {
        final double raw = max / about;
        final double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (final double m : new double[] {1, 2, 5}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** @return max rounded up to a whole number of steps: the top of a linear axis */
    static double top(final double max, final double step) {
        return Math.max(step, Math.ceil(max / step) * step);
    }

    /** @return 0, step, 2 step, ... up to top */
    static List<Double> ticks(final double top, final double step) {
        final List<Double> out = new ArrayList<>();
        for (int i = 0; i * step <= top * (1 + 1e-9); i++) {
            out.add(i * step);
        }
        return out;
    }

    /** @return the power of ten at or below value (1 for values below 1: latency is never shown under 1 µs) */
    static double decadeBelow(final double value) {
        return value < 1 ? 1 : Math.pow(10, Math.floor(Math.log10(value)));
    }

    /** @return the power of ten above value, at least 10 x {@link #decadeBelow} of it */
    static double decadeAbove(final double value) {
        final double up = value < 1 ? 10 : Math.pow(10, Math.ceil(Math.log10(value)));
        return Math.max(up, 10 * decadeBelow(value));
    }

    /** @return a count for an axis: 0, 500, 12k, 1.5M */
    static String count(final double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    /** @return microseconds as people read them: 8.5 µs, 128 µs, 1 ms, 6.6 ms, 64 ms, 1.2 s */
    static String micros(final double us) {
        if (us >= 1e6) {
            return trim(us / 1e6) + " s";
        }
        if (us >= 1e3) {
            return (us >= 1e4 ? String.format(Locale.ROOT, "%.0f", us / 1e3) : trim(us / 1e3)) + " ms";
        }
        return (us >= 10 ? String.format(Locale.ROOT, "%.0f", us) : trim(us)) + " µs";
    }

    private static String trim(final double v) {
        final String s = String.format(Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
