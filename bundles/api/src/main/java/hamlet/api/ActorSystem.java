package hamlet.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node's actors: spawn, stop, look up and send. An OSGi service of the registry bundle. Thread-safe; no method
 * blocks on an actor.
 */
public interface ActorSystem {
    /** @return this node's id ({@code hamlet.node.id}) */
    String nodeId();

    /**
     * Spawns an actor with no group and no config.
     *
     * @param behavior the behaviour's name
     * @param name the actor's name, unique on this node
     * @return a ref to the new actor
     * @throws SpawnException when the behaviour is unknown, the name is taken or invalid, or the behaviour failed to
     *     create the actor
     */
    ActorRef spawn(String behavior, String name);

    /**
     * Spawns an actor.
     *
     * @param spec name, behaviour, group and config
     * @return a ref to the new actor
     * @throws SpawnException as {@link #spawn(String, String)}
     */
    ActorRef spawn(ActorSpec spec);

    /**
     * Stops an actor of this node. Messages still in its mailbox go to dead letters.
     *
     * @param name the actor's name
     * @return whether there was such an actor
     */
    boolean stop(String name);

    /**
     * @param address the address text, see {@link Address#parse}
     * @return a ref to it
     * @throws IllegalArgumentException when the address is malformed
     */
    ActorRef ref(String address);

    /**
     * @param address the address
     * @return a ref to it
     */
    ActorRef ref(Address address);

    /**
     * @param name an actor's name
     * @return what is known of that actor on this node, if it runs here
     */
    Optional<ActorInfo> actor(String name);

    /** @return every actor of this node, sorted by name */
    List<ActorInfo> actors();

    /** @return the names of the behaviours this node can spawn now */
    Set<String> behaviors();

    /** @return the most recent dead letters, oldest first; how many are kept is set in config */
    List<DeadLetter> deadLetters();

    /** @return how many dead letters there have been since the node started */
    long deadLetterCount();

    /**
     * The behaviours of this node in detail: for each name, the version spawns use, the versions registered, the
     * actors running it or waiting for it, and the last hot swap with its result. The default, for an actor system
     * that does not track versions, knows only the names.
     *
     * @return one entry per behaviour name, sorted by name, including names no version is registered for while
     *     actors still wait for one
     * @since 1.1
     */
    default List<BehaviorInfo> behaviorDetails() {
        return behaviors().stream().sorted()
            .map(name -> new BehaviorInfo(name, null, null, BehaviorInfo.State.AVAILABLE, List.of(), 0, 0, null))
            .toList();
    }

    /**
     * The behaviour jars this node refused: a jar in {@code deploy/} that is not a bundle, a behaviour bundle that
     * does not resolve. The versions that served before keep serving. The default knows of none.
     *
     * @return the refusals in force, oldest first
     * @since 1.1
     */
    default List<RejectedBundle> rejectedBundles() {
        return List.of();
    }

    /**
     * The runtime's counters for operators (the admin API's {@code GET /api/node} and the shell's
     * {@code cluster:counters} show them; the metrics export will read them too): for example
     * {@code dead-letters.total}, {@code dead-letters.MAILBOX_FULL} (one per {@link DeadLetter.Reason}),
     * {@code remote.received}, {@code remote.refused}, {@code remote.given-up}. Each counts since the runtime in
     * force started. The default, for an actor system that counts nothing, is empty.
     *
     * @return a snapshot, by name, sorted by name; empty while the runtime is stopped
     * @since 1.2
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /**
     * Declares a cluster actor on this node, as {@code placement = cluster} (or {@code spread}) in
     * {@code hamlet.actors} does: placement runs it on the member it chooses among those that have its behaviour
     * (this node or another), and its bare name reaches it from any node. The declaration lasts while this runtime
     * runs; declare it on every node that should be able to run it. The default, for an actor system without
     * placement, refuses.
     *
     * @param spec the actor: name, behaviour, group, config, and whether it is an instance of a spread set
     * @return a ref to its bare name
     * @throws SpawnException when the name is declared otherwise already
     * @throws UnsupportedOperationException when this actor system has no cluster actors
     * @since 1.3
     */
    default ActorRef spawnInCluster(final hamlet.api.cluster.ClusterActorSpec spec) {
        throw new UnsupportedOperationException("this actor system has no cluster actors");
    }
}
