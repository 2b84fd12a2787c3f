package hamlet.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster actors as one node's {@code GET /api/cluster/actors} shows them ({@code clusterActors[]}): who runs
 * each, under which epoch, and which member holds its state copy. The demo reads it to say where the job-router and
 * the workers run, and whom to stop.
 *
 * @param byName each cluster actor by name, in the order the node listed them
 */
record Placements(Map<String, Placed> byName) {
    /** The state of a cluster actor that runs, and answers. */
    static final String ACTIVE = "active";

    /**
     * One cluster actor.
     *
     * @param owner the member that runs it, or null
     * @param replica the member its state is copied to (which takes it over if the owner dies), or null
     */
    record Placed(String name, String behavior, String owner, long epoch, String state, String replica) {
        boolean isActive() {
            return owner != null && ACTIVE.equals(state);
        }
    }

    Placements {
        byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /** @param json the parsed body of GET /api/cluster/actors; anything without {@code clusterActors} is empty */
    static Placements of(final Object json) {
        final Map<String, Placed> byName = new LinkedHashMap<>();
        if (Json.at(json, "clusterActors") instanceof List<?> actors) {
            for (final Object actor : actors) {
                final Object name = Json.at(actor, "name");
                if (name != null) {
                    byName.put(name.toString(), new Placed(name.toString(), text(actor, "behavior"),
                        text(actor, "owner"), Json.at(actor, "epoch") instanceof Number n ? n.longValue() : 0,
                        text(actor, "state"), text(actor, "replica")));
                }
            }
        }
        return new Placements(byName);
    }

    /** @return the actor, or null when the node does not list it */
    Placed get(final String name) {
        return byName.get(name);
    }

    /**
     * @return whether {@code name} and at least one actor of {@code behavior} are listed, and every listed cluster
     *     actor is active on an owner: placement has run them all
     */
    boolean allActive(final String name, final String behavior) {
        return byName.containsKey(name) && !named(behavior).isEmpty()
            && byName.values().stream().allMatch(Placed::isActive);
    }

    /** @return the names of the actors of {@code behavior} that each member runs, members sorted */
    Map<String, List<String>> byOwner(final String behavior) {
        final Map<String, List<String>> byOwner = new TreeMap<>();
        for (final Placed placed : byName.values()) {
            if (behavior.equals(placed.behavior()) && placed.owner() != null) {
                byOwner.computeIfAbsent(placed.owner(), k -> new ArrayList<>()).add(placed.name());
            }
        }
        return byOwner;
    }

    /** @return the names of the actors of {@code behavior}, in the node's order */
    List<String> named(final String behavior) {
        return byName.values().stream().filter(p -> behavior.equals(p.behavior())).map(Placed::name).toList();
    }

    private static String text(final Object actor, final String key) {
        final Object value = Json.at(actor, key);
        return value == null ? null : value.toString();
    }
}
