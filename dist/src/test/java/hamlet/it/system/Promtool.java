package hamlet.it.system;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's {@code promtool}: found on the PATH (or {@code -Dhamlet.promtool=PATH}), else installed from Debian's
 * {@code prometheus} package when the test runs as root with apt-get (as the lab installs nftables). No service is
 * started by the install: a {@code policy-rc.d} that refuses every start is put in place for it when the machine
 * has none, and taken away after.
 */
final class Promtool {
    private static final Path DEFAULT = Path.of("/usr/bin/promtool");
    private static final Path POLICY = Path.of("/usr/sbin/policy-rc.d");
    private static final long RUN_TIMEOUT_S = 60;

    private Promtool() {
    }

    /** @param path the executable, or null; @param whyNot why there is none */
    record Found(Path path, String whyNot) {
    }

    /** What promtool said. */
    record Result(int exit, String output) {
    }

    /** @return promtool, installing it if need be and possible */
    static Found find() throws IOException, InterruptedException {
        final String configured = System.getProperty("hamlet.promtool");
        if (configured != null) {
            return Files.isExecutable(Path.of(configured)) ? new Found(Path.of(configured), null)
                : new Found(null, "-Dhamlet.promtool=" + configured + " is not an executable");
        }
        final Path onPath = onPath();
        if (onPath != null) {
            return new Found(onPath, null);
        }
        final String why = install();
        return Files.isExecutable(DEFAULT) ? new Found(DEFAULT, null) : new Found(null, why);
    }

    private static Path onPath() {
        final String path = System.getenv("PATH");
        for (final String dir : (path == null ? "" : path).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool");
            }
        }
        return Files.isExecutable(DEFAULT) ? DEFAULT : null;
    }

    /** @return why it could not be installed, or null */
    private static String install() throws IOException, InterruptedException {
        final boolean ownPolicy = !Files.exists(POLICY);
        if (ownPolicy) {
            // Exit 101 is "action forbidden" to invoke-rc.d: the package's postinst does not start Prometheus.
            Files.writeString(POLICY, "#!/bin/sh\nexit 101\n", StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(POLICY, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try {
            return DebianPackages.install("MetricsIT", "promtool", "--no-install-recommends", "prometheus");
        } finally {
            if (ownPolicy) {
                Files.deleteIfExists(POLICY);
            }
        }
    }

    /**
     * @param promtool the executable
     * @param stdin what to feed it, or null
     * @param args its arguments
     * @return its exit code and its output (stdout and stderr together)
     */
    static Result run(final Path promtool, final String stdin, final String... args)
        throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + args[0] + " did not end within " + RUN_TIMEOUT_S + " s");
        }
        return new Result(process.exitValue(), output);
    }
}
