package hamlet.registry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state copies this node holds for cluster actors it is the replica of: per actor the two newest, so that a
 * {@code restore()} that throws on the newest can fall back to the one before. A copy older than the newest held
 * (lower epoch, or the same epoch and a lower number) is refused.
 *
 * <p>Threading: any thread; each actor's copies are guarded by their own object.
 */
final class ReplicaStore {
    /** One copy: the owner's epoch, its number within the epoch, the state document and its size. */
    record Copy(long epoch, long number, String document) {
    }

    private static final class Copies {
        Copy newest;
        Copy previous;
    }

    private final ConcurrentHashMap<String, Copies> byActor = new ConcurrentHashMap<>();

    /**
     * @param name the actor
     * @param copy a copy from its owner
     * @return null when kept (or the very same copy is held already); else why it was refused
     */
    String offer(final String name, final Copy copy) {
        final Copies copies = byActor.computeIfAbsent(name, key -> new Copies());
        synchronized (copies) {
            final Copy newest = copies.newest;
            if (newest != null) {
                if (copy.epoch() < newest.epoch()) {
                    return "its epoch " + copy.epoch() + " is older than the newest copy held here (epoch "
                        + newest.epoch() + ")";
                }
                if (copy.epoch() == newest.epoch() && copy.number() <= newest.number()) {
                    return copy.number() == newest.number() ? null : "copy " + copy.number() + " of epoch "
                        + copy.epoch() + " is older than copy " + newest.number() + " held here";
                }
            }
            copies.previous = newest;
            copies.newest = copy;
            return null;
        }
    }

    /**
     * @param name the actor
     * @param beforeEpoch an activation's epoch
     * @return the copies held from earlier epochs, newest first (at most two)
     */
    List<Copy> before(final String name, final long beforeEpoch) {
        final Copies copies = byActor.get(name);
        final List<Copy> found = new ArrayList<>(2);
        if (copies == null) {
            return found;
        }
        synchronized (copies) {
            if (copies.newest != null && copies.newest.epoch() < beforeEpoch) {
                found.add(copies.newest);
            }
            if (copies.previous != null && copies.previous.epoch() < beforeEpoch) {
                found.add(copies.previous);
            }
        }
        return found;
    }

    /** @return the newest copy held for the actor, or {@code null} */
    Copy newest(final String name) {
        final Copies copies = byActor.get(name);
        if (copies == null) {
            return null;
        }
        synchronized (copies) {
            return copies.newest;
        }
    }

    /** @return the actors copies are held for */
    int size() {
        return byActor.size();
    }
}
