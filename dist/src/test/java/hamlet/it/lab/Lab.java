package hamlet.it.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's network, driven through {@code src/test/lab/lab.sh} (failsafe runs in the dist module's directory):
 * host N is the network namespace {@code hamlet-lab-N}, with address 10.77.0.N on the data network (the nodes'
 * transport) and 10.77.1.N on the management network, which the test JVM reaches from the root namespace
 * (10.77.1.254) for the nodes' admin APIs. Faults (cable, loss, partition) act on the data network only. Once
 * {@link #up} ran, {@link #down} runs at the latest in a JVM shutdown hook, so that the lab's namespaces and links go
 * even when a test fails or the run is interrupted. Used by one test thread.
 */
final class Lab implements AutoCloseable {
    /** The script: a lab command takes well under this; up may install nftables first. */
    private static final long COMMAND_TIMEOUT_S = 120;
    private static final Pattern PACKETS = Pattern.compile("counter packets (\\d+)");

    private final Path script;
    private final AtomicBoolean up = new AtomicBoolean();
    private final Thread downAtExit = new Thread(this::downQuietly, "hamlet-lab-down");

    Lab() {
        this.script = Path.of("src", "test", "lab", "lab.sh").toAbsolutePath();
    }

    /** @return the data address of host N (its node's hamlet.node.host) */
    static String dataAddress(final int host) {
        return "10.77.0." + host;
    }

    /** @return the management address of host N (its node's hamlet.admin.host) */
    static String adminAddress(final int host) {
        return "10.77.1." + host;
    }

    /** @return the prefix that runs a command in host N's namespace (ip netns exec execs it: same process) */
    static List<String> inHost(final int host) {
        return List.of("ip", "netns", "exec", "hamlet-lab-" + host);
    }

    /** @return why the lab cannot run on this machine, or null when it can (root, ip netns usable) */
    String unusableReason() throws IOException, InterruptedException {
        if (!Files.isRegularFile(script)) {
            return "no lab script at " + script;
        }
        final Result uid = run(List.of("id", "-u"));
        if (uid.code != 0 || !uid.output.strip().equals("0")) {
            return "not root (uid " + uid.output.strip() + "): the lab needs root for network namespaces";
        }
        final Result check = run(command("check"));
        return check.code == 0 ? null : check.output.strip();
    }

    /** Creates hosts 1..n (after removing any earlier lab). */
    void up(final int hosts) throws IOException, InterruptedException {
        if (up.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(downAtExit);
        }
        lab("up", Integer.toString(hosts));
    }

    void cable(final int host, final boolean plugged) throws IOException, InterruptedException {
        lab("cable", Integer.toString(host), plugged ? "up" : "down");
    }

    /** Drops this share of the packets coming in to host N on the data network; 0 removes the loss. */
    void loss(final int host, final int percent) throws IOException, InterruptedException {
        lab("loss", Integer.toString(host), Integer.toString(percent));
    }

    /** @return how many packets host N's loss table dropped so far (0 when it has none) */
    long lossDrops(final int host) throws IOException, InterruptedException {
        final Result r = run(command("exec", Integer.toString(host), "nft", "list", "table", "inet",
            "hamlet-lab-loss"));
        long dropped = 0;
        final Matcher m = PACKETS.matcher(r.code == 0 ? r.output : "");
        while (m.find()) {
            dropped += Long.parseLong(m.group(1));
        }
        return dropped;
    }

    /** @param sides e.g. "1,2|3" */
    void partition(final String sides) throws IOException, InterruptedException {
        lab("partition", sides);
    }

    void heal() throws IOException, InterruptedException {
        lab("heal");
    }

    /** Every cable in, no loss, no partition. */
    void clear() throws IOException, InterruptedException {
        lab("clear");
    }

    /** Sends a signal (STOP, CONT) to a process of the lab, by pid. */
    static void signal(final long pid, final String signal) throws IOException, InterruptedException {
        final Result r = run(List.of("kill", "-" + signal, Long.toString(pid)));
        if (r.code != 0) {
            throw new AssertionError("kill -" + signal + " " + pid + ": " + r.output);
        }
    }

    /** Removes the lab's namespaces and links (idempotent); the nodes left in them are killed by the script. */
    void down() throws IOException, InterruptedException {
        if (up.get()) {
            lab("down");
        }
    }

    @Override
    public void close() {
        downQuietly();
        if (up.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(downAtExit);
            } catch (final IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway
            }
        }
    }

    private void downQuietly() {
        try {
            down();
        } catch (final IOException | RuntimeException | Error e) {
            System.err.println("Lab: down failed: " + e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> command(final String... args) {
        final List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private void lab(final String... args) throws IOException, InterruptedException {
        final Result r = run(command(args));
        if (r.code != 0) {
            throw new AssertionError("lab.sh " + String.join(" ", args) + " exited " + r.code + ":\n" + r.output);
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(final List<String> command) throws IOException, InterruptedException {
        final Path out = Files.createTempFile("hamlet-lab-", ".out");
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .start();
            p.getOutputStream().close();
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not end within " + COMMAND_TIMEOUT_S + " s:\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
