package hamlet.tools;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.util.List;
import java.util.Locale;

/**
 * The bench chart's lower plot: p50, p90, p99, p99.9 and max as bars, one-way and round trip side by side, each
 * labelled with its value. The axis is logarithmic because a run's max is often a hundred times its p50: on a linear
 * axis the percentiles people compare would be a few pixels high.
 */
final class LatencyPanel {
    static final Color ONE_WAY = ThroughputPanel.LINE;
    static final Color ROUND_TRIP = new Color(0xff, 0x7f, 0x0e);
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    private static final Color AXIS = new Color(0x55, 0x55, 0x55);

    private final double low;
    private final double high;

    private LatencyPanel(final double low, final double high) {
        this.low = low;
        this.high = high;
    }

    /** @return a panel whose axis holds every pass's latencies: the same scale in every column */
    static LatencyPanel scaledFor(final List<BenchChart.Pass> passes) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (final BenchChart.Pass p : passes) {
            for (final BenchChart.Latency l : List.of(p.oneWay(), p.roundTrip())) {
                if (l.count() > 0) {
                    for (final double v : l.values()) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
        }
        if (max == 0) {
            return new LatencyPanel(1, 10);
        }
        return new LatencyPanel(ChartScale.decadeBelow(min), ChartScale.decadeAbove(max));
    }

    void draw(final Graphics2D g, final Rectangle plot, final BenchChart.Pass pass) {
        axes(g, plot);
        final boolean oneWay = pass.oneWay().count() > 0;
        final boolean roundTrip = pass.roundTrip().count() > 0;
        if (!oneWay && !roundTrip) {
            g.setColor(BenchChart.TEXT);
            BenchChart.centred(g, "no latency samples", (int) plot.getCenterX(), (int) plot.getCenterY());
            return;
        }
        final int groups = BenchChart.Latency.NAMES.size();
        final double groupWidth = (double) plot.width / groups;
        final int barWidth = (int) (groupWidth * 0.32);
        final int bars = (oneWay ? 1 : 0) + (roundTrip ? 1 : 0);
        g.setFont(new Font(BenchChart.FONT, Font.PLAIN, 11));
        for (int i = 0; i < groups; i++) {
            final int centre = (int) (plot.x + (i + 0.5) * groupWidth);
            int left = centre - bars * barWidth / 2;
            if (oneWay) {
                bar(g, plot, left, barWidth, pass.oneWay().values()[i], ONE_WAY);
                left += barWidth;
            }
            if (roundTrip) {
                bar(g, plot, left, barWidth, pass.roundTrip().values()[i], ROUND_TRIP);
            }
            g.setColor(BenchChart.TEXT);
            g.setFont(new Font(BenchChart.FONT, Font.BOLD, 13));
            BenchChart.centred(g, BenchChart.Latency.NAMES.get(i), centre, plot.y + plot.height + 18);
            g.setFont(new Font(BenchChart.FONT, Font.PLAIN, 11));
        }
        legend(g, plot, pass);
    }

    private void bar(final Graphics2D g, final Rectangle plot, final int left, final int width, final double us,
                     final Color color) {
        final int top = (int) Math.round(y(plot, us));
        g.setColor(color);
        g.fillRect(left + 1, top, width - 2, plot.y + plot.height - top);
        // Above the bar; inside it, in white, when the bar reaches the top of the plot and the label would not fit.
        final boolean inside = top - 4 - g.getFontMetrics().getAscent() < plot.y;
        g.setColor(inside ? Color.WHITE : BenchChart.TEXT);
        BenchChart.centred(g, ChartScale.micros(us), left + width / 2,
            inside ? top + g.getFontMetrics().getAscent() + 3 : top - 4);
    }

    /** The kinds measured, right-aligned above the plot: round trip rightmost, one-way to its left. */
    private void legend(final Graphics2D g, final Rectangle plot, final BenchChart.Pass pass) {
        g.setFont(new Font(BenchChart.FONT, Font.PLAIN, 12));
        int right = plot.x + plot.width;
        if (pass.roundTrip().count() > 0) {
            right = legendEntry(g, right, plot.y - 14, "round trip", pass.roundTrip().count(), ROUND_TRIP);
        }
        if (pass.oneWay().count() > 0) {
            legendEntry(g, right, plot.y - 14, "one-way", pass.oneWay().count(), ONE_WAY);
        }
    }

    /** @return where the next entry to the left must end */
    private static int legendEntry(final Graphics2D g, final int right, final int baseline, final String kind,
                                   final long samples, final Color color) {
        final String text = kind + ", " + String.format(Locale.ROOT, "%,d", samples) + " samples";
        final int textLeft = right - g.getFontMetrics().stringWidth(text);
        g.setColor(BenchChart.TEXT);
        g.drawString(text, textLeft, baseline);
        g.setColor(color);
        g.fillRect(textLeft - 16, baseline - 10, 11, 11);
        return textLeft - 34;
    }

    private void axes(final Graphics2D g, final Rectangle plot) {
        g.setFont(new Font(BenchChart.FONT, Font.PLAIN, 12));
        for (double decade = low; decade <= high * 1.0001; decade *= 10) {
            final int y = (int) Math.round(y(plot, decade));
            g.setColor(GRID);
            g.drawLine(plot.x, y, plot.x + plot.width, y);
            g.setColor(BenchChart.TEXT);
            BenchChart.rightAligned(g, ChartScale.micros(decade), plot.x - 6, y + 4);
        }
        g.setColor(AXIS);
        g.drawLine(plot.x, plot.y, plot.x, plot.y + plot.height);
        g.drawLine(plot.x, plot.y + plot.height, plot.x + plot.width, plot.y + plot.height);
        g.setColor(BenchChart.TEXT);
        g.setFont(new Font(BenchChart.FONT, Font.BOLD, 13));
        g.drawString("latency percentiles", plot.x, plot.y - 14);
        BenchChart.vertical(g, "latency (log scale)", plot.x - 62, (int) plot.getCenterY());
    }

    private double y(final Rectangle plot, final double us) {
        final double clamped = Math.max(low, Math.min(high, us));
        return plot.y + plot.height - Math.log10(clamped / low) / Math.log10(high / low) * plot.height;
    }
}
