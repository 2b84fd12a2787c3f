package hamlet.api.cluster;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where cluster actors live: an OSGi service of the gossip bundle, used by the registry (to route, to activate and
 * to report back), the admin API and the shell.
 *
 * <p>Safety rule, in one line: this node runs a cluster actor only while it holds a lease (it has heard, within
 * {@code hamlet.failover.lease}, that a majority of the last stable membership heard from it), and the majority
 * takes over a dead owner's actors only once enough members vouch that they stopped renewing its lease. See the
 * README's "Failover" section for the timing argument.
 *
 * <p>Threading: every method may be called from any thread and returns at once.
 */
public interface Placement {
    /** Where a cluster actor lives now, as this node knows it. */
    record Owner(String node, long epoch, boolean moving) {
    }

    /**
     * What this node can run: the cluster actors its config declares (and those spawned through it), and the
     * behaviours installed here. Called by the registry whenever either changes; the last call wins.
     *
     * @param declared the cluster actors declared on this node
     * @param behaviors the behaviour names this node can spawn now
     */
    void offer(List<ClusterActorSpec> declared, Set<String> behaviors);

    /**
     * @param name an actor name
     * @return whether it is a cluster actor known to this node (declared anywhere in the cluster)
     */
    boolean isClusterActor(String name);

    /**
     * @param name a cluster actor's name
     * @return its owner now; empty when nobody runs it (messages for it wait on the sender, bounded)
     */
    Optional<Owner> owner(String name);

    /**
     * The lease, for the registry's check before each message of a cluster actor: a stalled process (a long GC
     * pause, SIGSTOP) wakes up with its lease run out and must not deliver one more message.
     *
     * @return {@link System#nanoTime()} until which this node's lease holds; in the past when it holds none
     */
    long leaseValidUntilNanos();

    /** @return {@code null} when this node may run cluster actors, else why not, in a sentence */
    String blockedReason();

    /** @return every cluster actor known here, sorted by name */
    List<ClusterActorInfo> actors();

    /**
     * The registry ran an {@link Activation}, or failed to.
     *
     * @param name the actor
     * @param epoch the activation's epoch
     * @param stateBytes the size of the state it was restored from, 0 when none
     * @param detail a sentence for operators ("restored from the copy of epoch 3", "restore failed: ..., started
     *     empty")
     */
    void activated(String name, long epoch, long stateBytes, String detail);

    /**
     * A handover arrived for this node: may it activate under that epoch? Yes when the epoch is newer than any this
     * node knows for the actor and the sender is an up member that owned it.
     *
     * @param name the actor
     * @param epoch the epoch the old owner chose for this node
     * @param from the old owner
     * @return {@code null} when accepted (an {@link Activation} with cause HANDOVER follows), else why refused
     */
    String acceptHandover(String name, long epoch, String from);

    /**
     * @param name the actor
     * @return the member its state is copied to (the next in rendezvous order), or {@code null} for none
     */
    default String replicaOf(final String name) {
        return null;
    }

    /**
     * The registry measured a snapshot of a cluster actor it runs.
     *
     * @param name the actor
     * @param bytes the snapshot's size
     */
    default void stateSize(final String name, final long bytes) {
    }
}
