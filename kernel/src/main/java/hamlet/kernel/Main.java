package hamlet.kernel;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node launcher: {@code java -cp hamlet-kernel.jar:org.apache.felix.framework.jar hamlet.kernel.Main
 * [--home DIR] [--conf FILE] [--data DIR] [--deploy DIR] [--no-shell]}.
 *
 * <p>Exit codes: 0 when the framework stopped (SIGTERM, Ctrl-C, the shell's {@code stop 0} or {@code exit}),
 * 2 when the command line is wrong or the node cannot boot, 1 when the framework would not stop in time.
 *
 * <p>The launcher's own lines go to the real System.out/err captured before Felix starts: Gogo swaps System.out
 * for its own stream, and handing that stream back in recursed into a StackOverflowError.
 */
public final class Main {
    /** The shutdown hook gives the framework this long to stop. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** Set by the shutdown hook, which then reports the stop itself (the main thread may never get to it). */
    private static final AtomicBoolean SIGNALLED = new AtomicBoolean();

    static final int EXIT_OK = 0;
    static final int EXIT_STUCK = 1;
    static final int EXIT_BOOT_FAILED = 2;

    private Main() {
    }

    public static void main(final String[] args) {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final int code = run(args, out, err, true);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs a node until its framework stops.
     *
     * @param withHook true to stop the framework on SIGTERM/Ctrl-C; tests pass false to keep their JVM unhooked
     * @return the exit code
     */
    static int run(final String[] args, final PrintStream out, final PrintStream err, final boolean withHook) {
        final LaunchOptions options;
        try {
            options = LaunchOptions.parse(Arrays.asList(args), defaultHome());
        } catch (final UsageException e) {
            err.println("hamlet: " + e.getMessage());
            err.println(LaunchOptions.USAGE);
            return EXIT_BOOT_FAILED;
        }
        if (options.help()) {
            out.println(LaunchOptions.USAGE);
            return EXIT_OK;
        }
        final long t0 = System.nanoTime();
        final Node node = new Node(options, !options.noShell() && isInteractive(), err);
        try {
            node.prepare();
            out.println("hamlet: node starting, home=" + options.home() + ", conf=" + options.confFile()
                + ", bundles=" + node.systemBundles().size());
            if (withHook) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> onSignal(node, out, err), "hamlet-shutdown"));
            }
            node.boot();
        } catch (final BootException e) {
            err.println("hamlet: " + e.getMessage());
            return EXIT_BOOT_FAILED;
        }
        out.printf("hamlet: node ready in %.1f s (%d bundles, deploy=%s)%n",
            (System.nanoTime() - t0) / 1e9, node.bundleCount(), options.deployDir());
        try {
            node.awaitStopped();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!SIGNALLED.get()) {
            out.println("hamlet: node stopped");
        }
        return EXIT_OK;
    }

    /**
     * On SIGTERM or Ctrl-C: stop the framework and exit 0 once it has stopped. Halting from the hook is what makes
     * the exit code 0 rather than the JVM's 143 for a signal; nothing else in the JVM needs its hooks run.
     */
    private static void onSignal(final Node node, final PrintStream out, final PrintStream err) {
        SIGNALLED.set(true);
        if (!node.isRunning()) {
            return;
        }
        out.println("hamlet: stopping the node");
        final boolean stopped = node.stop(STOP_TIMEOUT);
        if (!stopped) {
            err.println("hamlet: the framework did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        } else {
            out.println("hamlet: node stopped");
        }
        out.flush();
        err.flush();
        Runtime.getRuntime().halt(stopped ? EXIT_OK : EXIT_STUCK);
    }

    /**
     * True when a person is at a terminal. From Java 22 System.console() is not null when redirected, so
     * Console.isTerminal() decides when it exists.
     */
    static boolean isInteractive() {
        final Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            final Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (final NoSuchMethodException e) {
            return true;
        } catch (final ReflectiveOperationException e) {
            return false;
        }
    }

    /** The distribution the kernel jar sits in (HOME/lib/hamlet-kernel.jar), else the working directory. */
    private static Path defaultHome() {
        try {
            final Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path lib = jar.getParent();
            if (Files.isRegularFile(jar) && lib != null && "lib".equals(String.valueOf(lib.getFileName()))
                && lib.getParent() != null) {
                return lib.getParent();
            }
        } catch (final URISyntaxException | RuntimeException e) {
            // no usable code source: fall back to the working directory
        }
        return Path.of("");
    }
}
