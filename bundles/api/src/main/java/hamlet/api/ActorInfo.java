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
 * @param behaviorVersion the version of the behaviour's bundle its instance comes from, or {@code null} when it
 *     has no instance (suspended while its behaviour is replaced) or the version is not known (since 1.1)
 */
public record ActorInfo(Address address, String behavior, String group, State state, int mailboxSize,
                        long processed, int restarts, String behaviorVersion) {
    /**
     * An actor whose behaviour version is not known: the 1.0 shape.
     *
     * @param address the actor's full address
     * @param behavior the behaviour's name
     * @param group the actor's group, or {@code null}
     * @param state where it is in its life
     * @param mailboxSize messages waiting
     * @param processed messages handled since spawn
     * @param restarts restarts since spawn
     */
    public ActorInfo(final Address address, final String behavior, final String group, final State state,
                     final int mailboxSize, final long processed, final int restarts) {
        this(address, behavior, group, state, mailboxSize, processed, restarts, null);
    }

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
