package hamlet.api;

import org.slf4j.Logger;

/**
 * What an actor sees of the runtime while it handles a call. Use it only on the actor's own turn (inside
 * {@link Actor#onMessage}, {@link Actor#onStart} or {@link Actor#onStop}), never from another thread.
 */
public interface ActorContext {
    /** @return a ref to this actor */
    ActorRef self();

    /** @return the sender of the message being handled, or {@code null} when there is none */
    ActorRef sender();

    /**
     * Replies to the sender of the message being handled, with this actor as the reply's sender. With no sender the
     * reply goes to dead letters.
     *
     * @param body the reply body
     */
    void reply(Object body);

    /**
     * Sends to an address with this actor as the sender.
     *
     * @param address the address text, see {@link Address#parse}
     * @param body the message body
     * @throws IllegalArgumentException when the address is malformed
     */
    void tell(String address, Object body);

    /**
     * @param address the address text, see {@link Address#parse}
     * @return a ref to it
     * @throws IllegalArgumentException when the address is malformed
     */
    ActorRef ref(String address);

    /**
     * Spawns another actor on this node.
     *
     * @param behavior the behaviour's name
     * @param name the new actor's name
     * @return a ref to it
     * @throws SpawnException when the behaviour is unknown or the name is taken or invalid
     */
    ActorRef spawn(String behavior, String name);

    /** Stops this actor once the current message is handled; later messages go to dead letters. */
    void stop();

    /** @return this actor's spec: name, behaviour, group and config */
    ActorSpec spec();

    /** @return the actor system this actor runs in */
    ActorSystem system();

    /** @return a logger whose name carries this node's id and this actor's name */
    Logger log();
}
