package hamlet.shell.internal;

/**
 * A command that could not do what was asked, for a reason the user can act on. Its message is the one line the
 * user sees, starting with the command's name ({@code actor:spawn: unknown behaviour 'ecco'; ...}); no stack trace
 * is ever shown for it.
 */
final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param command the command's full name, e.g. {@code actor:spawn}
     * @param message what is wrong
     */
    CommandException(final String command, final String message) {
        super(command + ": " + message, null, false, false);
    }
}
