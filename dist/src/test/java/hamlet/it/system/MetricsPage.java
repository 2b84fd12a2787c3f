package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page of the Prometheus text format as a test reads it: the sample names present and the value of a series.
 * Enough for the format the client library writes (one sample a line, labels quoted and escaped); not a parser
 * for every input.
 */
final class MetricsPage {
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final java.util.List<Sample> samples = new java.util.ArrayList<>();

    MetricsPage(final String text) {
        this.text = text;
        for (final String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final int brace = line.indexOf('{');
            final int space = line.lastIndexOf(' ');
            final String name = line.substring(0, brace >= 0 && brace < space ? brace : line.indexOf(' '));
            final Map<String, String> labels = new HashMap<>();
            if (brace >= 0 && brace < space) {
                final Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
    }

    /**
     * @param node a running node
     * @return its {@code GET /metrics}, which must answer 200
     */
    static MetricsPage scrape(final NodeProcess node) throws IOException, InterruptedException {
        final NodeProcess.Reply reply = node.get("/metrics");
        assertEquals(200, reply.status(), reply.body());
        return new MetricsPage(reply.body());
    }

    /** @return the page as served */
    String text() {
        return text;
    }

    /** @return every sample name on the page ({@code _total}, {@code _bucket} and so on included) */
    Set<String> names() {
        final Set<String> names = new HashSet<>();
        for (final Sample s : samples) {
            names.add(s.name);
        }
        return names;
    }

    /**
     * @param name a sample name
     * @param labels label name and value pairs the series must have (others may be there too)
     * @return the sum of the matching series, or NaN when none matches
     */
    double value(final String name, final String... labels) {
        double sum = 0;
        boolean found = false;
        for (final Sample s : samples) {
            if (!s.name.equals(name)) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2) {
                match &= labels[i + 1].equals(s.labels.get(labels[i]));
            }
            if (match) {
                sum += s.value;
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }
}
