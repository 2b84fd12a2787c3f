package hamlet.tools;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code bin/hamlet bench [SCENARIO] [OPTIONS]} was asked: a scenario's defaults, then the options given.
 *
 * @param scenario throughput, latency or seeds
 * @param nodes how many node processes
 * @param actors sender/recorder pairs per node (M senders and M recorders)
 * @param sendingNodes how many of the nodes send (the first ones); each sender k of node i sends to recorder k of
 *     node i+1 (the last to the first)
 * @param ratePerNode messages per second per sending node, shared by its senders; 0 = as fast as flow control allows
 * @param window most messages a sender has unacknowledged
 * @param ackEvery a recorder acknowledges every this many messages of a sender
 * @param bodyBytes body size, at least 16 (sequence and timestamp)
 * @param warmupSeconds sent but not measured
 * @param durationSeconds measured
 * @param json where to write the result as JSON, or null
 * @param png where to draw the result as a PNG chart, or null for {@link #chart()}'s default
 * @param home the distribution
 * @param tls true to run the scenario twice, with plain links and then with TLS, and compare
 */
record BenchOptions(String scenario, int nodes, int actors, int sendingNodes, long ratePerNode, int window,
                    int ackEvery, int bodyBytes, int warmupSeconds, int durationSeconds, Path json, Path png,
                    Path home, boolean tls) {
    static final String USAGE = """
        usage: hamlet bench [throughput|latency|seeds] [OPTIONS]
          throughput  2 nodes, node1's senders to node2's recorders as fast as flow control allows, 16-byte bodies
          latency     2 nodes, one message at a time: each is acknowledged before the next (round trip)
          seeds       3 nodes x 100 sender/recorder pairs, each node sending 10,000 msgs/s round the ring
        options (each overrides the scenario's default):
          --nodes N --actors M (pairs per node) --senders N (sending nodes) --rate R (msgs/s per sending node,
          0 = max) --window W --ack-every A --body BYTES --warmup S --duration S
          --json FILE  also write the results as JSON (with the measured phase's throughput per second)
          --png FILE   also draw them as a PNG chart: throughput per second and latency percentiles (with --tls,
                       both passes side by side); with --json and no --png, the chart goes beside the JSON
                       (results.json -> results.png)
          --tls  run the scenario twice, plain links then TLS (a throwaway cluster CA), and print both side by side
                 with TLS's cost and the time of a TLS handshake with a node
        while it runs, a progress line on stderr (phase, seconds, msgs/s so far); the results are on stdout
        """;

    static BenchOptions parse(final List<String> given, final Path home) {
        final List<String> args = new java.util.ArrayList<>(given);
        final boolean tls = args.remove("--tls");
        int i = 0;
        String scenario = "throughput";
        if (!args.isEmpty() && !args.get(0).startsWith("--")) {
            scenario = args.get(0);
            i = 1;
        }
        BenchOptions o = switch (scenario) {
            case "throughput" -> new BenchOptions(scenario, 2, 4, 1, 0, 4000, 500, 16, 5, 20, null, null, home, tls);
            case "latency" -> new BenchOptions(scenario, 2, 1, 1, 0, 1, 1, 16, 5, 20, null, null, home, tls);
            case "seeds" -> new BenchOptions(scenario, 3, 100, 3, 10_000, 4000, 500, 16, 5, 20, null, null, home,
                tls);
            default -> throw new IllegalArgumentException("unknown scenario '" + scenario
                + "': throughput, latency or seeds");
        };
        for (; i < args.size(); i += 2) {
            final String key = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(key + " needs a value");
            }
            final String value = args.get(i + 1);
            o = switch (key) {
                case "--nodes" -> o.with(positive(key, value), o.actors, o.sendingNodes, o.ratePerNode, o.window,
                    o.ackEvery, o.bodyBytes, o.warmupSeconds, o.durationSeconds, o.json);
                case "--actors" -> o.with(o.nodes, positive(key, value), o.sendingNodes, o.ratePerNode, o.window,
                    o.ackEvery, o.bodyBytes, o.warmupSeconds, o.durationSeconds, o.json);
                case "--senders" -> o.with(o.nodes, o.actors, positive(key, value), o.ratePerNode, o.window,
                    o.ackEvery, o.bodyBytes, o.warmupSeconds, o.durationSeconds, o.json);
                case "--rate" -> o.with(o.nodes, o.actors, o.sendingNodes, atLeast(key, value, 0), o.window,
                    o.ackEvery, o.bodyBytes, o.warmupSeconds, o.durationSeconds, o.json);
                case "--window" -> o.with(o.nodes, o.actors, o.sendingNodes, o.ratePerNode, positive(key, value),
                    o.ackEvery, o.bodyBytes, o.warmupSeconds, o.durationSeconds, o.json);
                case "--ack-every" -> o.with(o.nodes, o.actors, o.sendingNodes, o.ratePerNode, o.window,
                    positive(key, value), o.bodyBytes, o.warmupSeconds, o.durationSeconds, o.json);
                case "--body" -> o.with(o.nodes, o.actors, o.sendingNodes, o.ratePerNode, o.window, o.ackEvery,
                    (int) atLeast(key, value, 16), o.warmupSeconds, o.durationSeconds, o.json);
                case "--warmup" -> o.with(o.nodes, o.actors, o.sendingNodes, o.ratePerNode, o.window, o.ackEvery,
                    o.bodyBytes, (int) atLeast(key, value, 0), o.durationSeconds, o.json);
                case "--duration" -> o.with(o.nodes, o.actors, o.sendingNodes, o.ratePerNode, o.window,
                    o.ackEvery, o.bodyBytes, o.warmupSeconds, positive(key, value), o.json);
                case "--json" -> o.with(o.nodes, o.actors, o.sendingNodes, o.ratePerNode, o.window, o.ackEvery,
                    o.bodyBytes, o.warmupSeconds, o.durationSeconds, Path.of(value));
                case "--png" -> new BenchOptions(o.scenario, o.nodes, o.actors, o.sendingNodes, o.ratePerNode,
                    o.window, o.ackEvery, o.bodyBytes, o.warmupSeconds, o.durationSeconds, o.json, Path.of(value),
                    o.home, o.tls);
                default -> throw new IllegalArgumentException("unknown option '" + key + "'");
            };
        }
        if (o.nodes < 2) {
            throw new IllegalArgumentException("--nodes must be at least 2, got " + o.nodes);
        }
        if (o.sendingNodes > o.nodes) {
            throw new IllegalArgumentException("--senders " + o.sendingNodes + " is more than --nodes " + o.nodes);
        }
        if (o.window < o.ackEvery) {
            throw new IllegalArgumentException("--window " + o.window + " is below --ack-every " + o.ackEvery
                + ": the senders would stall");
        }
        return o;
    }

    /** @return the rate of one sender, msgs/s (0 = max); at least 1 when the node's rate is not 0 */
    long ratePerSender() {
        return ratePerNode == 0 ? 0 : Math.max(1, ratePerNode / actors);
    }

    /** @return where the chart goes: --png, else beside --json (results.json: results.png), else null (none) */
    Path chart() {
        if (png != null || json == null) {
            return png;
        }
        final String name = json.getFileName().toString();
        final String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        return json.resolveSibling(stem + ".png");
    }

    /** @return the setup in one line, for the chart's subtitle */
    String summary() {
        return String.format(java.util.Locale.ROOT, "%d nodes x %d sender/recorder pairs, %d sending, %s, %d-byte"
                + " bodies, window %,d, ack every %,d; %d s warm-up, %d s measured", nodes, actors, sendingNodes,
            ratePerNode == 0 ? "as fast as flow control allows" : String.format(java.util.Locale.ROOT,
                "%,d msgs/s per sending node", ratePerNode), bodyBytes, window, ackEvery, warmupSeconds,
            durationSeconds);
    }

    private BenchOptions with(final int n, final int m, final int s, final long r, final int w, final int a,
                              final int b, final int warm, final int dur, final Path j) {
        return new BenchOptions(scenario, n, m, s, r, w, a, b, warm, dur, j, png, home, tls);
    }

    private static int positive(final String key, final String value) {
        return (int) atLeast(key, value, 1);
    }

    private static long atLeast(final String key, final String value, final long min) {
        final long n;
        try {
            n = Long.parseLong(value);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
        if (n < min || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be in " + min + ".." + Integer.MAX_VALUE + ", got " + n);
        }
        return n;
    }
}
