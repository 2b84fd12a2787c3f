package hamlet.api;

import java.time.Instant;

/**
 * A message that could not be delivered. Kept in the node's dead-letter ring and, when the message had a sender,
 * sent to that sender as a message body.
 *
 * @param to where the message was sent
 * @param from who sent it, or {@code null}
 * @param body the undelivered body
 * @param reason why, in a word
 * @param detail why, in a sentence
 * @param at when it was given up
 * @param traceId the trace id of the message ({@link Message#traceId()}), or 0 when it had none (since 1.4.0)
 */
public record DeadLetter(String to, String from, Object body, Reason reason, String detail, Instant at,
                         long traceId) {
    /**
     * A dead letter with no trace id, as before 1.4.0.
     *
     * @param to where the message was sent
     * @param from who sent it, or {@code null}
     * @param body the undelivered body
     * @param reason why, in a word
     * @param detail why, in a sentence
     * @param at when it was given up
     */
    public DeadLetter(final String to, final String from, final Object body, final Reason reason,
                      final String detail, final Instant at) {
        this(to, from, body, reason, detail, at, 0L);
    }

    /** Why a message was not delivered. Only ever append: the names are shown to operators and kept in logs. */
    public enum Reason {
        /** No actor of that name on its node. */
        UNKNOWN_ACTOR,
        /** The actor stopped before it handled the message. */
        ACTOR_STOPPED,
        /** The actor's mailbox was at its bound. */
        MAILBOX_FULL,
        /** The address is on another node and no transport is there to carry it. */
        NO_TRANSPORT,
        /** A reply with no sender to go to. */
        NO_SENDER,
        /** No actor of that group. */
        UNKNOWN_GROUP
    }
}
