package hamlet.kernel;

import java.io.PrintStream;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;

/**
 * Felix's own log, one line per entry on the launcher's real stderr (Felix's default logger writes to whatever
 * System.out is at the time, which Gogo replaces). While the node boots, bundle start errors are left to
 * {@link Node}, which reports the first one as the single line the operator needs.
 *
 * <p>Felix calls this from any of its threads; the only state is the volatile boot flag.
 */
final class KernelLogger extends Logger {
    private final PrintStream err;
    private volatile boolean booting = true;

    KernelLogger(final PrintStream err) {
        this.err = err;
    }

    void bootDone() {
        booting = false;
    }

    @Override
    protected void doLog(final Bundle bundle, final ServiceReference sr, final int level, final String msg,
                         final Throwable throwable) {
        if (booting && throwable instanceof BundleException) {
            return;
        }
        final StringBuilder line = new StringBuilder("hamlet: felix ").append(levelName(level)).append(": ");
        if (bundle != null) {
            line.append('[').append(bundle.getSymbolicName()).append("] ");
        }
        line.append(msg);
        if (throwable != null) {
            line.append(": ").append(StartFailure.reason(throwable));
        }
        err.println(line);
    }

    @Override
    protected void doLog(final int level, final String msg, final Throwable throwable) {
        doLog(null, null, level, msg, throwable);
    }

    private static String levelName(final int level) {
        return switch (level) {
            case LOG_ERROR -> "error";
            case LOG_WARNING -> "warning";
            case LOG_INFO -> "info";
            default -> "debug";
        };
    }
}
