package hamlet.registry.internal;

import hamlet.api.ActorBehavior;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The behaviours this node can spawn, by name, with their versions. When several versions of a name are registered
 * (a bundle being replaced, or two bundles side by side), the highest is used; among equal versions the one
 * registered last. When it goes away the next takes over.
 *
 * <p>Threading: {@link #get}, {@link #current} and {@link #names} from any thread without locking; changes are
 * serialized.
 */
final class Behaviors {
    private static final Comparator<Registration> BEST_FIRST = Comparator
        .comparing(Registration::version, BehaviorVersion.HIGHEST_FIRST)
        .thenComparing(Comparator.comparingLong(Registration::sequence).reversed());

    /** What spawns use: the best of each name. */
    private final ConcurrentHashMap<String, Registration> current = new ConcurrentHashMap<>();
    /** Every registration, best first. Guarded by this. */
    private final Map<String, List<Registration>> all = new HashMap<>();
    private long sequence;

    /**
     * @param name the behaviour's name
     * @param behavior the behaviour
     * @param version its bundle's version, or null when not known
     * @param bundle its bundle's symbolic name, or null
     * @return the registration made
     */
    synchronized Registration add(final String name, final ActorBehavior behavior, final String version,
                                  final String bundle) {
        final List<Registration> registered = all.computeIfAbsent(name, key -> new ArrayList<>());
        registered.removeIf(r -> r.behavior() == behavior);
        final Registration added = new Registration(name, behavior,
            version == null || version.isBlank() ? BehaviorVersion.NONE : version, bundle, ++sequence);
        registered.add(added);
        registered.sort(BEST_FIRST);
        current.put(name, registered.get(0));
        return added;
    }

    /**
     * @param name the name it was registered under
     * @param behavior the behaviour
     * @return the registration removed, or null when it was not registered
     */
    synchronized Registration remove(final String name, final ActorBehavior behavior) {
        final List<Registration> registered = all.get(name);
        if (registered == null) {
            return null;
        }
        Registration removed = null;
        for (final Registration r : registered) {
            if (r.behavior() == behavior) {
                removed = r;
            }
        }
        if (removed == null) {
            return null;
        }
        registered.remove(removed);
        if (registered.isEmpty()) {
            all.remove(name);
            current.remove(name);
        } else {
            current.put(name, registered.get(0));
        }
        return removed;
    }

    /**
     * @param name a behaviour's name
     * @return the behaviour to spawn with, or null
     */
    ActorBehavior get(final String name) {
        final Registration registration = current(name);
        return registration == null ? null : registration.behavior();
    }

    /**
     * @param name a behaviour's name
     * @return the registration to spawn with and swap to, or null
     */
    Registration current(final String name) {
        return name == null ? null : current.get(name);
    }

    /**
     * @param registration a registration
     * @return whether it is still registered
     */
    synchronized boolean isRegistered(final Registration registration) {
        final List<Registration> registered = all.get(registration.name());
        return registered != null && registered.contains(registration);
    }

    /**
     * @param name a behaviour's name
     * @return its registrations, best first
     */
    synchronized List<Registration> all(final String name) {
        final List<Registration> registered = all.get(name);
        return registered == null ? List.of() : List.copyOf(registered);
    }

    /** @return the names, sorted, as an unmodifiable copy */
    Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(current.keySet()));
    }
}
