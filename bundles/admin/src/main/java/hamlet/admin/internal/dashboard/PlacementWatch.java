package hamlet.admin.internal.dashboard;

import hamlet.api.cluster.ClusterActorInfo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns placement's view of the cluster actors, read once a second, into events: an actor activated under a new
 * epoch (a takeover, with how long it answered nobody; a handover; a first placement) or left without an owner.
 * Placement tells only the new owner of an activation, so a dashboard on another node learns of a takeover by
 * comparing what its own placement says from one second to the next. Confined to the dashboard's thread.
 */
final class PlacementWatch {
    /** Beyond this many cluster actors, the rest are not watched (their table still shows them). */
    static final int MAX_WATCHED = 4096;

    private record Seen(String owner, long epoch, String state) {
    }

    private Map<String, Seen> last;

    /**
     * @param actors the cluster actors now
     * @param nowMillis the wall clock
     * @param log where the events go
     */
    void compare(final List<ClusterActorInfo> actors, final long nowMillis, final EventLog log) {
        final Map<String, Seen> now = new HashMap<>();
        for (final ClusterActorInfo actor : actors) {
            if (now.size() == MAX_WATCHED) {
                break;
            }
            now.put(actor.name(), new Seen(actor.owner(), actor.epoch(), actor.state()));
            if (last != null) {
                changed(actor, last.get(actor.name()), nowMillis, log);
            }
        }
        // The first reading is the starting point: what was placed before the page opened is no news.
        last = now;
    }

    private static void changed(final ClusterActorInfo actor, final Seen before, final long nowMillis,
                                final EventLog log) {
        if (actor.owner() != null && actor.epoch() > 0 && (before == null || before.epoch() != actor.epoch())
            && "active".equals(actor.state())) {
            final String cause = actor.lastChange() == null ? "placed" : actor.lastChange();
            final String took = actor.lastChangeTookMillis() >= 0
                ? String.format(" in %.1f s", actor.lastChangeTookMillis() / 1000.0) : "";
            final String from = before != null && before.owner() != null && !before.owner().equals(actor.owner())
                ? " from " + before.owner() : "";
            final String text = switch (cause) {
                case "takeover" -> actor.name() + " taken over by " + actor.owner() + from + took;
                case "handover" -> actor.name() + " handed over to " + actor.owner() + from + took;
                case "resume" -> actor.name() + " resumed on " + actor.owner() + took;
                default -> actor.name() + " placed on " + actor.owner();
            };
            log.add(nowMillis, "takeover".equals(cause) ? "takeover" : "placement", actor.owner(),
                text + " (epoch " + actor.epoch() + ")");
            return;
        }
        final boolean ownerless = !"active".equals(actor.state()) && !"moving".equals(actor.state());
        if (ownerless && before != null && !Objects.equals(before.state(), actor.state())) {
            log.add(nowMillis, "waiting", before.owner() == null ? "" : before.owner(), actor.name() + " is "
                + actor.state() + (actor.detail() == null ? "" : ": " + actor.detail()));
        }
    }
}
