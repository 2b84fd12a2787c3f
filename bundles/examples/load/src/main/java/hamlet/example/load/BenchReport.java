package hamlet.example.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import org.HdrHistogram.Histogram;

/**
 * The result of one cluster bench run, merged from the stats replies of its recorders and senders, and its two
 * renderings: the Markdown table on stdout and the JSON file. One class for bin/hamlet bench (dist) and its Pekko
 * reference (bench/ArteryBench), so that both compute the same figures the same way and print them side by side.
 * Public (the package is not exported): the benches use it from a plain class path, never through OSGi.
 *
 * <p>Not thread-safe: the bench's main thread fills it once the run is over, then asks for the {@link #result}.
 */
public final class BenchReport {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final Histogram oneWay = Histograms.create();
    private final Histogram roundTrip = Histograms.create();
    private long received;
    private long first = Long.MAX_VALUE;
    private long last = Long.MIN_VALUE;
    private long duplicates;
    private long gaps;
    private long outOfOrder;
    private long sent;
    private long deadLetters;
    private long receivedWholeRun;

    /**
     * What the run was asked to do: the head of the result, in this order.
     *
     * @param runtime the result's first key when not null (the reference names its runtime; Hamlet's has none)
     */
    public record Setup(String runtime, String scenario, int nodes, int pairsPerNode, int sendingNodes,
                        long ratePerSendingNode, int bodyBytes, int window, int ackEvery, int warmupSeconds) {
    }

    /**
     * Adds one recorder's stats.
     *
     * @param windowReceived messages received since its reset; when 0, firstNanos and lastNanos are not read
     * @param firstNanos its System.nanoTime() at the first of them
     * @param lastNanos its System.nanoTime() at the last of them
     * @param latency its one-way latency histogram, as {@link Histograms#encode} wrote it
     */
    public void recorder(final long windowReceived, final long firstNanos, final long lastNanos,
                         final long duplicates, final long gaps, final long outOfOrder, final String latency) {
        received += windowReceived;
        if (windowReceived > 0) {
            first = Math.min(first, firstNanos);
            last = Math.max(last, lastNanos);
        }
        this.duplicates += duplicates;
        this.gaps += gaps;
        this.outOfOrder += outOfOrder;
        oneWay.add(Histograms.decode(latency));
    }

    /**
     * Adds one sender's stats.
     *
     * @param sent messages it sent over the whole run, warm-up included
     * @param rtt its round-trip histogram, as {@link Histograms#encode} wrote it
     */
    public void sender(final long sent, final String rtt) {
        this.sent += sent;
        roundTrip.add(Histograms.decode(rtt));
    }

    /**
     * Adds what one recorder received over the whole run (warm-up included), read once the senders stopped and the
     * recorders went quiet: compared with what the senders sent, it shows a lost tail, which gaps (counted only
     * between the first and the last sequence a recorder saw) cannot.
     *
     * @param received the recorder's messages since it started
     */
    public void recorderWholeRun(final long received) {
        receivedWholeRun += received;
    }

    public void deadLetters(final long n) {
        deadLetters += n;
    }

    /**
     * @param nodeIds the nodes, in the order of the CPU readings
     * @param cpu0 each node's CPU seconds when the measured time began
     * @param cpu1 each node's CPU seconds when it ended
     * @param wallNs the measured time
     * @return the result as maps, numbers and strings, in the order the JSON shows them
     */
    public Map<String, Object> result(final Setup s, final List<String> nodeIds, final double[] cpu0,
                                      final double[] cpu1, final long wallNs) {
        final double spanSeconds = received > 1 ? (last - first) / 1e9 : 0;
        final Map<String, Object> out = new LinkedHashMap<>();
        if (s.runtime() != null) {
            out.put("runtime", s.runtime());
        }
        out.put("scenario", s.scenario());
        out.put("nodes", s.nodes());
        out.put("pairsPerNode", s.pairsPerNode());
        out.put("sendingNodes", s.sendingNodes());
        out.put("ratePerSendingNode", s.ratePerSendingNode());
        out.put("bodyBytes", s.bodyBytes());
        out.put("window", s.window());
        out.put("ackEvery", s.ackEvery());
        out.put("warmupSeconds", s.warmupSeconds());
        out.put("measuredSeconds", Math.round(wallNs / 1e7) / 100.0);
        out.put("messages", received);
        out.put("messagesPerSecond", spanSeconds > 0 ? Math.round(received / spanSeconds) : 0);
        out.put("oneWayLatencyUs", percentiles(oneWay));
        out.put("roundTripLatencyUs", percentiles(roundTrip));
        final Map<String, Object> cpu = new LinkedHashMap<>();
        for (int i = 0; i < nodeIds.size(); i++) {
            cpu.put(nodeIds.get(i), Math.round((cpu1[i] - cpu0[i]) / (wallNs / 1e9) * 1000) / 10.0);
        }
        out.put("cpuPercent", cpu);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        final Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("sentWholeRun", sent);
        checks.put("receivedWholeRun", receivedWholeRun);
        // Neither received nor told back as a dead letter: lost. Duplicates would hide a loss here, so they count.
        checks.put("lost", sent - (receivedWholeRun - duplicates) - deadLetters);
        checks.put("duplicates", duplicates);
        checks.put("gaps", gaps);
        checks.put("outOfOrder", outOfOrder);
        checks.put("deadLetters", deadLetters);
        out.put("checks", checks);
        return out;
    }

    private static Map<String, Object> percentiles(final Histogram h) {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return out;
        }
        out.put("p50", us(h.getValueAtPercentile(50)));
        out.put("p90", us(h.getValueAtPercentile(90)));
        out.put("p99", us(h.getValueAtPercentile(99)));
        out.put("p99.9", us(h.getValueAtPercentile(99.9)));
        out.put("max", us(h.getMaxValue()));
        return out;
    }

    /** @return microseconds to one decimal */
    private static double us(final long ns) {
        return Math.round(ns / 100.0) / 10.0;
    }

    /**
     * Prints the result as a Markdown table on stdout: one row per latency kind that has samples.
     *
     * @param label the first column (the scenario, with the runtime's name when there is more than one)
     */
    public static void print(final Map<String, Object> r, final String label) {
        System.out.println();
        System.out.println("| scenario | messages | msgs/s | latency (µs) | p50 | p90 | p99 | p99.9 | max | CPU% per node |"
            + " dup / gap / reorder / dead / lost |");
        System.out.println("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---|");
        final Map<?, ?> checks = (Map<?, ?>) r.get("checks");
        final String cpu = ((Map<?, ?>) r.get("cpuPercent")).entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("");
        final String check = checks.get("duplicates") + " / " + checks.get("gaps") + " / " + checks.get("outOfOrder")
            + " / " + checks.get("deadLetters") + " / " + checks.get("lost");
        row(r, label, "one-way", (Map<?, ?>) r.get("oneWayLatencyUs"), cpu, check);
        row(r, label, "round trip", (Map<?, ?>) r.get("roundTripLatencyUs"), "", "");
        System.out.println();
    }

    /** The first row carries the run's figures; the round-trip row below it only its latencies. */
    private static void row(final Map<String, Object> r, final String label, final String kind, final Map<?, ?> p,
                            final String cpu, final String check) {
        if (((Number) p.get("count")).longValue() == 0) {
            return;
        }
        System.out.printf("| %s | %s | %s | %s (%s samples) | %s | %s | %s | %s | %s | %s | %s |%n",
            cpu.isEmpty() ? "" : label, cpu.isEmpty() ? "" : r.get("messages"),
            cpu.isEmpty() ? "" : r.get("messagesPerSecond"), kind, p.get("count"), p.get("p50"), p.get("p90"),
            p.get("p99"), p.get("p99.9"), p.get("max"), cpu, check);
    }

    /** Writes the result as one line of JSON and says where. */
    public static void writeJson(final Map<String, Object> r, final Path file) throws IOException {
        Files.writeString(file, GSON.toJson(r) + "\n");
        System.out.println("JSON written to " + file.toAbsolutePath());
    }
}
