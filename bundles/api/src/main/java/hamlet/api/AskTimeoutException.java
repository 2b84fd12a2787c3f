package hamlet.api;

import java.util.concurrent.TimeoutException;

/** No reply to an {@link ActorRef#ask} within its timeout. */
public class AskTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    /** @param message what was asked, of whom, and how long was waited */
    public AskTimeoutException(final String message) {
        super(message);
    }
}
