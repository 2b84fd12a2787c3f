package hamlet.gossip.internal;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * SWIM membership with the Lifeguard refinements, as a plain state machine: no threads, no sockets, no clock of its
 * own. Time comes in as {@code nowMs} arguments, randomness from the {@link Random} given, and every message goes out
 * through the {@link Outbox}. The same code runs in a node (driven by one agent thread) and in the simulator.
 *
 * <p>Threading: not thread-safe; one owner thread calls everything.
 */
public final class Membership {
    /** Where messages go. Unreliable: a message may be lost, late, duplicated or reordered. */
    public interface Outbox {
        /**
         * @param toNode the member's id, or {@code null} when only its URL is known (a seed not yet answered)
         * @param toUrl the member's URL
         * @param message the encoded message, at most {@link GossipSettings#MAX_MESSAGE_BYTES}; not changed after
         */
        void send(String toNode, String toUrl, byte[] message);
    }

    public Membership(final GossipSettings settings, final String selfId, final String selfUrl, final long selfUid,
                      final Random random, final Outbox outbox, final long nowMs) {
        throw new UnsupportedOperationException("being written");
    }

    /** Applies new tunables from the next period on. */
    public void reconfigure(final GossipSettings next) {
    }

    /**
     * Starts (or restarts) joining through seeds: a full-state exchange with each until one answers, then again
     * every join-retry-interval while none has. The node's own URL in the list is skipped; a list of none but
     * itself starts a cluster alone.
     *
     * @param seedUrls the seeds, each {@code ws://host:port/hamlet}
     */
    public void join(final List<String> seedUrls, final long nowMs) {
    }

    /** Takes one message from the control lane; a malformed one is dropped and counted. */
    public void onMessage(final String fromNode, final byte[] message, final long nowMs) {
    }

    /** Runs whatever is due at this time: probes, timeouts, gossip, push/pull, status changes. */
    public void tick(final long nowMs) {
    }

    /** @return the earliest time at which {@link #tick} has something to do */
    public long nextWakeMs() {
        return 0;
    }

    /** Leaves gracefully: tells members at once; the node should go on ticking a moment so the news spreads. */
    public void leave(final long nowMs) {
    }

    /**
     * Sets this node's directory: its named actors and their groups.
     *
     * @param actors name to group ({@code null} group for none)
     * @return null when taken, or why it was refused (over directory-max-actors or directory-max-bytes)
     */
    public String localActors(final Map<String, String> actors) {
        return null;
    }

    /** Sets this node's load, gossiped from now on. */
    public void localLoad(final MemberLoad load) {
    }

    /** @return every member known, this node included, sorted by id */
    public List<Member> members() {
        return List.of();
    }

    /** @return one member */
    public Optional<Member> member(final String id) {
        return Optional.empty();
    }

    /** @return whether this node sees more than half of the last stable membership */
    public boolean inMajority() {
        return true;
    }

    /** @return a sentence on how this node sees the majority */
    public String majorityDetail() {
        return "";
    }

    /** @return the directory of every member that is up, sorted by name then node */
    public List<DirectoryEntry> directory() {
        return List.of();
    }

    /** @return the events since the last call, oldest first */
    public List<ClusterEvent> drainEvents() {
        return List.of();
    }

    /** @return counters by name (probes, acks, suspicions, refutations, messages and bytes in and out, drops) */
    public Map<String, Long> counters() {
        return Map.of();
    }

    /** @return this node's id */
    public String selfId() {
        return null;
    }
}
