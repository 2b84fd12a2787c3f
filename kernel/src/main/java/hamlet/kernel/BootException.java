package hamlet.kernel;

/** The node cannot boot; the message is the one line the operator sees. */
public final class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    public BootException(final String message) {
        super(message);
    }

    public BootException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
