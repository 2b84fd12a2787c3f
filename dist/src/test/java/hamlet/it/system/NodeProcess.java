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
 * that a full pipe never blocks it), and a small client of its admin API. Used by one test thread.
 */
final class NodeProcess implements AutoCloseable {
    /** Generous for a loaded CI machine; every wait polls and returns as soon as it can. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI api;

    private NodeProcess(final Process process, final Path stdout, final Path stderr, final int adminPort) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.api = URI.create("http://127.0.0.1:" + adminPort);
    }

    /** The distribution the build made (failsafe runs in the dist module's directory). */
    static Path distribution() {
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
        final List<String> command = new ArrayList<>(List.of(home.resolve("bin/hamlet").toString(), "node",
            "--no-shell"));
        command.addAll(List.of(args));
        final Path out = logs.resolve("node.out");
        final Path err = logs.resolve("node.err");
        final ProcessBuilder pb = new ProcessBuilder(command)
            .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        // HAMLET_* variables are config overrides: the test's config must be the only one.
        pb.environment().keySet().removeIf(k -> k.startsWith("HAMLET_"));
        final Process process = pb.start();
        process.getOutputStream().close();
        return new NodeProcess(process, out, err, adminPort);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    Process process() {
        return process;
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Both outputs, for a failure message. */
    String dump() {
        return "---- node stdout ----\n" + stdout() + "---- node stderr ----\n" + stderr() + "----";
    }

    /** One answer of the admin API, its body parsed (null when the body is not JSON). */
    record Reply(int status, JsonElement json, String body) {
        JsonElement at(final String... path) {
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

    Reply get(final String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    Reply post(final String path, final String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10))
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
