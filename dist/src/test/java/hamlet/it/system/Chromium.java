package hamlet.it.system;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, for the dashboard's browser test: found at {@code /usr/bin/chromium} (or
 * {@code -Dhamlet.chromium=PATH}), installed with apt-get when missing and the test runs as root (as the lab installs
 * nftables), started with a fresh empty profile and {@code --remote-debugging-port=0}, whose DevTools address is read
 * from the profile's {@code DevToolsActivePort}. {@link #close} ends the browser (and the processes it started) and
 * removes the profile. Used by one test thread.
 */
final class Chromium implements AutoCloseable {
    private static final Path DEFAULT = Path.of("/usr/bin/chromium");
    private static final long START_TIMEOUT_S = 30;

    /** Flags this machine needs: no sandbox (root, containers), no GPU, nothing fetched from Google's servers. */
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0");

    private final Process process;
    private final Path profile;
    private final URI browserSocket;

    private Chromium(final Process process, final Path profile, final URI browserSocket) {
        this.process = process;
        this.profile = profile;
        this.browserSocket = browserSocket;
    }

    /**
     * @return the browser to run, or why there is none (the test is skipped with that reason)
     */
    static Found find() throws IOException, InterruptedException {
        final String configured = System.getProperty("hamlet.chromium");
        if (configured != null && !configured.isBlank()) {
            final Path path = Path.of(configured);
            return Files.isExecutable(path) ? new Found(path, null)
                : new Found(null, "-Dhamlet.chromium=" + configured + " is not an executable");
        }
        if (Files.isExecutable(DEFAULT)) {
            return new Found(DEFAULT, null);
        }
        final String why = install();
        return Files.isExecutable(DEFAULT) ? new Found(DEFAULT, null) : new Found(null, why);
    }

    /** @param path the executable, or null; @param whyNot why there is none */
    record Found(Path path, String whyNot) {
    }

    /** Installs Debian's chromium as root; @return why it could not, or null */
    private static String install() throws IOException, InterruptedException {
        return DebianPackages.install("DashboardIT", DEFAULT.toString(), "chromium");
    }

    /**
     * Starts the browser with a new empty profile under {@code dir}.
     *
     * @param executable chromium
     * @param dir where the profile and the browser's output go
     */
    static Chromium start(final Path executable, final Path dir) throws IOException, InterruptedException {
        final Path profile = Files.createTempDirectory(Files.createDirectories(dir), "profile-");
        final List<String> command = new java.util.ArrayList<>(List.of(executable.toString()));
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + profile);
        command.add("about:blank");
        final Process process = new ProcessBuilder(command)
            .redirectOutput(dir.resolve("chromium.out").toFile())
            .redirectError(dir.resolve("chromium.err").toFile()).start();
        final Path activePort = profile.resolve("DevToolsActivePort");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (true) {
            if (Files.exists(activePort)) {
                final List<String> lines = Files.readAllLines(activePort, StandardCharsets.UTF_8);
                if (lines.size() >= 2) {
                    return new Chromium(process, profile,
                        URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip()));
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited (" + process.exitValue() + ") at start: "
                    + Files.readString(dir.resolve("chromium.err")));
            }
            if (System.nanoTime() - deadline > 0) {
                process.destroyForcibly();
                throw new IllegalStateException("chromium wrote no DevToolsActivePort within " + START_TIMEOUT_S
                    + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** @return the browser's DevTools WebSocket address */
    URI browserSocket() {
        return browserSocket;
    }

    @Override
    public void close() throws InterruptedException {
        // Its renderer and GPU processes are its children: end them too, by their pids.
        final List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> paths = Files.walk(profile)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (final IOException e) {
            System.out.println("DashboardIT: profile " + profile + " not removed: " + e);
        }
    }
}
