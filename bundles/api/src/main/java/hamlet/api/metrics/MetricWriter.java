package hamlet.api.metrics;

/**
 * Where a {@link MetricSource} writes its samples. A family (one name) is written with one type, one help text and
 * one set of label names; each call adds one sample (one series) to it.
 *
 * <p>Labels are given as pairs, name then value: {@code counter("hamlet_transport_frames_sent", "...", 12,
 * "peer", "node2")}. A reader refuses (and counts) a sample that breaks the rules instead of failing the scrape:
 * a bad name, an odd number of label strings, a family written with two types or two sets of label names, or more
 * series in one family than it takes.
 */
public interface MetricWriter {
    /**
     * A count that only goes up (from 0 at the start of the process or of the bundle).
     *
     * @param name the family name, without {@code _total}
     * @param help one line saying what is counted
     * @param value the count so far, 0 or more
     * @param labels label name and value pairs
     */
    void counter(String name, String help, double value, String... labels);

    /**
     * A value that goes up and down.
     *
     * @param name the family name
     * @param help one line saying what it is
     * @param value the value now
     * @param labels label name and value pairs
     */
    void gauge(String name, String help, double value, String... labels);

    /**
     * A distribution of observations.
     *
     * @param name the family name, ending in its unit (for example {@code _seconds})
     * @param help one line saying what is observed
     * @param histogram the buckets so far
     * @param labels label name and value pairs
     */
    void histogram(String name, String help, Histogram.Snapshot histogram, String... labels);
}
