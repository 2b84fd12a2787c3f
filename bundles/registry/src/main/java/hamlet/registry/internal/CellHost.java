package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.DeadLetter;

/**
 * What an actor's cell (and its context) may reach of the runtime, and nothing more: the dispatcher it runs on, the
 * settings and clock of its turn, the behaviour versions it swaps between, dead letters, and the system its actor
 * sees. The runtime calls down into cells; cells call up only through this, so that the runtime can be split (the
 * router, the swaps) without each part calling back into the whole.
 *
 * <p>Threading: every method from any thread; none blocks.
 */
interface CellHost {
    /** @return this node's id */
    String nodeId();

    /** @return where the node records the hops of traced messages; hosts of tests record none */
    default TraceRecorder tracer() {
        return TraceRecorder.OFF;
    }

    /** @return the pool the cell's turns run on */
    Dispatcher dispatcher();

    /** @return the settings in force (they change live; read them per turn) */
    RegistrySettings settings();

    /** @return the node's nano clock, for supervision windows */
    long nanoTime();

    /**
     * @param behavior a behaviour's name
     * @return its best registered version, or null when none is
     */
    Registration registration(String behavior);

    /**
     * @param registration a version
     * @return whether it is still registered
     */
    boolean isRegistered(Registration registration);

    /** @return what runs the new version's code of a hot swap off the dispatcher */
    SwapCoordinator swaps();

    /**
     * Counts one actor's swap outcome in its behaviour's tally.
     *
     * @param behavior the behaviour
     * @param actor the actor's name
     * @param failure null when it moved, else why not
     */
    void swapOutcome(String behavior, String actor, String failure);

    /**
     * Takes a stopping cell out of the name table and its group. Idempotent.
     *
     * @param cell the cell
     */
    void retire(ActorCell cell);

    /** Gives up a message: see {@link DeadLetters#record}. */
    void deadLetter(String to, Object body, ActorRef sender, DeadLetter.Reason reason, String detail);

    /**
     * @param address the cell's own address
     * @param cell the cell
     * @return the ref that is the actor's {@code self}, already knowing its cell
     */
    AddressRef selfRef(Address address, ActorCell cell);

    /** @return the actor system as an actor sees it (refs, spawns) */
    ActorSystem system();
}
