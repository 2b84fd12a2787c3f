package hamlet.api;

import java.time.Instant;
import java.util.List;

/**
 * One behaviour of a node, for operators: which version new actors get, which versions are registered, how many
 * actors use it and how its last hot swap went.
 *
 * @param name the behaviour's name ({@link ActorBehavior#NAME_PROPERTY})
 * @param version the version spawns use now (the highest registered), or {@code null} when none is registered
 * @param bundle the symbolic name of the bundle that version comes from, or {@code null} when not known
 * @param state whether a version is registered
 * @param versions every registered version, highest first
 * @param actors actors of this behaviour on the node, running or suspended
 * @param suspended of those, the ones waiting for a version to run (their mailboxes fill meanwhile)
 * @param lastSwap the last hot swap of this behaviour, or {@code null} when there has been none
 * @since 1.1
 */
public record BehaviorInfo(String name, String version, String bundle, State state, List<String> versions,
                           int actors, int suspended, Swap lastSwap) {
    /** Whether a behaviour can serve. */
    public enum State {
        /** At least one version is registered: spawns work and actors run. */
        AVAILABLE,
        /** No version is registered, but actors of it exist: they wait, suspended, for one to come. */
        MISSING
    }

    /**
     * Copies the list.
     */
    public BehaviorInfo {
        versions = versions == null ? List.of() : List.copyOf(versions);
    }

    /**
     * One hot swap: actors moved from one version to another (or suspended when their version went away).
     *
     * @param from the version the actors ran before, or {@code null} when they were waiting suspended
     * @param to the version they were moved to, or {@code null} when the old one went away with none to take over
     * @param at when the swap ended
     * @param moved actors now running {@code to} (or, when {@code to} is null, suspended with their state kept)
     * @param failed actors the swap failed for: they kept {@code from}, or stayed suspended when it was gone
     * @param failure why the first failed actor failed, or {@code null} when none did
     */
    public record Swap(String from, String to, Instant at, int moved, int failed, String failure) {
        /** @return whether every actor moved */
        public boolean succeeded() {
            return failed == 0;
        }
    }
}
