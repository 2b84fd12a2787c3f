package hamlet.api.cluster;

/** Where a member is, as this node's membership sees it. */
public enum MemberStatus {
    /** Alive, but back from dead (or new) for less than {@code hamlet.gossip.stable-after}: not given work yet. */
    JOINING,
    /** Answering probes. */
    ALIVE,
    /** Missed a probe; declared dead unless it refutes within the suspicion timeout. */
    SUSPECT,
    /** Declared dead: silent past its suspicion timeout. Kept until {@code hamlet.gossip.remove-after}. */
    DEAD,
    /** Said it was leaving (graceful leave): gone at once, not after a timeout. */
    LEFT;

    /** @return whether a member in this state is taken to be running (alive, joining or only suspected) */
    public boolean isUp() {
        return this == JOINING || this == ALIVE || this == SUSPECT;
    }
}
