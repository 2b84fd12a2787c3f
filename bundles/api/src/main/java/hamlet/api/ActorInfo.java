package hamlet.api;

/**
 * A snapshot of one actor, for operators.
 *
 * @param address the actor's full address, {@code node:name}
 * @param behavior the behaviour's name
 * @param group the actor's group, or {@code null}
 * @param state where it is in its life
 * @param mailboxSize messages waiting
 * @param processed messages handled since spawn
 * @param restarts restarts since spawn
 */
public record ActorInfo(Address address, String behavior, String group, State state, int mailboxSize,
                        long processed, int restarts) {
    /** Where an actor is in its life. */
    public enum State {
        /** Taking and handling messages. */
        RUNNING,
        /** Taking messages into its mailbox but not handling them (for example while its behaviour is replaced). */
        SUSPENDED,
        /** Gone: nothing more is delivered. */
        STOPPED
    }

    /** @return the actor's name */
    public String name() {
        return address.name();
    }
}
