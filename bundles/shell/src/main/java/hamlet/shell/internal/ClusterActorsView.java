package hamlet.shell.internal;

import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.Placement;

import java.time.Instant;
import java.util.List;

/**
 * The cluster actors part of {@code cluster:actors}: each cluster actor as this node's {@link Placement} sees it
 * (owner, epoch, state, replica, last change), then, when this node may not own cluster actors, why.
 *
 * <p>Threading: any thread; reads one snapshot of the placement and holds nothing.
 */
final class ClusterActorsView {
    private ClusterActorsView() {
    }

    /**
     * @param placement the placement service
     * @return a table of the cluster actors (or a line saying there are none), how many are active, and the reason
     *     line when this node is blocked
     */
    static String render(final Placement placement) {
        final List<ClusterActorInfo> actors = placement.actors();
        final StringBuilder text = new StringBuilder();
        if (actors.isEmpty()) {
            text.append("no cluster actors\n");
        } else {
            final Table table = new Table("CLUSTER ACTOR", "OWNER", "EPOCH", "STATE", "REPLICA", "LAST CHANGE");
            long active = 0;
            for (final ClusterActorInfo a : actors) {
                table.row(a.name(), a.owner(), a.epoch(), a.movingTo() == null ? a.state()
                    : a.state() + " to " + a.movingTo(), a.replica(), lastChange(a));
                if ("active".equals(a.state())) {
                    active++;
                }
            }
            text.append(table).append(actors.size())
                .append(actors.size() == 1 ? " cluster actor, " : " cluster actors, ").append(active).append(" active\n");
            for (final ClusterActorInfo a : actors) {
                if (!"active".equals(a.state()) && a.detail() != null) {
                    text.append(a.name()).append(": ").append(a.detail()).append('\n');
                }
            }
        }
        final String blocked = placement.blockedReason();
        if (blocked != null) {
            text.append("this node may not own cluster actors: ").append(blocked).append('\n');
        }
        return text.toString();
    }

    /** @return "takeover at 2026-...Z, 840 ms", or {@code null} (shown as -) when it never changed */
    private static String lastChange(final ClusterActorInfo a) {
        if (a.lastChange() == null) {
            return null;
        }
        return a.lastChange() + (a.lastChangeAtMillis() > 0 ? " at " + Instant.ofEpochMilli(a.lastChangeAtMillis())
            : "") + (a.lastChangeTookMillis() >= 0 ? ", " + a.lastChangeTookMillis() + " ms" : "");
    }
}
