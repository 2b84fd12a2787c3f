package hamlet.tools;

import java.net.URI;

/**
 * The demo client's command line.
 *
 * @param admin       base URL of the node's admin API
 * @param jobs        how many jobs to run
 * @param waitSeconds how long to wait for the node to answer
 * @param nodePid     the node's process id, to stop waiting at once if it dies; 0 when unknown
 * @param conf        the node's config file, for the hints (may be null)
 * @param log         the node's log file, for the hints (may be null)
 * @param launcher    the bin/hamlet path, for the hints (may be null)
 */
record DemoOptions(URI admin, int jobs, int waitSeconds, long nodePid, String conf, String log, String launcher) {
    static final String USAGE = "usage: java -cp lib/hamlet-tools.jar hamlet.tools.DemoClient [--admin URL] "
        + "[--jobs N] [--wait SECONDS] [--node-pid PID] [--conf FILE] [--log FILE] [--launcher PATH]";

    static DemoOptions parse(final String[] args) {
        URI admin = URI.create("http://127.0.0.1:7780");
        int jobs = 40;
        int wait = 60;
        long pid = 0;
        String conf = null;
        String log = null;
        String launcher = null;
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
                    : "unknown argument '" + flag + "'");
            }
            final String value = args[++i];
            switch (flag) {
                case "--admin" -> admin = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1)
                    : value);
                case "--jobs" -> jobs = positive(flag, value);
                case "--wait" -> wait = positive(flag, value);
                case "--node-pid" -> pid = positive(flag, value);
                case "--conf" -> conf = value;
                case "--log" -> log = value;
                case "--launcher" -> launcher = value;
                default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
            }
        }
        return new DemoOptions(admin, jobs, wait, pid, conf, log, launcher);
    }

    private static int positive(final String flag, final String value) {
        try {
            final int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be a whole number > 0, got '" + value + "'");
    }
}
