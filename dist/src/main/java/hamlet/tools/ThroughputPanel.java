package hamlet.tools;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.util.List;

/**
 * The bench chart's upper plot: msgs/s for every second of the measured phase, a line over a light fill, with the
 * pass's result (first to last message over the whole phase) as a dashed line, so that a dip or a slow start shows
 * against the figure that was printed.
 */
final class ThroughputPanel {
    static final Color LINE = new Color(0x1f, 0x77, 0xb4);
    private static final Color FILL = new Color(0x1f, 0x77, 0xb4, 0x40);
    private static final Color RESULT = new Color(0xd6, 0x27, 0x28);
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
        new float[] {6f, 4f}, 0f);
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    private static final Color AXIS = new Color(0x55, 0x55, 0x55);

    private final double yTop;
    private final double yStep;
    private final double xTop;
    private final double xStep;

    private ThroughputPanel(final double yTop, final double yStep, final double xTop, final double xStep) {
        this.yTop = yTop;
        this.yStep = yStep;
        this.xTop = xTop;
        this.xStep = xStep;
    }

    /** @return a panel whose axes hold every pass: the same scales in every column */
    static ThroughputPanel scaledFor(final List<BenchChart.Pass> passes) {
        double maxRate = 1;
        double seconds = 1;
        for (final BenchChart.Pass p : passes) {
            maxRate = Math.max(maxRate, p.messagesPerSecond());
            for (final double v : p.perSecond()) {
                maxRate = Math.max(maxRate, v);
            }
            seconds = Math.max(seconds, (double) p.perSecond().length * p.bucketSeconds());
        }
        final double yStep = ChartScale.step(maxRate * 1.05, 5);
        final double xStep = ChartScale.step(seconds, 10);
        return new ThroughputPanel(ChartScale.top(maxRate * 1.05, yStep), yStep, ChartScale.top(seconds, xStep),
            xStep);
    }

    void draw(final Graphics2D g, final Rectangle plot, final BenchChart.Pass pass) {
        axes(g, plot);
        final double[] points = pass.perSecond();
        if (points.length == 0) {
            g.setColor(BenchChart.TEXT);
            BenchChart.centred(g, "no per-second readings", (int) plot.getCenterX(), (int) plot.getCenterY());
            return;
        }
        // Each point is the mean of its bucket of seconds, drawn at the bucket's middle.
        final Path2D.Double line = new Path2D.Double();
        line.moveTo(x(plot, 0.5 * pass.bucketSeconds()), y(plot, points[0]));
        for (int i = 1; i < points.length; i++) {
            line.lineTo(x(plot, (i + 0.5) * pass.bucketSeconds()), y(plot, points[i]));
        }
        final Path2D.Double area = new Path2D.Double(line);
        area.lineTo(x(plot, (points.length - 0.5) * pass.bucketSeconds()), plot.getMaxY());
        area.lineTo(x(plot, 0.5 * pass.bucketSeconds()), plot.getMaxY());
        area.closePath();
        g.setColor(FILL);
        g.fill(area);
        g.setColor(LINE);
        g.setStroke(new BasicStroke(2f));
        g.draw(line);
        final double resultY = y(plot, pass.messagesPerSecond());
        g.setColor(RESULT);
        g.setStroke(DASHED);
        g.draw(new Line2D.Double(plot.getMinX(), resultY, plot.getMaxX(), resultY));
        legend(g, plot, pass.messagesPerSecond());
    }

    /** Above the plot, right-aligned, so that no label hides a second of the run: what the dashed line is. */
    private static void legend(final Graphics2D g, final Rectangle plot, final long result) {
        g.setFont(new Font(BenchChart.FONT, Font.PLAIN, 12));
        final String text = "result over the whole phase, " + BenchProgress.rate(result);
        final int textLeft = plot.x + plot.width - g.getFontMetrics().stringWidth(text);
        final int baseline = plot.y - 10;
        g.setColor(BenchChart.TEXT);
        g.drawString(text, textLeft, baseline);
        g.setColor(RESULT);
        g.setStroke(DASHED);
        g.draw(new Line2D.Double(textLeft - 30, baseline - 4, textLeft - 6, baseline - 4));
        g.setStroke(new BasicStroke(1f));
    }

    private void axes(final Graphics2D g, final Rectangle plot) {
        g.setFont(new Font(BenchChart.FONT, Font.PLAIN, 12));
        for (final double v : ChartScale.ticks(yTop, yStep)) {
            final int y = (int) Math.round(y(plot, v));
            g.setColor(GRID);
            g.drawLine(plot.x, y, plot.x + plot.width, y);
            g.setColor(BenchChart.TEXT);
            BenchChart.rightAligned(g, ChartScale.count(v), plot.x - 6, y + 4);
        }
        for (final double t : ChartScale.ticks(xTop, xStep)) {
            final int x = (int) Math.round(x(plot, t));
            g.setColor(AXIS);
            g.drawLine(x, plot.y + plot.height, x, plot.y + plot.height + 4);
            g.setColor(BenchChart.TEXT);
            BenchChart.centred(g, ChartScale.count(t), x, plot.y + plot.height + 18);
        }
        g.setColor(AXIS);
        g.drawLine(plot.x, plot.y, plot.x, plot.y + plot.height);
        g.drawLine(plot.x, plot.y + plot.height, plot.x + plot.width, plot.y + plot.height);
        g.setColor(BenchChart.TEXT);
        g.setFont(new Font(BenchChart.FONT, Font.BOLD, 13));
        BenchChart.centred(g, "seconds into the measured phase", (int) plot.getCenterX(), plot.y + plot.height + 38);
        BenchChart.vertical(g, "throughput, msgs/s", plot.x - 58, (int) plot.getCenterY());
    }

    private double x(final Rectangle plot, final double seconds) {
        return plot.x + seconds / xTop * plot.width;
    }

    private double y(final Rectangle plot, final double rate) {
        return plot.y + plot.height - Math.min(rate, yTop) / yTop * plot.height;
    }
}
