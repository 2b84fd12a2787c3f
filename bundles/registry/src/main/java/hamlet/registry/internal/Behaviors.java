package hamlet.registry.internal;

import hamlet.api.ActorBehavior;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The behaviours this node can spawn, by name. When two are registered under one name (a bundle being replaced, for
 * instance), the one registered last is used, and the other takes over again if the last goes away.
 *
 * <p>Threading: {@link #get} and {@link #names} from any thread without locking; changes are serialized.
 */
final class Behaviors {
    /** What spawns use: the newest of each name. */
    private final ConcurrentHashMap<String, ActorBehavior> current = new ConcurrentHashMap<>();
    /** Every registration, oldest first. Guarded by this. */
    private final Map<String, ArrayDeque<ActorBehavior>> all = new HashMap<>();

    /**
     * @param name the behaviour's name
     * @param behavior the behaviour
     * @return whether it replaced another of the same name
     */
    synchronized boolean add(final String name, final ActorBehavior behavior) {
        final ArrayDeque<ActorBehavior> registered = all.computeIfAbsent(name, key -> new ArrayDeque<>());
        registered.remove(behavior);
        registered.addLast(behavior);
        return current.put(name, behavior) != null;
    }

    /**
     * @param name the name it was registered under
     * @param behavior the behaviour
     * @return whether it was registered
     */
    synchronized boolean remove(final String name, final ActorBehavior behavior) {
        final ArrayDeque<ActorBehavior> registered = all.get(name);
        if (registered == null || !registered.remove(behavior)) {
            return false;
        }
        if (registered.isEmpty()) {
            all.remove(name);
            current.remove(name);
        } else {
            current.put(name, registered.peekLast());
        }
        return true;
    }

    /**
     * @param name a behaviour's name
     * @return the behaviour to spawn with, or null
     */
    ActorBehavior get(final String name) {
        return name == null ? null : current.get(name);
    }

    /** @return the names, sorted, as an unmodifiable copy */
    Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(current.keySet()));
    }
}
