package hamlet.tools;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * The bench's results as a PNG: a title (scenario, date, Hamlet's version, the setup), then one column per pass
 * (two with {@code --tls}: plain and TLS side by side, on the same scales so that they compare at a glance), each
 * with the throughput of every second of the measured phase above the latency percentiles. Drawn with Java2D into a
 * BufferedImage, which needs no display (the bench runs headless) and no library beyond the JDK.
 */
final class BenchChart {
    static final int COLUMN_WIDTH = 800;
    static final int HEIGHT = 800;
    static final Color BACKGROUND = Color.WHITE;
    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final String FONT = Font.SANS_SERIF;

    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int LABEL_BASELINE = 118;
    private static final int THROUGHPUT_TOP = 150;
    private static final int THROUGHPUT_HEIGHT = 250;
    private static final int LATENCY_TOP = 500;
    private static final int LATENCY_HEIGHT = 220;

    private BenchChart() {
    }

    /**
     * One latency distribution, in µs, as the bench's JSON has it.
     *
     * @param count samples; 0 when this kind was not measured (no p50 ... max then)
     */
    record Latency(long count, double p50, double p90, double p99, double p999, double max) {
        static final List<String> NAMES = List.of("p50", "p90", "p99", "p99.9", "max");

        /** @param json e.g. the result's {@code oneWayLatencyUs}: {count, p50, p90, p99, p99.9, max}, or null */
        static Latency of(final Object json) {
            if (!(json instanceof Map<?, ?> m) || number(m.get("count")) == 0) {
                return new Latency(0, 0, 0, 0, 0, 0);
            }
            return new Latency((long) number(m.get("count")), number(m.get("p50")), number(m.get("p90")),
                number(m.get("p99")), number(m.get("p99.9")), number(m.get("max")));
        }

        /** @return p50, p90, p99, p99.9 and max, in the order of {@link #NAMES} */
        double[] values() {
            return new double[] {p50, p90, p99, p999, max};
        }
    }

    /**
     * One pass of the bench, as drawn.
     *
     * @param label what the pass was, e.g. {@code plain links (ws://)}
     * @param messagesPerSecond the pass's result
     * @param bucketSeconds seconds per point of perSecond
     * @param perSecond throughput over the measured phase, msgs/s
     */
    record Pass(String label, long messagesPerSecond, int bucketSeconds, double[] perSecond, Latency oneWay,
                Latency roundTrip) {
        /** @param result a pass's result as the bench writes it to JSON */
        static Pass of(final String label, final Map<String, Object> result) {
            final Object series = result.get("throughputOverTime");
            int bucket = 1;
            double[] points = new double[0];
            if (series instanceof Map<?, ?> s && s.get("messagesPerSecond") instanceof List<?> list) {
                bucket = (int) Math.max(1, number(s.get("bucketSeconds")));
                points = list.stream().mapToDouble(BenchChart::number).toArray();
            }
            return new Pass(label, (long) number(result.get("messagesPerSecond")), bucket, points,
                Latency.of(result.get("oneWayLatencyUs")), Latency.of(result.get("roundTripLatencyUs")));
        }
    }

    /** @return the image's size for this many passes */
    static Dimension size(final int passes) {
        return new Dimension(COLUMN_WIDTH * passes, HEIGHT);
    }

    /** @return where the throughput of the pass in this column is plotted */
    static Rectangle throughputPlot(final int column) {
        return new Rectangle(column * COLUMN_WIDTH + LEFT, THROUGHPUT_TOP, COLUMN_WIDTH - LEFT - RIGHT,
            THROUGHPUT_HEIGHT);
    }

    /** @return where the latency of the pass in this column is plotted */
    static Rectangle latencyPlot(final int column) {
        return new Rectangle(column * COLUMN_WIDTH + LEFT, LATENCY_TOP, COLUMN_WIDTH - LEFT - RIGHT, LATENCY_HEIGHT);
    }

    /**
     * Draws the chart and writes it as a PNG.
     *
     * @param title e.g. {@code hamlet bench throughput}
     * @param notes lines under it (when, which Hamlet, the setup), each wrapped to the image's width: two lines fit
     *     with room to spare, three at most
     */
    static void write(final Path file, final String title, final List<String> notes, final List<Pass> passes)
        throws IOException {
        if (!ImageIO.write(draw(title, notes, passes), "png", file.toFile())) {
            throw new IOException("this JDK has no PNG writer");
        }
    }

    static BufferedImage draw(final String title, final List<String> notes, final List<Pass> passes) {
        final Dimension size = size(passes.size());
        final BufferedImage image = new BufferedImage(size.width, size.height, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, size.width, size.height);
            g.setColor(TEXT);
            g.setFont(new Font(FONT, Font.BOLD, 20));
            g.drawString(title, 20, 34);
            g.setFont(new Font(FONT, Font.PLAIN, 13));
            int baseline = 56;
            for (final String note : notes) {
                for (final String line : wrap(g, note, size.width - 40)) {
                    if (baseline < LABEL_BASELINE - 20) {
                        g.drawString(line, 20, baseline);
                    }
                    baseline += 17;
                }
            }
            // Both columns share their scales: TLS's cost must show as a difference in height, not in tick labels.
            final ThroughputPanel throughput = ThroughputPanel.scaledFor(passes);
            final LatencyPanel latency = LatencyPanel.scaledFor(passes);
            for (int i = 0; i < passes.size(); i++) {
                final Pass pass = passes.get(i);
                g.setColor(TEXT);
                g.setFont(new Font(FONT, Font.BOLD, 15));
                g.drawString(pass.label() + ": " + String.format(Locale.ROOT, "%,d msgs/s",
                    pass.messagesPerSecond()), i * COLUMN_WIDTH + 20, LABEL_BASELINE);
                throughput.draw(g, throughputPlot(i), pass);
                latency.draw(g, latencyPlot(i), pass);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** @return text split at spaces into lines no wider than width in g's font */
    static List<String> wrap(final Graphics2D g, final String text, final int width) {
        final List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (final String word : text.split(" ")) {
            if (line.length() > 0 && g.getFontMetrics().stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line = new StringBuilder();
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** Draws text centred on x. */
    static void centred(final Graphics2D g, final String text, final int x, final int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
    }

    /** Draws text ending at x. */
    static void rightAligned(final Graphics2D g, final String text, final int x, final int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text), y);
    }

    /** Draws text turned a quarter left, centred on y: a vertical axis's title. */
    static void vertical(final Graphics2D g, final String text, final int x, final int y) {
        final Graphics2D turned = (Graphics2D) g.create();
        try {
            turned.translate(x, y);
            turned.rotate(-Math.PI / 2);
            centred(turned, text, 0, 0);
        } finally {
            turned.dispose();
        }
    }

    private static double number(final Object n) {
        return n instanceof Number v ? v.doubleValue() : 0;
    }
}
