package hamlet.kernel;

/** A command line the launcher cannot act on; the message says what is wrong with it. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(final String message) {
        super(message);
    }
}
