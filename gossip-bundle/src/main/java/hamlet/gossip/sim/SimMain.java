package hamlet.gossip.sim;

import hamlet.gossip.internal.GossipSettings;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the membership's figures from the simulator: for each cluster size, how many probe periods a join through
 * one seed takes, how fast a crash is detected, how often a live node is declared dead under message loss, and the
 * bytes each node sends. Settings are {@link GossipSettings#defaults()}; the network delays each message 1 to 2 ms.
 *
 * <pre>
 * usage: hamlet sim [--sizes 5,50,500,1000] [--seed 42] [--loss 0.05] [--loss-seconds T] [--steady-seconds 5]
 *                   [--detect-seconds 10] [--join-limit-seconds 120]
 *   --sizes N,...           cluster sizes, one run each (default 5,50,500,1000)
 *   --seed S                the seed every run derives from: the same seed prints the same table (default 42)
 *   --loss P                message loss of the loss phase, 0 to 1 (default 0.05)
 *   --loss-seconds T        virtual seconds under loss, over which false DEAD declarations are counted (default
 *                           60 up to 50 nodes, then 3000/n, at least 5: about the same node-hours for each size)
 *   --steady-seconds T      virtual seconds without faults over which bytes are measured (default 5, one
 *                           push-pull interval)
 *   --detect-seconds T      the most virtual seconds waited for every node to declare the crashed one dead
 *                           (default 10)
 *   --join-limit-seconds T  virtual seconds a join may take before it counts as not converged (default 120)
 * </pre>
 *
 * Progress goes to stderr, the table to stdout. Exit status: 0, or 2 on a bad option, 1 if the membership threw.
 */
public final class SimMain {
    private SimMain() {
    }

    public static void main(final String[] args) {
        final Args parsed;
        try {
            parsed = Args.parse(args);
        } catch (final IllegalArgumentException e) {
            System.err.println("hamlet sim: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (parsed.help) {
            System.out.println(usage());
            return;
        }
        try {
            run(parsed, System.out, System.err);
        } catch (final IllegalStateException e) {
            System.err.println("hamlet sim: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    static void run(final Args args, final PrintStream out, final PrintStream progress) {
        final GossipSettings settings = GossipSettings.defaults();
        final SimFigures.Options options = new SimFigures.Options(args.seed, settings, args.loss,
            args.joinLimitSeconds * 1000, args.steadySeconds * 1000, args.lossSeconds * 1000,
            args.detectSeconds * 1000);
        final List<SimFigures.Row> rows = new ArrayList<>();
        for (final int n : args.sizes) {
            rows.add(SimFigures.measure(n, options, line -> progress.println("sim " + line)));
        }
        out.printf(Locale.ROOT, "seed %d; defaults: probe %d ms (timeout %d ms), suspicion-mult %d (max x%d), "
                + "gossip %d ms to %d, push-pull %d ms, stable-after %d ms; network 1-2 ms%n", args.seed,
            settings.probeIntervalMs(), settings.probeTimeoutMs(), settings.suspicionMult(),
            settings.suspicionMaxTimeoutMult(), settings.gossipIntervalMs(), settings.gossipNodes(),
            settings.pushPullIntervalMs(), settings.stableAfterMs());
        out.printf(Locale.ROOT, "%6s %8s %9s %10s %10s %10s %6s %11s %11s %10s %7s%n", "n", "join", "join up",
            "all ALIVE", "detect", "detect", "missed", "false DEAD", "suspicions", "bytes", "wall");
        out.printf(Locale.ROOT, "%6s %8s %9s %10s %10s %10s %6s %11s %11s %10s %7s%n", "", "periods", "ms", "ms",
            "p50 ms", "max ms", "", "/node-h", "/node-h", "/node/s", "s");
        for (final SimFigures.Row r : rows) {
            out.printf(Locale.ROOT, "%6d %8.1f %9d %10d %10d %10d %6d %11.2f %11.1f %10.0f %7.1f%n", r.n(),
                r.upPeriods(), r.upMs(), r.aliveMs(), r.detectP50Ms(), r.detectMaxMs(), r.undetected(),
                r.falseDeadPerNodeHour(), r.suspicionsPerNodeHour(), r.bytesPerNodeSecond(), r.wallMs() / 1000.0);
        }
        out.printf(Locale.ROOT, "false DEAD and suspicions: at %.0f%% loss over %s; -1: did not happen in time%n",
            args.loss * 100, args.lossSeconds > 0 ? args.lossSeconds + " s"
                : "60 s up to 50 nodes, 3000/n s (at least 5) above");
    }

    static String usage() {
        return "usage: hamlet sim [--sizes 5,50,500,1000] [--seed 42] [--loss 0.05] [--loss-seconds T]\n"
            + "                  [--steady-seconds 5] [--detect-seconds 10] [--join-limit-seconds 120]\n"
            + "  runs n simulated nodes per size in one process on a virtual clock and prints join periods,\n"
            + "  crash detection times, false DEAD declarations under loss and bytes per node per second";
    }

    /** The command line, checked. */
    static final class Args {
        List<Integer> sizes = List.of(5, 50, 500, 1000);
        long seed = 42;
        double loss = 0.05;
        // 0: by size (SimFigures.lossMsFor).
        long lossSeconds;
        long steadySeconds = 5;
        long detectSeconds = 10;
        long joinLimitSeconds = 120;
        boolean help;

        static Args parse(final String[] args) {
            final Args parsed = new Args();
            for (int i = 0; i < args.length; i++) {
                final String option = args[i];
                if (option.equals("--help") || option.equals("-h")) {
                    parsed.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                final String value = args[++i];
                try {
                    switch (option) {
                        case "--sizes" -> parsed.sizes = sizes(value);
                        case "--seed" -> parsed.seed = Long.parseLong(value);
                        case "--loss" -> parsed.loss = fraction(value);
                        case "--loss-seconds" -> parsed.lossSeconds = positive(option, value);
                        case "--steady-seconds" -> parsed.steadySeconds = positive(option, value);
                        case "--detect-seconds" -> parsed.detectSeconds = positive(option, value);
                        case "--join-limit-seconds" -> parsed.joinLimitSeconds = positive(option, value);
                        default -> throw new IllegalArgumentException("unknown option " + option);
                    }
                } catch (final NumberFormatException e) {
                    throw new IllegalArgumentException(option + " takes a number, got '" + value + "'");
                }
            }
            return parsed;
        }

        private static List<Integer> sizes(final String value) {
            final List<Integer> sizes = new ArrayList<>();
            for (final String part : value.split(",")) {
                final int n = Integer.parseInt(part.trim());
                if (n < 2 || n > 10_000) {
                    throw new IllegalArgumentException("--sizes takes sizes from 2 to 10000, got " + n);
                }
                sizes.add(n);
            }
            return List.copyOf(sizes);
        }

        private static double fraction(final String value) {
            final double p = Double.parseDouble(value);
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("--loss takes a probability from 0 to below 1, got " + value);
            }
            return p;
        }

        private static long positive(final String option, final String value) {
            final long v = Long.parseLong(value);
            if (v <= 0) {
                throw new IllegalArgumentException(option + " takes a number above 0, got " + value);
            }
            return v;
        }
    }
}
