package hamlet.shell.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Runs one command for Gogo: its output is returned for Gogo to print; a user's mistake is printed as one line on
 * the session's error stream (in Gogo, {@code System.err} is the session's), never as a stack trace. Stateless.
 */
final class Shell {
    private static final Logger LOG = LoggerFactory.getLogger(Shell.class);

    private Shell() {
    }

    /**
     * @param command the command's full name, for an unexpected failure
     * @param body the command
     * @param err where errors go
     * @return the output, or {@code null} after an error
     */
    static String run(final String command, final Supplier<String> body, final PrintStream err) {
        try {
            return body.get();
        } catch (final CommandException e) {
            err.println(e.getMessage());
            return null;
        } catch (final RuntimeException e) {
            // Not the user's mistake: one line for them, the stack for whoever reads the log.
            err.println(command + ": failed: " + e);
            LOG.warn("{} failed", command, e);
            return null;
        }
    }
}
