package hamlet.it.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs a Debian package a system test needs (chromium, prometheus) when the test runs as root on a machine with
 * apt-get, so that CI on a fresh machine runs the test rather than skipping it; elsewhere it says why not, for the
 * test to skip with that reason.
 */
final class DebianPackages {
    private static final long INSTALL_TIMEOUT_S = 600;

    private DebianPackages() {
    }

    /**
     * @param test who asks, for the line printed before the install
     * @param what what is missing, for the messages
     * @param packageArgs what follows {@code apt-get install -y -q}
     * @return why it could not be installed, or null when it was
     */
    static String install(final String test, final String what, final String... packageArgs)
        throws IOException, InterruptedException {
        final String command = "apt-get install " + String.join(" ", packageArgs);
        if (!"root".equals(System.getProperty("user.name"))) {
            return "no " + what + " and not root to install it (" + command + ")";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return "no " + what + " and no apt-get to install it with";
        }
        System.out.println(test + ": no " + what + "; installing it with " + command);
        final List<String> install = new ArrayList<>(List.of("install", "-y", "-q"));
        install.addAll(List.of(packageArgs));
        // The package lists of a fresh machine may be missing or stale: update once and try again.
        if (apt(install) == 0 || apt(List.of("update", "-q")) == 0 && apt(install) == 0) {
            return null;
        }
        return command + " failed (see the output above)";
    }

    private static int apt(final List<String> args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(args);
        final ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        final Process apt = pb.start();
        if (!apt.waitFor(INSTALL_TIMEOUT_S, TimeUnit.SECONDS)) {
            apt.destroyForcibly();
            return -1;
        }
        return apt.exitValue();
    }
}
