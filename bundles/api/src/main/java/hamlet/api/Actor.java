package hamlet.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * One actor's behaviour and private state, made by an {@link ActorBehavior}.
 *
 * <p>Threading: the runtime calls every method of one instance from one thread at a time, with a happens-before
 * edge between calls, so the instance needs no locks. Methods must not block: use {@link ActorRef#ask} and chain on
 * the stage, never wait on it.
 *
 * <p>Failure: an exception from {@link #onMessage} is logged and the actor is restarted, a new instance made by its
 * behaviour, up to the supervision limit in config; then it is stopped. The message that failed is not retried.
 */
public interface Actor {
    /**
     * Handles one message.
     *
     * @param message the message; its sender, if any, is also {@link ActorContext#sender()}
     * @param context this actor's context, valid only during the call
     * @throws Exception to ask for a restart
     */
    void onMessage(Message message, ActorContext context) throws Exception;

    /**
     * Called once before the first message, on the actor's turn.
     *
     * @param context this actor's context
     */
    default void onStart(final ActorContext context) {
    }

    /**
     * Called once after the last message, when the actor is stopped or about to be restarted.
     *
     * @param context this actor's context
     */
    default void onStop(final ActorContext context) {
    }

    /**
     * The state to carry over when this actor is recreated elsewhere (a new version of its behaviour, or another
     * node). Must not hold references to the behaviour's own classes.
     *
     * @return the state as JSON, or {@code null} when there is none to keep
     */
    default JsonElement snapshot() {
        return null;
    }

    /**
     * Takes back a state from {@link #snapshot()}, before the first message is delivered to this instance.
     *
     * @param state what an earlier instance's {@code snapshot()} returned, never {@code null}
     */
    default void restore(final JsonElement state) {
    }

    /**
     * Takes a new {@link ActorSpec#config()} without a restart: an actor declared in {@code hamlet.actors} whose
     * {@code config { }} block was edited live. Called on the actor's turn, between messages. The default does
     * nothing, so the instance keeps the config it was created with.
     *
     * @param config the new config block, never {@code null}; treat as read-only
     * @param context this actor's context; its {@link ActorContext#spec()} already carries the new config
     * @since 1.1
     */
    default void onConfig(final JsonObject config, final ActorContext context) {
    }
}
