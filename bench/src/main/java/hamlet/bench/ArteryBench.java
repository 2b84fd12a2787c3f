package hamlet.bench;

import hamlet.example.load.BenchReport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.pattern.Patterns;

/**
 * The reference for {@code bin/hamlet bench}: the same three scenarios on Apache Pekko classic actors with Artery
 * TCP remoting, so that Hamlet's cluster figures read as ratios on the machine that runs both.
 *
 * <p>Mirrors hamlet.tools.ClusterBench (dist): this process is the coordinator (itself a remote-enabled
 * ActorSystem, as ClusterBench is a separate process talking to the nodes' admin API); it starts N node JVMs
 * ({@link ArteryNode}) with the same {@code java} and class path, each with M {@link ArterySender}s and M
 * {@link ArteryRecorder}s (ports in the ring as in Hamlet: sender k of node i to recorder k of node i+1), waits
 * until every association is up, starts the senders, sleeps through the warm-up, resets every histogram and reads
 * each node's CPU time from /proc/PID/stat, sleeps through the measured time, reads the CPU again, stops the
 * senders, waits until nothing more arrives, and merges the actors' histograms. Throughput is what the recorders
 * received after the reset over the time from the first to the last of those messages.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar hamlet.bench.ArteryBench [throughput|latency|seeds]
 * [--nodes N --actors M --senders N --rate R --window W --ack-every A --body BYTES --warmup S --duration S
 * --json FILE]}; {@code -Dpekko.*} system properties given to this JVM are passed on to the nodes.
 */
public final class ArteryBench {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    private static final long READY_DEADLINE_NS = TimeUnit.SECONDS.toNanos(90);
    /** USER_HZ: the unit of /proc/PID/stat's times on Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    /**
     * Artery's outbound queue per association (3072 by default): a message that finds it full is dropped. Hamlet's
     * outbox per peer holds 100,000, so its senders' windows always fit; to run the same flow control here, the
     * nodes get a queue that holds every window of the senders that share an association, unless
     * {@code -Dpekko.remote.artery.advanced.outbound-message-queue-size} says otherwise.
     */
    static final String QUEUE_SIZE = "pekko.remote.artery.advanced.outbound-message-queue-size";
    private static final int PEKKO_DEFAULT_QUEUE_SIZE = 3072;

    private final Options o;
    private final List<Node> nodes = new ArrayList<>();
    private ActorSystem system;

    private ArteryBench(final Options o) {
        this.o = o;
    }

    public static void main(final String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--node")) {
            ArteryNode.run(args);
            return;
        }
        final Options options;
        try {
            options = Options.parse(Arrays.asList(args));
        } catch (final IllegalArgumentException e) {
            System.err.println("ArteryBench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        final ArteryBench bench = new ArteryBench(options);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopNodes, "bench-stop"));
        final boolean ok = bench.run();
        bench.stopNodes();
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        final Path root = Files.createTempDirectory("artery-bench-");
        System.out.printf("artery bench %s: %d nodes x %d sender/recorder pairs, %d sending, %s, %d-byte bodies,"
                + " window %d, ack every %d; %d s warm-up, %d s measured (node logs in %s)%n", o.scenario, o.nodes,
                o.actors, o.sendingNodes, o.ratePerNode == 0 ? "as fast as flow control allows"
                        : o.ratePerNode + " msgs/s per sending node", o.bodyBytes, o.window, o.ackEvery,
                o.warmupSeconds, o.durationSeconds, root);
        System.out.println("artery outbound queue per association: " + System.getProperty(QUEUE_SIZE,
                queueSize() + " (holds every window; Pekko's default is " + PEKKO_DEFAULT_QUEUE_SIZE + ")"));
        try {
            system = ActorSystem.create("bench", ArteryNode.config(freePort()));
            startNodes(root);
            final Map<String, Object> result = measure();
            // The same table and JSON as hamlet.tools.ClusterBench, so the two print side by side.
            BenchReport.print(result, "pekko " + o.scenario);
            if (o.json != null) {
                BenchReport.writeJson(result, o.json);
            }
            return true;
        } catch (final RuntimeException | IOException e) {
            System.err.println("bench failed: " + e + "\nthe nodes' logs are in " + root);
            return false;
        } finally {
            stopNodes();
            if (system != null) {
                system.terminate();
            }
        }
    }

    /** @return the outbound queue size that holds the windows of all senders of one node plus their control */
    private long queueSize() {
        return Math.max(PEKKO_DEFAULT_QUEUE_SIZE, (long) o.actors * o.window + PEKKO_DEFAULT_QUEUE_SIZE);
    }

    private void startNodes(final Path root) throws IOException, InterruptedException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 1; i <= o.nodes; i++) {
            final List<String> command = new ArrayList<>(List.of(java));
            // -Dpekko.* given to the coordinator configure the nodes too (e.g. an Artery queue size).
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("pekko."))
                    .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
            if (System.getProperty(QUEUE_SIZE) == null) {
                command.add("-D" + QUEUE_SIZE + "=" + queueSize());
            }
            final int port = freePort();
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ArteryBench.class.getName(),
                    "--node", Integer.toString(port), Integer.toString(o.actors), Integer.toString(o.ackEvery)));
            final Path log = root.resolve("node" + i + ".log");
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            p.getOutputStream().close();
            nodes.add(new Node("node" + i, port, p, log));
        }
        for (final Node node : nodes) {
            awaitActor(node, "sender-" + o.actors);
        }
        for (final Node node : sending()) {
            final String target = target(node).path("recorder-1");
            expect(List.of(ask(node.ref(system, "sender-1"), "link|" + target)), "link to " + target);
        }
        System.out.println("bench: " + o.nodes + " nodes up and associated");
    }

    private Map<String, Object> measure() throws IOException, InterruptedException {
        final long durationMs = TimeUnit.SECONDS.toMillis(o.warmupSeconds + o.durationSeconds + 60L);
        final List<CompletableFuture<Object>> started = new ArrayList<>();
        for (final Node node : sending()) {
            for (int k = 1; k <= o.actors; k++) {
                started.add(ask(node.ref(system, "sender-" + k), String.join("|", "send",
                        target(node).path("recorder-" + k), Long.toString(o.ratePerSender()),
                        Integer.toString(o.window), Integer.toString(o.bodyBytes), Long.toString(durationMs))));
            }
        }
        expect(started, "start");
        TimeUnit.SECONDS.sleep(o.warmupSeconds);
        expect(everyActor("recorder", "reset", nodes), "reset");
        expect(everyActor("sender", "reset", sending()), "reset");
        final double[] cpu0 = cpu();
        final long t0 = System.nanoTime();
        for (int s = 0; s < o.durationSeconds; s++) {
            TimeUnit.SECONDS.sleep(1);
            System.out.print(s % 10 == 9 ? (s + 1) + "s\n" : ".");
        }
        final double[] cpu1 = cpu();
        final long t1 = System.nanoTime();
        expect(everyActor("sender", "stop", sending()), "stop");
        awaitQuiet();
        final List<Map<String, String>> recorders = expect(everyActor("recorder", "stats", nodes), "stats");
        final List<Map<String, String>> senders = expect(everyActor("sender", "stats", sending()), "stats");
        final List<CompletableFuture<Object>> letters = new ArrayList<>();
        for (final Node node : nodes) {
            letters.add(ask(node.ref(system, "dead-letters"), "stats"));
        }
        return result(recorders, senders, expect(letters, "dead letters"), cpu0, cpu1, t1 - t0);
    }

    private Map<String, Object> result(final List<Map<String, String>> recorders,
                                       final List<Map<String, String>> senders,
                                       final List<Map<String, String>> letters,
                                       final double[] cpu0, final double[] cpu1, final long wallNs) {
        final BenchReport report = new BenchReport();
        for (final Map<String, String> r : recorders) {
            report.recorder(Long.parseLong(r.get("windowReceived")), Long.parseLong(r.get("firstNanos")),
                    Long.parseLong(r.get("lastNanos")), Long.parseLong(r.get("duplicates")),
                    Long.parseLong(r.get("gaps")), Long.parseLong(r.get("outOfOrder")), r.get("latency"));
            report.recorderWholeRun(Long.parseLong(r.get("received")));
        }
        for (final Map<String, String> s : senders) {
            report.sender(Long.parseLong(s.get("sent")), s.get("rtt"));
        }
        for (final Map<String, String> d : letters) {
            report.deadLetters(Long.parseLong(d.get("load")));
        }
        return report.result(new BenchReport.Setup("pekko-artery-tcp", o.scenario, o.nodes, o.actors,
                o.sendingNodes, o.ratePerNode, o.bodyBytes, o.window, o.ackEvery, o.warmupSeconds),
                nodes.stream().map(Node::id).toList(), cpu0, cpu1, wallNs);
    }

    private List<Node> sending() {
        return nodes.subList(0, o.sendingNodes);
    }

    private Node target(final Node from) {
        return nodes.get(nodes.indexOf(from) + 1 == nodes.size() ? 0 : nodes.indexOf(from) + 1);
    }

    private List<CompletableFuture<Object>> everyActor(final String kind, final String task, final List<Node> on) {
        final List<CompletableFuture<Object>> replies = new ArrayList<>();
        for (final Node node : on) {
            for (int k = 1; k <= o.actors; k++) {
                replies.add(ask(node.ref(system, kind + "-" + k), task));
            }
        }
        return replies;
    }

    private static CompletableFuture<Object> ask(final ActorRef to, final String message) {
        return Patterns.ask(to, message, ASK_TIMEOUT).toCompletableFuture();
    }

    /** Waits for every reply; each must be a String that is not an error. */
    private static List<Map<String, String>> expect(final List<CompletableFuture<Object>> replies,
                                                    final String what) {
        final List<Map<String, String>> out = new ArrayList<>();
        for (final CompletableFuture<Object> f : replies) {
            final Object reply = f.join();
            if (!(reply instanceof String s) || s.startsWith("error=")) {
                throw new IllegalStateException(what + " failed: " + reply);
            }
            out.add(ArteryLoad.parse(s));
        }
        return out;
    }

    /** Waits until the recorders' total stops growing: what was in flight when the senders stopped has arrived. */
    private void awaitQuiet() throws InterruptedException {
        long before = -1;
        for (int i = 0; i < 40; i++) {
            long total = 0;
            for (final Map<String, String> r : expect(everyActor("recorder", "stats", nodes), "stats")) {
                total += Long.parseLong(r.get("received"));
            }
            if (total == before) {
                return;
            }
            before = total;
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /** Polls until the node's actor answers an Identify (the node's last actor: then all of them are there). */
    private void awaitActor(final Node node, final String name) throws InterruptedException, IOException {
        final long deadline = System.nanoTime() + READY_DEADLINE_NS;
        final String path = node.path(name);
        while (true) {
            try {
                // Not before the node says it is up: an association to a port nobody listens on logs warnings.
                if (!Files.readString(node.log).contains("node up")) {
                    throw new IllegalStateException("not up yet");
                }
                system.actorSelection(path).resolveOne(Duration.ofSeconds(2)).toCompletableFuture().join();
                return;
            } catch (final RuntimeException notYet) {
                // The node is still starting.
            }
            if (!node.process.isAlive()) {
                throw new IllegalStateException(node.id + " exited while starting; see " + node.log);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(node.id + ": no " + path + " within 90 s; see " + node.log);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private double[] cpu() throws IOException {
        final double[] out = new double[nodes.size()];
        for (int i = 0; i < out.length; i++) {
            final String stat = Files.readString(Path.of("/proc", Long.toString(nodes.get(i).process.pid()),
                    "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            out[i] = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        }
        return out;
    }

    private void stopNodes() {
        for (final Node node : nodes) {
            if (!node.process.isAlive()) {
                continue;
            }
            node.process.destroy();
            try {
                if (!node.process.waitFor(20, TimeUnit.SECONDS)) {
                    node.process.destroyForcibly();
                }
            } catch (final InterruptedException e) {
                node.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record Node(String id, int port, Process process, Path log) {
        String path(final String actor) {
            return "pekko://bench@127.0.0.1:" + port + "/user/" + actor;
        }

        ActorRef ref(final ActorSystem system, final String actor) {
            return ((ExtendedActorSystem) system).provider().resolveActorRef(path(actor));
        }
    }

    /** The scenarios and options of hamlet.tools.BenchOptions, with the same defaults. */
    private record Options(String scenario, int nodes, int actors, int sendingNodes, long ratePerNode, int window,
                           int ackEvery, int bodyBytes, int warmupSeconds, int durationSeconds, Path json) {
        static final String USAGE = """
                usage: java -cp bench/target/benchmarks.jar hamlet.bench.ArteryBench [throughput|latency|seeds] [OPTIONS]
                  throughput  2 nodes, node1's 4 senders to node2's recorders as fast as flow control allows
                  latency     2 nodes, one message at a time: each is acknowledged before the next (round trip)
                  seeds       3 nodes x 100 sender/recorder pairs, each node sending 10,000 msgs/s round the ring
                options (as bin/hamlet bench): --nodes N --actors M --senders N --rate R (0 = max) --window W
                  --ack-every A --body BYTES --warmup S --duration S --json FILE
                """;

        static Options parse(final List<String> args) {
            int i = 0;
            String scenario = "throughput";
            if (!args.isEmpty() && !args.get(0).startsWith("--")) {
                scenario = args.get(0);
                i = 1;
            }
            final Map<String, Object> v = new LinkedHashMap<>();
            switch (scenario) {
                case "throughput" -> put(v, 2, 4, 1, 0, 4000, 500);
                case "latency" -> put(v, 2, 1, 1, 0, 1, 1);
                case "seeds" -> put(v, 3, 100, 3, 10_000, 4000, 500);
                default -> throw new IllegalArgumentException("unknown scenario '" + scenario
                        + "': throughput, latency or seeds");
            }
            v.put("--body", 16L);
            v.put("--warmup", 5L);
            v.put("--duration", 20L);
            Path json = null;
            for (; i < args.size(); i += 2) {
                final String key = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(key + " needs a value");
                }
                if (key.equals("--json")) {
                    json = Path.of(args.get(i + 1));
                } else if (v.containsKey(key)) {
                    try {
                        v.put(key, Long.parseLong(args.get(i + 1)));
                    } catch (final NumberFormatException e) {
                        throw new IllegalArgumentException(key + " must be a whole number, got '" + args.get(i + 1)
                                + "'");
                    }
                } else {
                    throw new IllegalArgumentException("unknown option '" + key + "'");
                }
            }
            final Options o = new Options(scenario, n(v, "--nodes"), n(v, "--actors"), n(v, "--senders"),
                    (Long) v.get("--rate"), n(v, "--window"), n(v, "--ack-every"), n(v, "--body"), n(v, "--warmup"),
                    n(v, "--duration"), json);
            if (o.nodes < 2 || o.actors < 1 || o.sendingNodes < 1 || o.sendingNodes > o.nodes || o.ratePerNode < 0
                    || o.window < o.ackEvery || o.ackEvery < 1 || o.bodyBytes < 16 || o.durationSeconds < 1) {
                throw new IllegalArgumentException("need --nodes >= 2, 1 <= --senders <= --nodes, --actors >= 1,"
                        + " --rate >= 0, --window >= --ack-every >= 1, --body >= 16, --duration >= 1");
            }
            return o;
        }

        private static void put(final Map<String, Object> v, final long nodes, final long actors, final long senders,
                                final long rate, final long window, final long ackEvery) {
            v.put("--nodes", nodes);
            v.put("--actors", actors);
            v.put("--senders", senders);
            v.put("--rate", rate);
            v.put("--window", window);
            v.put("--ack-every", ackEvery);
        }

        private static int n(final Map<String, Object> v, final String key) {
            return Math.toIntExact((Long) v.get(key));
        }

        /** @return the rate of one sender, msgs/s (0 = max); at least 1 when the node's rate is not 0 */
        long ratePerSender() {
            return ratePerNode == 0 ? 0 : Math.max(1, ratePerNode / actors);
        }
    }
}
