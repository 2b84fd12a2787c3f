package hamlet.tools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One node process of the cluster bench: its own config, data and deploy folders (the load bundle copied in), its
 * admin client, and its CPU time as Linux counts it. Used by the bench's main thread.
 */
final class BenchNode implements AutoCloseable {
    /** USER_HZ: the unit of /proc/PID/stat's times on Linux (100 on every common build). */
    private static final double TICKS_PER_SECOND = 100.0;

    final int number;
    final String id;
    final int transportPort;
    final AdminClient admin;
    final Path dir;
    private Process process;

    private BenchNode(final int number, final int transportPort, final int adminPort, final Path dir) {
        this.number = number;
        this.id = "node" + number;
        this.transportPort = transportPort;
        this.admin = new AdminClient(URI.create("http://127.0.0.1:" + adminPort));
        this.dir = dir;
    }

    /** Picks free loopback ports and writes the node's folder; does not start it. */
    static BenchNode prepare(final int number, final Path root) throws IOException {
        return new BenchNode(number, freePort(), freePort(), Files.createDirectories(root.resolve("node" + number)));
    }

    /**
     * Writes the config and starts {@code bin/hamlet node}.
     *
     * @param seeds the transport URLs this node dials
     * @param actors the body of its {@code hamlet.actors} block
     * @param tlsDir the folder of the cluster's TLS files (the node's own named by its id), or null for plain links
     */
    void start(final BenchOptions o, final List<String> seeds, final String actors, final Path tlsDir)
        throws IOException {
        final Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Files.copy(o.home().resolve("bench/hamlet-example-load.jar"), deploy.resolve("hamlet-example-load.jar"));
        final StringBuilder seedList = new StringBuilder();
        for (final String seed : seeds) {
            seedList.append(seedList.length() == 0 ? "" : ", ").append('"').append(seed).append('"');
        }
        final Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "hamlet {\n"
            + "  node { id = " + id + ", host = \"127.0.0.1\", port = " + transportPort + " }\n"
            + "  admin { host = \"127.0.0.1\", port = " + admin.base().getPort() + " }\n"
            + "  cluster.seeds = [" + seedList + "]\n"
            + "  actors {\n" + actors + "\n  }\n"
            + (tlsDir == null ? "" : "  tls { enabled = true, dir = \"" + tlsDir.toAbsolutePath() + "\" }\n")
            + "}\n");
        final ProcessBuilder pb = new ProcessBuilder(o.home().resolve("bin/hamlet").toString(), "node", "--no-shell",
            "--conf", conf.toString(), "--data", dir.resolve("data").toString(), "--deploy", deploy.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
        // HAMLET_* variables would override the bench's config.
        pb.environment().keySet().removeIf(k -> k.startsWith("HAMLET_") && !k.equals("HAMLET_JAVA_OPTS"));
        process = pb.start();
        process.getOutputStream().close();
    }

    /** @return where peers dial this node: host:port means ws:// or wss:// by the cluster's TLS setting */
    String url() {
        return "127.0.0.1:" + transportPort;
    }

    /** @return the node's transport port */
    int transportPort() {
        return transportPort;
    }

    /**
     * @param event {@code " up "}, {@code " down: "} or {@code " lost: "}
     * @return how many link lines of that kind this node logged so far: a bench pass whose links dropped measured
     *     reconnects and resends, not the transport's steady state
     */
    long linkEvents(final String event) throws IOException {
        final Path log = dir.resolve("node.log");
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("] link to ") && l.contains(event)).count();
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** @return user + system CPU seconds of the process so far (bin/hamlet execs the JVM: same pid) */
    double cpuSeconds() throws IOException {
        final String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        final long utime = Long.parseLong(f[11]);
        final long stime = Long.parseLong(f[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
