package hamlet.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A handle to send messages to an address. Cheap to keep and share; usable from any thread; never blocks.
 *
 * <p>A ref does not check that its actor exists: a message that cannot be delivered goes to dead letters, and a
 * sender, if there is one, gets a {@link DeadLetter} back as a message.
 */
public interface ActorRef {
    /** @return where this ref sends */
    Address address();

    /**
     * Sends with no sender: a reply, or a dead letter notice, has nowhere to go.
     *
     * @param body the message body
     */
    void tell(Object body);

    /**
     * Sends with a sender, who receives the reply and any {@link DeadLetter} notice.
     *
     * @param body the message body
     * @param sender who the receiver sees as {@link Message#sender()}, or {@code null}
     */
    void tell(Object body, ActorRef sender);

    /**
     * Sends and waits, without blocking, for one reply.
     *
     * <p>The stage completes with the reply's body; or exceptionally with {@link AskTimeoutException} when no reply
     * came within {@code timeout}, or with {@link DeadLetterException} when the message could not be delivered.
     *
     * @param body the message body
     * @param timeout how long to wait for the reply; must be positive, or {@code null} for the node's default
     *     ({@code hamlet.registry.ask.default-timeout})
     * @return the reply's body, when it comes
     */
    CompletionStage<Object> ask(Object body, Duration timeout);
}
