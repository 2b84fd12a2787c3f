package hamlet.admin.internal;

import hamlet.api.metrics.Histogram;
import hamlet.api.metrics.MetricWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The samples of one scrape, as the sources write them, checked against the {@link MetricWriter} rules: what breaks
 * one is refused and counted ({@link MetricRefusals}), the rest kept. A source's samples are taken in one
 * {@link #begin}..{@link #commit} so that a source that throws half way is left out whole ({@link #rollback}).
 *
 * <p>One scrape, one thread: not thread-safe.
 */
final class ScrapeFamilies implements MetricWriter {
    /** Series one family may have: a label value that slipped out of a bounded set must not grow the page. */
    static final int DEFAULT_SERIES_CAP = 500;

    /** Prometheus's own rule for names (the form every version of the server and promtool takes). */
    /** Every family of a bundle is in this namespace; the JVM's (jvm_, process_) are not. */
    static final String PREFIX = "hamlet_";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Suffixes the exposition adds to counters and histograms: a family named so would clash with another's. */
    private static final String[] RESERVED_SUFFIXES = {"_total", "_created", "_bucket", "_count", "_sum", "_info"};
    /** Label names the exposition itself writes. */
    private static final Set<String> RESERVED_LABELS = Set.of("le", "quantile");

    private enum Kind { COUNTER, GAUGE, HISTOGRAM }

    private static final class Family {
        private final String name;
        private final Kind kind;
        private final String help;
        private final Set<String> labelNames;
        private final Map<Labels, Object> series = new LinkedHashMap<>();

        private Family(final String name, final Kind kind, final String help, final Set<String> labelNames) {
            this.name = name;
            this.kind = kind;
            this.help = help;
            this.labelNames = labelNames;
        }
    }

    private final MetricRefusals refusals;
    private final int seriesCap;
    private final Map<String, Family> families = new LinkedHashMap<>();
    /** What the current source added, to take back if it throws: families made, and series of older families. */
    private final List<String> newFamilies = new ArrayList<>();
    private final List<Object[]> newSeries = new ArrayList<>();

    /**
     * @param refusals where refused samples are counted
     * @param seriesCap the most series one family may have
     */
    ScrapeFamilies(final MetricRefusals refusals, final int seriesCap) {
        this.refusals = refusals;
        this.seriesCap = seriesCap;
    }

    /** Starts taking one source's samples. */
    void begin() {
        newFamilies.clear();
        newSeries.clear();
    }

    /** Keeps what the source wrote. */
    void commit() {
        begin();
    }

    /** Takes back what the source wrote since {@link #begin}: it threw. */
    void rollback() {
        for (final Object[] added : newSeries) {
            final Family family = families.get((String) added[0]);
            if (family != null) {
                family.series.remove((Labels) added[1]);
            }
        }
        for (final String name : newFamilies) {
            families.remove(name);
        }
        begin();
    }

    @Override
    public void counter(final String name, final String help, final double value, final String... labels) {
        if (Double.isNaN(value) || value < 0 || Double.isInfinite(value)) {
            refusals.sample(MetricRefusals.Reason.BAD_VALUE, name, "a counter of " + value);
            return;
        }
        add(Kind.COUNTER, name, help, labels, value);
    }

    @Override
    public void gauge(final String name, final String help, final double value, final String... labels) {
        add(Kind.GAUGE, name, help, labels, value);
    }

    @Override
    public void histogram(final String name, final String help, final Histogram.Snapshot histogram,
                          final String... labels) {
        if (histogram == null || Double.isNaN(histogram.sum())) {
            refusals.sample(MetricRefusals.Reason.BAD_VALUE, name, "no histogram, or a sum of NaN");
            return;
        }
        add(Kind.HISTOGRAM, name, help, labels, histogram);
    }

    private void add(final Kind kind, final String name, final String help, final String[] pairs, final Object value) {
        final String badName = badName(name);
        if (badName != null) {
            refusals.sample(MetricRefusals.Reason.BAD_NAME, String.valueOf(name), badName);
            return;
        }
        final Labels labels = labels(name, pairs);
        if (labels == null) {
            return;
        }
        Family family = families.get(name);
        if (family == null) {
            family = new Family(name, kind, help == null ? "" : help, labelNames(labels));
            families.put(name, family);
            newFamilies.add(name);
        } else if (family.kind != kind) {
            refusals.sample(MetricRefusals.Reason.TYPE_CONFLICT, name,
                "written as a " + kind.name().toLowerCase() + " after a " + family.kind.name().toLowerCase());
            return;
        } else if (!family.labelNames.equals(labelNames(labels))) {
            refusals.sample(MetricRefusals.Reason.LABEL_CONFLICT, name,
                "labels " + labelNames(labels) + " after " + family.labelNames);
            return;
        }
        if (family.series.containsKey(labels)) {
            refusals.sample(MetricRefusals.Reason.DUPLICATE_SERIES, name, "the series " + labels + " twice");
            return;
        }
        if (family.series.size() >= seriesCap) {
            refusals.sample(MetricRefusals.Reason.SERIES_CAP, name, "more than " + seriesCap + " series");
            return;
        }
        family.series.put(labels, value);
        if (!newFamilies.contains(name)) {
            newSeries.add(new Object[] {name, labels});
        }
    }

    /** @return why the name is refused, or null */
    private static String badName(final String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "not a Prometheus metric name";
        }
        if (!name.startsWith(PREFIX) || name.startsWith(MetricRefusals.SAMPLES_REFUSED)
            || name.startsWith(MetricRefusals.SOURCES_FAILED)) {
            // Outside hamlet_ it could clash with the JVM's families, which would fail the whole page.
            return "not in the " + PREFIX + " namespace, or the bridge's own";
        }
        for (final String suffix : RESERVED_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return "ends in " + suffix + ", which the exposition adds itself";
            }
        }
        return null;
    }

    /** @return the labels, or null when refused (counted here) */
    private Labels labels(final String name, final String[] pairs) {
        if (pairs == null || pairs.length % 2 != 0) {
            refusals.sample(MetricRefusals.Reason.BAD_LABELS, name, "an odd number of label strings");
            return null;
        }
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < pairs.length; i += 2) {
            final String label = pairs[i];
            if (label == null || !LABEL.matcher(label).matches() || label.startsWith("__")
                || RESERVED_LABELS.contains(label) || pairs[i + 1] == null || !seen.add(label)) {
                refusals.sample(MetricRefusals.Reason.BAD_LABELS, name,
                    "label " + label + "=" + pairs[i + 1] + " (bad, reserved, repeated or without a value)");
                return null;
            }
        }
        return Labels.of(pairs);
    }

    private static Set<String> labelNames(final Labels labels) {
        final Set<String> names = new TreeSet<>();
        for (int i = 0; i < labels.size(); i++) {
            names.add(labels.getName(i));
        }
        return names;
    }

    /** @return every family kept, in the client library's model */
    List<MetricSnapshot> snapshots() {
        final List<MetricSnapshot> out = new ArrayList<>(families.size());
        for (final Family family : families.values()) {
            if (family.series.isEmpty()) {
                continue;
            }
            try {
                out.add(snapshot(family));
            } catch (final IllegalArgumentException e) {
                // The library's own checks, should ours have missed one: the family goes, the page stays.
                refusals.sample(MetricRefusals.Reason.BAD_NAME, family.name, e.getMessage());
            }
        }
        return out;
    }

    private static MetricSnapshot snapshot(final Family family) {
        final MetricMetadata metadata = new MetricMetadata(family.name, family.help);
        switch (family.kind) {
            case COUNTER: {
                final List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
                family.series.forEach((labels, value) ->
                    points.add(new CounterSnapshot.CounterDataPointSnapshot((Double) value, labels, null, 0)));
                return new CounterSnapshot(metadata, points);
            }
            case GAUGE: {
                final List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>();
                family.series.forEach((labels, value) ->
                    points.add(new GaugeSnapshot.GaugeDataPointSnapshot((Double) value, labels, null)));
                return new GaugeSnapshot(metadata, points);
            }
            default: {
                final List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>();
                family.series.forEach((labels, value) -> points.add(histogramPoint(labels, (Histogram.Snapshot) value)));
                return new HistogramSnapshot(metadata, points);
            }
        }
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot histogramPoint(final Labels labels,
                                                                            final Histogram.Snapshot histogram) {
        // The model wants the +Inf bucket named; ours is the last count, above every finite bound.
        final double[] bounds = Arrays.copyOf(histogram.upperBounds(), histogram.upperBounds().length + 1);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return new HistogramSnapshot.HistogramDataPointSnapshot(
            ClassicHistogramBuckets.of(bounds, histogram.counts().clone()), histogram.sum(), labels, null, 0);
    }
}
