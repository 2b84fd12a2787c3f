package hamlet.it.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

/**
 * One {@code bin/hamlet node} run as a real process of the built distribution, its stdout and stderr in files (so
 * that a full pipe never blocks it), and a small client of its admin API. Used by one test thread. Public for the
 * lab tests (hamlet.it.lab), which start nodes inside network namespaces through {@link #startIn}.
 */
public final class NodeProcess implements AutoCloseable {
    /** Generous for a loaded CI machine; every wait polls and returns as soon as it can. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI api;
    /** The admin API's bearer token, sent with every request when set (a node whose API is off loopback). */
    private volatile String token;

    private NodeProcess(final Process process, final Path stdout, final Path stderr, final URI api) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.api = api;
    }

    /** The distribution the build made (failsafe runs in the dist module's directory). */
    public static Path distribution() {
        final Path home = Path.of("target", "hamlet").toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/hamlet"))) {
            throw new IllegalStateException("no distribution at " + home + ": run the package phase first");
        }
        return home;
    }

    /**
     * Starts {@code HOME/bin/hamlet node --no-shell ARGS...}.
     *
     * @param adminPort where the node's admin API will listen (the node's config must say so)
     * @param logs      where to put the process's stdout and stderr
     */
    static NodeProcess start(final Path home, final int adminPort, final Path logs, final String... args)
        throws IOException {
        return start(home, adminPort, logs, Map.of(), args);
    }

    /**
     * Starts {@code HOME/bin/hamlet node --no-shell ARGS...} with these environment variables set (after the
     * inherited {@code HAMLET_*} ones were removed), e.g. {@code HAMLET_JAVA_OPTS}.
     */
    static NodeProcess start(final Path home, final int adminPort, final Path logs, final Map<String, String> env,
                             final String... args) throws IOException {
        return startIn(List.of(), URI.create("http://127.0.0.1:" + adminPort), home, logs, env, args);
    }

    /**
     * Starts {@code PREFIX... HOME/bin/hamlet node --no-shell ARGS...}, e.g. with the prefix {@code ip netns exec
     * NAME} (which execs the rest, so that the process is still the node's JVM), with these environment variables
     * set (after the inherited {@code HAMLET_*} ones were removed).
     *
     * @param api where the node's admin API answers (the node's config must say so)
     */
    public static NodeProcess startIn(final List<String> prefix, final URI api, final Path home, final Path logs,
                                      final Map<String, String> env, final String... args) throws IOException {
        final List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(home.resolve("bin/hamlet").toString(), "node", "--no-shell"));
        command.addAll(List.of(args));
        final Path out = logs.resolve("node.out");
        final Path err = logs.resolve("node.err");
        final ProcessBuilder pb = new ProcessBuilder(command)
            .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        // HAMLET_* variables are config overrides: the test's config must be the only one.
        pb.environment().keySet().removeIf(k -> k.startsWith("HAMLET_"));
        pb.environment().putAll(env);
        final Process process = pb.start();
        process.getOutputStream().close();
        return new NodeProcess(process, out, err, api);
    }

    static int freePort() throws IOException {
        // Not port 0: the kernel hands those out from the ephemeral range, the same one every outgoing connection
        // (a node's dial, the test's HTTP client, a browser) takes its local port from, so one of them could hold the
        // port by the time the node binds it seconds later; a CI run lost a node's transport to that. Below the
        // ephemeral range (Linux: 32768 and up) only another listener can take it.
        final java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            final int port = random.nextInt(FIRST_TEST_PORT, LAST_TEST_PORT + 1);
            // Free now is not enough: a port handed out a moment ago is not bound yet (a CI run gave two nodes of one
            // test the same admin port). Never the same one twice in this JVM.
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(port)) {
                    return socket.getLocalPort();
                }
            } catch (final IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in " + FIRST_TEST_PORT + ".." + LAST_TEST_PORT + " after 200 tries");
    }

    /** The ports tests give their nodes: above the usual services, below the ephemeral range. */
    private static final int FIRST_TEST_PORT = 20_000;
    private static final int LAST_TEST_PORT = 32_000;
    /** Every port {@link #freePort} returned in this JVM: a few hundred of the 12,000. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Process process() {
        return process;
    }

    /** The node's JVM (bin/hamlet execs java, so the script's process is the JVM). */
    public long pid() {
        return process.pid();
    }

    /**
     * The node's threads as {@code jcmd PID Thread.print} shows them (or {@code jstack PID} when jcmd is not
     * there), with the JVM's own check for Java-level deadlocks at the end.
     *
     * @throws AssertionError when neither tool could take a dump: a deadlock check must not pass for want of one
     */
    public String threadDump() throws IOException, InterruptedException {
        final StringBuilder failures = new StringBuilder();
        for (final List<String> command : List.of(List.of(jdkTool("jcmd"), Long.toString(pid()), "Thread.print"),
            List.of(jdkTool("jstack"), Long.toString(pid())))) {
            final Path out = Files.createTempFile("hamlet-threads-", ".txt");
            try {
                final Process tool;
                try {
                    tool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .start();
                } catch (final IOException notThere) {
                    failures.append(command.get(0)).append(": ").append(notThere.getMessage()).append('\n');
                    continue;
                }
                if (!tool.waitFor(30, TimeUnit.SECONDS)) {
                    tool.destroyForcibly();
                    failures.append(command).append(": no dump within 30 s\n");
                    continue;
                }
                final String dump = Files.readString(out, StandardCharsets.UTF_8);
                if (tool.exitValue() == 0 && dump.contains("Full thread dump")) {
                    return dump;
                }
                failures.append(command).append(" exited ").append(tool.exitValue()).append(": ").append(dump)
                    .append('\n');
            } finally {
                Files.deleteIfExists(out);
            }
        }
        throw new AssertionError("no thread dump of the node (pid " + pid() + ") could be taken:\n" + failures);
    }

    /** A JDK tool beside the java running this test, else from the PATH. */
    private static String jdkTool(final String name) {
        final Optional<Path> beside = ProcessHandle.current().info().command().map(Path::of)
            .map(java -> java.resolveSibling(name)).filter(Files::isExecutable);
        return beside.map(Path::toString).orElse(name);
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Both outputs, for a failure message. */
    public String dump() {
        return "---- node stdout ----\n" + stdout() + "---- node stderr ----\n" + stderr() + "----";
    }

    /** One answer of the admin API, its body parsed (null when the body is not JSON). */
    public record Reply(int status, JsonElement json, String body) {
        public JsonElement at(final String... path) {
            JsonElement e = json;
            for (final String key : path) {
                if (e == null || !e.isJsonObject()) {
                    return null;
                }
                e = e.getAsJsonObject().get(key);
            }
            return e;
        }
    }

    /**
     * @param bearer the token of a node whose admin API requires one ({@code hamlet.admin.token})
     * @return this
     */
    public NodeProcess token(final String bearer) {
        this.token = bearer;
        return this;
    }

    private HttpRequest.Builder request(final String path) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10));
        final String t = token;
        return t == null ? b : b.header("Authorization", "Bearer " + t);
    }

    public Reply get(final String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    public Reply post(final String path, final String body) throws IOException, InterruptedException {
        return send(request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Polls GET path until the condition holds of the reply; fails with the last reply and the node's output. */
    Reply awaitGet(final String path, final String what, final Predicate<Reply> condition)
        throws InterruptedException {
        final Reply[] last = new Reply[1];
        final String[] error = {"no answer yet"};
        await(what, () -> {
            try {
                last[0] = get(path);
                return condition.test(last[0]);
            } catch (final IOException e) {
                error[0] = e.toString();
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> last[0] == null ? error[0] : last[0].status() + " " + last[0].body());
        return last[0];
    }

    /** Polls until the condition holds or {@link #DEADLINE} passes, or the node process ends. */
    void await(final String what, final BooleanSupplier condition, final Supplier<String> lastSeen)
        throws InterruptedException {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("the node exited (" + process.exitValue() + ") while waiting for: " + what
                    + "\n" + dump());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what + "; last seen: "
                    + lastSeen.get() + "\n" + dump());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Sends SIGTERM (Process.destroy does) and waits for the exit. */
    int terminate(final Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the node did not exit within " + within.toSeconds() + " s of SIGTERM\n"
                + dump());
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private Reply send(final HttpRequest request) throws IOException, InterruptedException {
        final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonElement json;
        try {
            json = JsonParser.parseString(r.body());
        } catch (final RuntimeException notJson) {
            json = null;
        }
        return new Reply(r.statusCode(), json, r.body());
    }

    private static String read(final Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the distribution, keeping bin/hamlet executable, without the state of nodes run from it. */
    static Path copyOf(final Path from, final Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (final Path source : paths.toList()) {
                final String relative = from.relativize(source).toString();
                if (relative.equals("data") || relative.startsWith("data/") || relative.startsWith("logs/")) {
                    continue;
                }
                final Path target = to.resolve(relative);
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
