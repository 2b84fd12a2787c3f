package hamlet.api.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster as this node's membership sees it: an OSGi service of the gossip bundle.
 *
 * <p>Threading: every method may be called from any thread and returns a snapshot; none blocks on the network.
 */
public interface Cluster {
    /** @return this node's id */
    String selfId();

    /** @return every member known, this node included, dead and left ones until they are removed; sorted by id */
    List<Member> members();

    /**
     * @param id a node id
     * @return that member, when known
     */
    Optional<Member> member(String id);

    /**
     * @return whether this node sees more than half of the last stable membership (its majority view); a node in
     *     the minority must not take ownership of anything cluster-wide
     */
    boolean inMajority();

    /** @return a sentence saying how this node sees the majority ("sees 2 of 3 members of the last stable ...") */
    String majorityDetail();

    /**
     * @return {@code hamlet.gossip.overload-threshold}: a member whose {@link MemberLoad#score()} is above it gets
     *     no group sends (and no placements) while others have room
     */
    double overloadThreshold();

    /** @return the directory: every named actor of every member that is up, sorted by name then node */
    List<DirectoryEntry> directory();

    /**
     * Asks a seed to let this node in (a full-state exchange); returns at once.
     *
     * @param seed {@code host:port}, {@code ws://host:port} or {@code ws://host:port/hamlet}
     * @throws IllegalArgumentException when the seed is not an address
     */
    void join(String seed);

    /**
     * @return membership's counters for operators, by name (probes sent, acked and failed, the probe round trip of
     *     the last probes, suspicions started and refuted, members declared dead, messages and bytes in and out,
     *     malformed and dropped messages), each counting since the gossip bundle started
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /** Leaves the cluster gracefully: tells the members, who mark this node left at once. Returns at once. */
    void leave();
}
