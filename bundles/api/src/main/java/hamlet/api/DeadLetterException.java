package hamlet.api;

/** An {@link ActorRef#ask} whose message could not be delivered. */
public class DeadLetterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient DeadLetter deadLetter;

    /** @param deadLetter the undelivered message and why */
    public DeadLetterException(final DeadLetter deadLetter) {
        super("not delivered to " + deadLetter.to() + ": " + deadLetter.reason() + " (" + deadLetter.detail() + ")");
        this.deadLetter = deadLetter;
    }

    /** @return the undelivered message and why */
    public DeadLetter deadLetter() {
        return deadLetter;
    }
}
