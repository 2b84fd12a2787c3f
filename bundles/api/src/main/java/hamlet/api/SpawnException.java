package hamlet.api;

/** A spawn that did not happen: unknown behaviour, name taken or invalid, or the behaviour's create failed. */
public class SpawnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the actor and behaviour */
    public SpawnException(final String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the actor and behaviour
     * @param cause the behaviour's exception
     */
    public SpawnException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
