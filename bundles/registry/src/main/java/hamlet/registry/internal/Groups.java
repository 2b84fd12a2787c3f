package hamlet.registry.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The local actors of each group, for {@code *:group} sends: the member with the smallest mailbox gets the message.
 *
 * <p>Threading: any thread. Members are kept as copy-on-write arrays (joins and leaves are rare, sends are not), so
 * a pick reads one array without locking.
 */
final class Groups {
    private static final ActorCell[] NONE = new ActorCell[0];

    private final ConcurrentHashMap<String, ActorCell[]> members = new ConcurrentHashMap<>();

    /** @param cell a new actor with a group */
    void join(final ActorCell cell) {
        final String group = cell.spec().group();
        if (group != null) {
            members.merge(group, new ActorCell[] {cell}, (old, added) -> {
                final ActorCell[] grown = Arrays.copyOf(old, old.length + 1);
                grown[old.length] = cell;
                return grown;
            });
        }
    }

    /** @param cell an actor leaving the registry; nothing happens when it is not a member */
    void leave(final ActorCell cell) {
        final String group = cell.spec().group();
        if (group != null) {
            members.computeIfPresent(group, (name, old) -> {
                final ActorCell[] kept = Arrays.stream(old).filter(member -> member != cell).toArray(ActorCell[]::new);
                return kept.length == 0 ? null : kept;
            });
        }
    }

    /**
     * @param group the group's name
     * @return whether this node has a member of it now (one that is retiring counts until it has left)
     */
    boolean has(final String group) {
        return members.containsKey(group);
    }

    /**
     * Picks the member with the fewest waiting messages. The scan starts at a random member, so that among equally
     * loaded members (all idle, typically) the messages spread instead of all going to the first; it stops at the
     * first empty mailbox.
     *
     * @param group the group's name
     * @return the member, or null when the group has none on this node
     */
    ActorCell pick(final String group) {
        final ActorCell[] cells = members.getOrDefault(group, NONE);
        final int count = cells.length;
        if (count == 0) {
            return null;
        }
        final int start = count == 1 ? 0 : ThreadLocalRandom.current().nextInt(count);
        ActorCell best = null;
        int bestSize = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            final ActorCell candidate = cells[(start + i) % count];
            if (candidate.isRetired()) {
                continue;
            }
            final int size = candidate.mailboxSize();
            if (size < bestSize) {
                best = candidate;
                bestSize = size;
                if (size == 0) {
                    break;
                }
            }
        }
        return best;
    }
}
