package hamlet.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import hamlet.example.load.BenchReport;

/**
 * {@code bin/hamlet bench}: starts N real node processes on loopback, each with M {@code sender} and M
 * {@code recorder} actors (the load bundle from bench/, dropped into each node's deploy/), makes the senders of the
 * sending nodes send numbered messages round the ring (sender k of node i to recorder k of node i+1) at a fixed rate
 * or as fast as their window allows, and reports throughput, latency percentiles and CPU per process.
 *
 * <p>How it measures: after the warm-up, every recorder and sender is reset and each node's CPU time read from
 * /proc/PID/stat; after the measured time the CPU is read again and the senders stopped. Throughput is what the
 * recorders received after the reset, over the time from the first to the last of those messages. One-way latency
 * is taken by the recorder for every message: its System.nanoTime() at receipt minus the sender's, carried in the
 * body (CLOCK_MONOTONIC, one clock for all processes of a Linux machine). Round trip is taken by the sender for each
 * acknowledged message (every ackEvery-th): from its send to the acknowledgement's arrival. Both go into
 * HdrHistograms (3 significant digits) that the actors send back compressed and that are merged here.
 *
 * <p>While it runs, a progress line on stderr ({@link BenchProgress}) says where it is; stdout has only the setup and
 * the results. The measured phase's throughput per second ({@link LoadWatch}) goes into the JSON and, with the
 * latency percentiles, into the PNG chart ({@link BenchChart}).
 */
public final class ClusterBench {
    private static final long READY_DEADLINE_NS = TimeUnit.SECONDS.toNanos(90);
    private static final DateTimeFormatter CHART_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
        .withZone(ZoneOffset.UTC);

    private final BenchOptions o;
    private final List<BenchNode> nodes = new ArrayList<>();
    private final BenchProgress progress = new BenchProgress(System.err, BenchProgress.stderrIsTerminal(),
        System::nanoTime);

    private ClusterBench(final BenchOptions o) {
        this.o = o;
    }

    public static void main(final String[] args) throws Exception {
        // The chart is drawn into an image in memory: no display is needed, and none may be looked for.
        System.setProperty("java.awt.headless", "true");
        final List<String> rest = new ArrayList<>(Arrays.asList(args));
        Path home = Path.of(".").toAbsolutePath();
        if (rest.size() >= 2 && rest.get(0).equals("--home")) {
            home = Path.of(rest.get(1));
            rest.subList(0, 2).clear();
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        final BenchOptions options;
        try {
            options = BenchOptions.parse(rest, home);
        } catch (final IllegalArgumentException e) {
            System.err.println("hamlet bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        final ClusterBench bench = new ClusterBench(options);
        final Thread stopper = new Thread(bench::stopNodes, "bench-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        final boolean ok = bench.run();
        bench.stopNodes();
        System.exit(ok ? 0 : 1);
    }

    /** @return the gossip counters of a node (GET /api/cluster/members), empty when gossip is not running */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> gossipCounters(final BenchNode node) throws IOException, InterruptedException {
        final AdminClient.Response r = node.admin.get("/api/cluster/members");
        final Map<String, Long> counters = new java.util.TreeMap<>();
        if (r.status() == 200 && r.json() instanceof Map<?, ?> json && json.get("counters") instanceof Map<?, ?> c) {
            ((Map<String, Object>) c).forEach((k, v) -> {
                if (v instanceof Number n) {
                    counters.put(k, n.longValue());
                }
            });
        }
        return counters;
    }

    private boolean run() throws Exception {
        final Map<String, Object> plain = runPass(false);
        if (plain == null) {
            return false;
        }
        if (!o.tls()) {
            return writeChart(List.of(BenchChart.Pass.of("plain links (ws://)", plain)));
        }
        nodes.clear();
        final Map<String, Object> tls = runPass(true);
        if (tls == null) {
            return false;
        }
        printTlsCost(plain, tls);
        if (o.json() != null) {
            final Map<String, Object> both = new LinkedHashMap<>();
            both.put("plain", plain);
            both.put("tls", tls);
            BenchReport.writeJson(both, o.json());
        }
        return writeChart(List.of(BenchChart.Pass.of("plain links (ws://)", plain),
            BenchChart.Pass.of("TLS links (wss://)", tls)));
    }

    /**
     * Draws the passes as a PNG when asked ({@code --png}, or beside {@code --json}) and says where on stdout, as
     * for the JSON.
     *
     * @return false when the chart was asked for but could not be written (said on stderr)
     */
    private boolean writeChart(final List<BenchChart.Pass> passes) {
        final Path file = o.chart();
        if (file == null) {
            return true;
        }
        final String version = ClusterBench.class.getPackage().getImplementationVersion();
        final String title = "hamlet bench " + o.scenario() + (o.tls() ? ", plain links vs TLS" : "");
        final String when = CHART_DATE.format(Instant.now()) + "  ·  Hamlet "
            + (version == null ? "(version unknown)" : version) + "  ·  " + Runtime.getRuntime().availableProcessors()
            + " cores, Java " + Runtime.version().feature();
        try {
            BenchChart.write(file, title, List.of(when, o.summary()), passes);
        } catch (final IOException | RuntimeException | LinkageError | java.awt.AWTError e) {
            // The results are printed already; a JRE without fonts or image I/O costs only the picture.
            System.err.println("hamlet bench: the chart could not be written to " + file + ": " + e);
            return false;
        }
        System.out.println("PNG written to " + file.toAbsolutePath());
        return true;
    }

    /** Plain and TLS side by side: what TLS costs this scenario, and what one handshake costs. */
    @SuppressWarnings("unchecked")
    private static void printTlsCost(final Map<String, Object> plain, final Map<String, Object> tls) {
        final long plainRate = number(plain.get("messagesPerSecond"));
        final long tlsRate = number(tls.get("messagesPerSecond"));
        System.out.println();
        System.out.println("TLS side by side (same scenario, same machine, one run after the other):");
        System.out.printf("  %-28s %14s %14s %9s%n", "", "plain ws://", "TLS wss://", "TLS cost");
        System.out.printf("  %-28s %,14d %,14d %8.1f%%%n", "throughput, msgs/s", plainRate, tlsRate,
            plainRate == 0 ? 0.0 : 100.0 * (plainRate - tlsRate) / plainRate);
        for (final String kind : List.of("oneWayLatencyUs", "roundTripLatencyUs")) {
            final Map<String, Object> p = (Map<String, Object>) plain.get(kind);
            final Map<String, Object> t = (Map<String, Object>) tls.get(kind);
            if (p == null || t == null || number(p.get("count")) == 0) {
                continue;
            }
            for (final String q : List.of("p50", "p99")) {
                final long pv = number(p.get(q));
                final long tv = number(t.get(q));
                System.out.printf("  %-28s %,14d %,14d %8.1f%%%n",
                    (kind.startsWith("one") ? "one-way " : "round trip ") + q + ", µs", pv, tv,
                    pv == 0 ? 0.0 : 100.0 * (tv - pv) / pv);
            }
        }
        final Map<String, Object> handshake = (Map<String, Object>) tls.get("tlsHandshake");
        if (handshake != null) {
            final Map<String, Object> full = (Map<String, Object>) handshake.get("fullUs");
            final Map<String, Object> resumed = (Map<String, Object>) handshake.get("resumedUs");
            System.out.printf("  TLS 1.3 handshake with a node (TCP connect included, mutual certificates, %d each):"
                    + " full p50 %,d µs, p99 %,d µs; resumed p50 %,d µs, p99 %,d µs%n", number(full.get("count")),
                number(full.get("p50")), number(full.get("p99")), number(resumed.get("p50")),
                number(resumed.get("p99")));
        }
    }

    /** @return the pass's result, or null when it failed (said on stderr) */
    private Map<String, Object> runPass(final boolean tls) throws Exception {
        final Path root = Files.createTempDirectory("hamlet-bench-");
        final Path tlsDir = tls ? TlsHandshakeProbe.writeFiles(root.resolve("tls"), o.nodes()) : null;
        if (o.tls()) {
            System.out.println(tls ? "\n==== pass 2 of 2: TLS links (wss://, mutual certificates) ===="
                : "==== pass 1 of 2: plain links (ws://) ====");
        }
        System.out.printf("bench %s: %d nodes x %d sender/recorder pairs, %d sending, %s, %d-byte bodies, window %d,"
                + " ack every %d; %d s warm-up, %d s measured (nodes in %s)%n", o.scenario(), o.nodes(), o.actors(),
            o.sendingNodes(), o.ratePerNode() == 0 ? "as fast as flow control allows"
                : o.ratePerNode() + " msgs/s per sending node", o.bodyBytes(), o.window(), o.ackEvery(),
            o.warmupSeconds(), o.durationSeconds(), root);
        try {
            startNodes(root, tlsDir);
            final Map<String, Object> result = measure();
            long ups = 0;
            long drops = 0;
            for (final BenchNode node : nodes) {
                ups += node.linkEvents(" up ");
                drops += node.linkEvents(" down: ") + node.linkEvents(" lost: ");
            }
            @SuppressWarnings("unchecked")
            final Map<String, Object> checks = (Map<String, Object>) result.get("checks");
            checks.put("linkDrops", drops);
            final List<String> gossip = new ArrayList<>();
            long suspicions = 0;
            long declaredDead = 0;
            for (final BenchNode node : nodes) {
                final Map<String, Long> c = gossipCounters(node);
                suspicions += c.getOrDefault("suspicions.started", 0L);
                declaredDead += c.getOrDefault("members.declared-dead", 0L);
                gossip.add("node" + node.number + " " + c.getOrDefault("probes.sent", 0L) + " probes ("
                    + c.getOrDefault("probes.failed", 0L) + " failed), rtt p50/p99/max "
                    + c.getOrDefault("probe-rtt-ms.p50", -1L) + "/" + c.getOrDefault("probe-rtt-ms.p99", -1L) + "/"
                    + c.getOrDefault("probe-rtt-ms.max", -1L) + " ms");
            }
            checks.put("gossipSuspicions", suspicions);
            checks.put("gossipDeclaredDead", declaredDead);
            BenchReport.print(result, o.scenario());
            System.out.println("links from the nodes' logs: " + ups + " up, " + drops + " dropped during the run");
            // Probes ride the control lane ahead of data, but behind what is already in the socket: their round trip
            // under full load says whether failure detection stays honest while the links are busy.
            System.out.println("gossip under load: " + suspicions + " suspicions, " + declaredDead
                + " members declared dead; " + String.join("; ", gossip) + " (rtt of the last 256 probes)");
            if (tls) {
                result.put("tlsHandshake", TlsHandshakeProbe.measure(tlsDir, nodes.get(0).transportPort()));
            }
            if (o.json() != null && !o.tls()) {
                BenchReport.writeJson(result, o.json());
            }
            stopNodes();
            deleteTree(root);
            return result;
        } catch (final RuntimeException | IOException | java.security.GeneralSecurityException e) {
            progress.end();
            System.err.println("bench failed: " + e.getMessage() + "\nthe nodes' logs are in " + root);
            return null;
        }
    }

    private void startNodes(final Path root, final Path tlsDir) throws IOException, InterruptedException {
        final long startNs = System.nanoTime();
        for (int i = 1; i <= o.nodes(); i++) {
            nodes.add(BenchNode.prepare(i, root));
        }
        final String actors = "    sender { behavior = sender, instances = " + o.actors() + " }\n"
            + "    recorder { behavior = recorder, instances = " + o.actors() + ", config { ackEvery = "
            + o.ackEvery() + " } }";
        for (final BenchNode node : nodes) {
            final List<String> seeds = nodes.stream().filter(n -> n.number > node.number).map(BenchNode::url)
                .toList();
            node.start(o, seeds, actors, tlsDir);
        }
        for (final BenchNode node : nodes) {
            await(node, startNs, "its " + o.actors() + " recorders and senders", () -> {
                final AdminClient.Response r = node.admin.get("/api/actors");
                return r.status() == 200 && occurrences(r.body(), "\"behavior\":\"recorder\"") >= o.actors()
                    && occurrences(r.body(), "\"behavior\":\"sender\"") >= o.actors();
            });
        }
        for (final BenchNode node : sending()) {
            final String target = target(node).id + ":recorder-1";
            await(node, startNs, "a link to " + target, () -> ask(node, target,
                Map.of("task", "stats")).join().status() == 200);
        }
        progress.end();
        System.out.println("bench: " + o.nodes() + " nodes up and linked");
    }

    private Map<String, Object> measure() throws IOException, InterruptedException {
        final long durationMs = TimeUnit.SECONDS.toMillis(o.warmupSeconds() + o.durationSeconds() + 60L);
        final List<CompletableFuture<AdminClient.Response>> started = new ArrayList<>();
        for (final BenchNode node : sending()) {
            for (int k = 1; k <= o.actors(); k++) {
                final Map<String, Object> task = new LinkedHashMap<>();
                task.put("task", "send");
                task.put("to", target(node).id + ":recorder-" + k);
                task.put("count", 0);
                task.put("durationMs", durationMs);
                task.put("rate", o.ratePerSender());
                task.put("window", o.window());
                task.put("bodyBytes", o.bodyBytes());
                started.add(ask(node, "sender-" + k, task));
            }
        }
        expectReplies(started, "start");
        final LoadWatch watch = new LoadWatch(nodes, progress);
        watch.warmUp(o.warmupSeconds());
        expectReplies(everyActor("recorder", "reset", nodes), "reset");
        expectReplies(everyActor("sender", "reset", sending()), "reset");
        final double[] cpu0 = cpu();
        final long t0 = System.nanoTime();
        final ThroughputSeries perSecond = watch.measure(t0, o.durationSeconds());
        final double[] cpu1 = cpu();
        final long t1 = System.nanoTime();
        progress.show("stopping the senders, collecting the results", o.durationSeconds(), o.durationSeconds(), "");
        expectReplies(everyActor("sender", "stop", sending()), "stop");
        awaitQuiet();
        final List<Map<?, ?>> recorders = expectReplies(everyActor("recorder", "stats", nodes), "stats");
        final List<Map<?, ?>> senders = expectReplies(everyActor("sender", "stats", sending()), "stats");
        progress.end();
        final Map<String, Object> result = result(recorders, senders, cpu0, cpu1, t1 - t0);
        final Map<String, Object> overTime = new LinkedHashMap<>();
        overTime.put("bucketSeconds", perSecond.bucketSeconds());
        overTime.put("messagesPerSecond", Arrays.stream(perSecond.values()).mapToObj(Math::round).toList());
        result.put("throughputOverTime", overTime);
        return result;
    }

    private Map<String, Object> result(final List<Map<?, ?>> recorders, final List<Map<?, ?>> senders,
                                       final double[] cpu0, final double[] cpu1, final long wallNs) {
        final BenchReport report = new BenchReport();
        for (final Map<?, ?> r : recorders) {
            report.recorder(number(Json.at(r, "window", "received")), number(Json.at(r, "window", "firstNanos")),
                number(Json.at(r, "window", "lastNanos")), number(r.get("duplicates")), number(r.get("gaps")),
                number(r.get("outOfOrder")), (String) r.get("latency"));
            report.recorderWholeRun(number(r.get("received")));
        }
        for (final Map<?, ?> s : senders) {
            report.sender(number(s.get("sent")), (String) s.get("rtt"));
            for (final Object n : ((Map<?, ?>) s.get("deadLetters")).values()) {
                report.deadLetters(number(n));
            }
        }
        return report.result(new BenchReport.Setup(null, o.scenario(), o.nodes(), o.actors(), o.sendingNodes(),
                o.ratePerNode(), o.bodyBytes(), o.window(), o.ackEvery(), o.warmupSeconds()),
            nodes.stream().map(n -> n.id).toList(), cpu0, cpu1, wallNs);
    }

    private List<BenchNode> sending() {
        return nodes.subList(0, o.sendingNodes());
    }

    private BenchNode target(final BenchNode from) {
        return nodes.get(from.number % nodes.size());
    }

    private List<CompletableFuture<AdminClient.Response>> everyActor(final String behavior, final String task,
                                                                     final List<BenchNode> on) {
        final List<CompletableFuture<AdminClient.Response>> replies = new ArrayList<>();
        for (final BenchNode node : on) {
            for (int k = 1; k <= o.actors(); k++) {
                replies.add(ask(node, behavior + "-" + k, Map.of("task", task)));
            }
        }
        return replies;
    }

    private static CompletableFuture<AdminClient.Response> ask(final BenchNode node, final String to,
                                                              final Object body) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("to", to);
        request.put("body", body);
        request.put("timeoutMs", 10_000);
        return node.admin.postAsync("/api/ask", request);
    }

    /** Waits for every reply; each must be a 200 without an error. */
    private static List<Map<?, ?>> expectReplies(final List<CompletableFuture<AdminClient.Response>> replies,
                                                 final String what) {
        final List<Map<?, ?>> out = new ArrayList<>();
        for (final CompletableFuture<AdminClient.Response> f : replies) {
            final AdminClient.Response r = f.join();
            final Object reply = Json.at(r.json(), "reply");
            if (r.status() != 200 || !(reply instanceof Map<?, ?> map) || map.containsKey("error")) {
                throw new IllegalStateException(what + " failed: " + r.status() + " " + r.body());
            }
            out.add(map);
        }
        return out;
    }

    /** Waits until the recorders' total stops growing: what was in flight when the senders stopped has arrived. */
    private void awaitQuiet() throws InterruptedException {
        long before = -1;
        for (int i = 0; i < 40; i++) {
            long total = 0;
            for (final Map<?, ?> r : expectReplies(everyActor("recorder", "stats", nodes), "stats")) {
                total += number(r.get("received"));
            }
            if (total == before) {
                return;
            }
            before = total;
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private double[] cpu() throws IOException {
        final double[] out = new double[nodes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nodes.get(i).cpuSeconds();
        }
        return out;
    }

    private interface Check {
        boolean holds() throws IOException, InterruptedException;
    }

    /**
     * Waits until check holds, showing what it waits for on the progress line.
     *
     * @param startNs when the nodes began to start: the progress line counts from there
     */
    private void await(final BenchNode node, final long startNs, final String what, final Check check)
        throws InterruptedException {
        final long deadline = System.nanoTime() + READY_DEADLINE_NS;
        while (true) {
            progress.show("starting nodes", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs), 0,
                "waiting for " + node.id + ": " + what);
            try {
                if (check.holds()) {
                    return;
                }
            } catch (final IOException | RuntimeException notYet) {
                // The node is still starting: its API or the link is not there yet.
            }
            if (!node.alive()) {
                throw new IllegalStateException(node.id + " exited while waiting for " + what + "; see "
                    + node.dir.resolve("node.log"));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(node.id + ": no " + what + " within 90 s; see "
                    + node.dir.resolve("node.log"));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private void stopNodes() {
        nodes.forEach(BenchNode::close);
    }

    private static long number(final Object n) {
        return n == null ? 0 : ((Number) n).longValue();
    }

    private static int occurrences(final String text, final String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    private static void deleteTree(final Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
