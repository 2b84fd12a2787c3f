package hamlet.gossip.internal;

import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;

import java.util.Map;
import java.util.TreeMap;

/**
 * What this node knows of one member. Owned by the membership's thread.
 */
final class MemberState {
    final String id;
    String url;
    long uid;
    long incarnation;
    MemberStatus status;
    long sinceMs;
    MemberLoad load = MemberLoad.NONE;
    long loadVersion = -1;
    /** The directory version the member announced (what there is to fetch). */
    long announcedDirVersion;
    /** The directory version held here (what was fetched). */
    long heldDirVersion;
    Map<String, String> directory = new TreeMap<>();
    Suspicion suspicion;
    /** Whether this node's own probes failed on it during its current suspicion (not only heard of from others). */
    boolean suspectedHere;
    long joiningUntilMs;
    long lastDirRequestMs = Long.MIN_VALUE / 2;
    /** When this node last had a message from the member itself (this uid), or never. */
    long lastHeardMs = Long.MIN_VALUE / 2;
    /** When this node first learnt of the member (this uid). */
    long learntMs;

    MemberState(final String id, final String url, final long uid, final long incarnation, final MemberStatus status,
                final long nowMs) {
        this.id = id;
        this.url = url;
        this.uid = uid;
        this.incarnation = incarnation;
        this.status = status;
        this.sinceMs = nowMs;
        this.learntMs = nowMs;
    }

    Member toMember() {
        return new Member(id, url, uid, status, incarnation, sinceMs, load, directory.size());
    }

    Update.Kind wireState() {
        return switch (status) {
            case JOINING, ALIVE -> Update.Kind.ALIVE;
            case SUSPECT -> Update.Kind.SUSPECT;
            case DEAD -> Update.Kind.DEAD;
            case LEFT -> Update.Kind.LEFT;
        };
    }
}
