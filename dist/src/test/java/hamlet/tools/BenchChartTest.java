package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchChartTest {
    private static final double[] SERIES = {1_650_000, 1_720_000, 1_690_000, 1_710_000, 1_400_000, 1_705_000,
        1_730_000, 1_700_000, 1_690_000, 1_715_000};
    private static final BenchChart.Latency ONE_WAY = new BenchChart.Latency(34_000_000, 6_570, 11_420, 17_318,
        25_870, 64_553);
    private static final BenchChart.Latency ROUND_TRIP = new BenchChart.Latency(68_000, 8_100, 13_000, 20_500,
        30_100, 70_000);

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void shouldWriteAPngOfOneColumnWithBothPlotsDrawn() throws IOException {
        final Path file = dir.resolve("bench.png");

        BenchChart.write(file, "hamlet bench throughput", List.of("2026-11-29 05:40 UTC  ·  Hamlet 0.1.0-SNAPSHOT",
            "2 nodes x 4 sender/recorder pairs"), List.of(pass("plain links (ws://)", 1_705_083)));

        final BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "a PNG ImageIO reads back");
        assertEquals(BenchChart.size(1).width, image.getWidth());
        assertEquals(BenchChart.size(1).height, image.getHeight());
        assertTrue(coloured(image, BenchChart.throughputPlot(0), ThroughputPanel.LINE)
            > BenchChart.throughputPlot(0).width / 2, "a throughput line across most of the plot");
        assertTrue(coloured(image, BenchChart.latencyPlot(0), LatencyPanel.ONE_WAY) > 2_000, "one-way bars");
        assertTrue(coloured(image, BenchChart.latencyPlot(0), LatencyPanel.ROUND_TRIP) > 2_000, "round-trip bars");
        assertTrue(nonBackground(image, new Rectangle(0, 0, image.getWidth(), 70)) > 500, "a title and notes");
    }

    @Test
    void shouldPutTwoPassesSideBySide() {
        final BufferedImage image = BenchChart.draw("hamlet bench throughput, plain links vs TLS", List.of("setup"),
            List.of(pass("plain links (ws://)", 1_705_083), pass("TLS links (wss://)", 1_204_000)));

        assertEquals(2 * BenchChart.COLUMN_WIDTH, image.getWidth());
        assertTrue(coloured(image, BenchChart.throughputPlot(1), ThroughputPanel.LINE)
            > BenchChart.throughputPlot(1).width / 2, "the TLS column's line");
        assertTrue(coloured(image, BenchChart.latencyPlot(1), LatencyPanel.ONE_WAY) > 2_000, "the TLS column's bars");
    }

    @Test
    void shouldDrawAPassWithoutReadingsOrSamplesAsText() {
        final BufferedImage image = BenchChart.draw("t", List.of("s"), List.of(new BenchChart.Pass("empty", 0, 1,
            new double[0], BenchChart.Latency.of(null), BenchChart.Latency.of(Map.of("count", 0)))));

        assertEquals(0, coloured(image, BenchChart.throughputPlot(0), ThroughputPanel.LINE));
        assertTrue(nonBackground(image, BenchChart.latencyPlot(0)) > 0, "axes and a note");
    }

    @Test
    void shouldReadAPassFromTheResultAsTheJsonHasIt() {
        final BenchChart.Pass pass = BenchChart.Pass.of("plain", Map.of("messagesPerSecond", 7_099L,
            "throughputOverTime", Map.of("bucketSeconds", 2, "messagesPerSecond", List.of(7_000L, 7_200L)),
            "oneWayLatencyUs", Map.of("count", 10L, "p50", 64.5, "p90", 90.0, "p99", 180.0, "p99.9", 1_200.0,
                "max", 6_800.0),
            "roundTripLatencyUs", Map.of("count", 0L)));

        assertEquals(7_099, pass.messagesPerSecond());
        assertEquals(2, pass.bucketSeconds());
        assertArrayEquals(new double[] {7_000, 7_200}, pass.perSecond());
        assertEquals(new BenchChart.Latency(10, 64.5, 90, 180, 1_200, 6_800), pass.oneWay());
        assertEquals(0, pass.roundTrip().count());
    }

    @Test
    void shouldWrapALongNoteAtSpaces() {
        final java.awt.Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        final int width = g.getFontMetrics().stringWidth("two words");

        assertEquals(List.of("two words", "and three", "more"),
            BenchChart.wrap(g, "two words and three more", width));
    }

    private static BenchChart.Pass pass(final String label, final long rate) {
        return new BenchChart.Pass(label, rate, 1, SERIES, ONE_WAY, ROUND_TRIP);
    }

    /** @return pixels in the area close to the colour (anti-aliasing blends edges) */
    private static int coloured(final BufferedImage image, final Rectangle area, final Color colour) {
        int n = 0;
        for (int x = area.x; x < area.x + area.width; x++) {
            for (int y = area.y; y < area.y + area.height; y++) {
                final Color c = new Color(image.getRGB(x, y));
                if (Math.abs(c.getRed() - colour.getRed()) + Math.abs(c.getGreen() - colour.getGreen())
                    + Math.abs(c.getBlue() - colour.getBlue()) < 30) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int nonBackground(final BufferedImage image, final Rectangle area) {
        int n = 0;
        for (int x = area.x; x < area.x + area.width; x++) {
            for (int y = area.y; y < area.y + area.height; y++) {
                if (image.getRGB(x, y) != BenchChart.BACKGROUND.getRGB()) {
                    n++;
                }
            }
        }
        return n;
    }
}
