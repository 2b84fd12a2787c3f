package hamlet.gossip.internal;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether this node is on the majority side: the stable membership is the set of up members once it has not changed
 * for {@code stable-after}; it only moves to a set that holds a majority of the previous one (so a minority never
 * promotes itself), and a member that left is taken out of it at once. This node is in the majority while more than
 * half of the stable membership answers it.
 *
 * <p>Threading: owned by the membership's thread.
 */
final class MajorityView {
    private Set<String> stable = new TreeSet<>();
    private Set<String> lastUp = new TreeSet<>();
    /** Whether the up members differ from the stable membership (kept, so that no call compares the two sets). */
    private boolean stableBehind;
    private long upChangedMs;
    /** False until joined: a node that has reached nobody owns nothing cluster-wide. */
    private boolean majority;
    private String detail = "has not joined a cluster yet";

    MajorityView(final String selfId, final long nowMs) {
        stable.add(selfId);
        lastUp.add(selfId);
        upChangedMs = nowMs;
    }

    /** A node that just joined cannot judge a stable membership of its own yet: it takes the up members it learnt. */
    void adopt(final Set<String> up, final long nowMs) {
        stable = new TreeSet<>(up);
        lastUp = new TreeSet<>(up);
        stableBehind = false;
        upChangedMs = nowMs;
    }

    /** A member that left shrinks the cluster: it must not count against the majority. */
    void left(final String id) {
        stable.remove(id);
        stableBehind = !stable.equals(lastUp);
    }

    /** @return when the up members may become the stable membership, or {@link Long#MAX_VALUE} when they are it */
    long dueMs(final long stableAfterMs) {
        return stableBehind ? upChangedMs + stableAfterMs : Long.MAX_VALUE;
    }

    /**
     * Judges the majority again.
     *
     * @param up the up members, this node included unless it left
     * @param answering those of them that answer this node (not suspected from its own probes)
     * @param state {@code null} when this node is in a cluster, else why it owns nothing (not joined, left)
     * @param stableAfterMs hamlet.gossip.stable-after
     * @return whether this node's side changed (to majority or to minority)
     */
    boolean update(final Set<String> up, final Set<String> answering, final String state, final long nowMs,
                   final long stableAfterMs) {
        if (!up.equals(lastUp)) {
            lastUp = up;
            upChangedMs = nowMs;
        }
        if (state == null && !stable.equals(up) && nowMs - upChangedMs >= stableAfterMs
            && overlap(up, stable) * 2 > stable.size()) {
            stable = new TreeSet<>(up);
        }
        stableBehind = !stable.equals(lastUp);
        final boolean was = majority;
        if (state != null) {
            majority = false;
            detail = state;
        } else {
            final int seen = overlap(answering, stable);
            majority = seen * 2 > stable.size();
            detail = (majority ? "majority: " : "minority: ") + "sees " + seen + " of the " + stable.size()
                + " members of the last stable membership " + stable;
        }
        return was != majority;
    }

    boolean inMajority() {
        return majority;
    }

    String detail() {
        return detail;
    }

    Set<String> stable() {
        return Collections.unmodifiableSet(stable);
    }

    private static int overlap(final Set<String> a, final Set<String> b) {
        int n = 0;
        for (final String id : b) {
            if (a.contains(id)) {
                n++;
            }
        }
        return n;
    }
}
