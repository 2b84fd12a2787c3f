package hamlet.gossip.internal;

import hamlet.api.cluster.ClusterEvent;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The actor directories that membership carries: a node's named actors and their groups (name to group, null for
 * none). How big one is, how it is cut into pages that each fit a control-lane message, how one arriving page by page
 * is put back together, and what changed between two versions. Stateless but for {@link Assembly}.
 */
final class Directories {
    private Directories() {
    }

    /** @return the directory's size as the bounds count it: 4 bytes per entry plus its UTF-8 name and group */
    static long bytes(final Map<String, String> actors) {
        long bytes = 0;
        for (final Map.Entry<String, String> e : actors.entrySet()) {
            bytes += entryBytes(e.getKey(), e.getValue());
        }
        return bytes;
    }

    /**
     * Cuts a directory into pages of at most {@code pageBytes} each (counted as {@link #bytes} does); an empty
     * directory is one empty page, so that a fetch always completes.
     */
    static List<List<Map.Entry<String, String>>> pages(final Map<String, String> directory, final int pageBytes) {
        final List<List<Map.Entry<String, String>>> pages = new ArrayList<>();
        List<Map.Entry<String, String>> page = new ArrayList<>();
        long used = 0;
        for (final Map.Entry<String, String> e : directory.entrySet()) {
            final long b = entryBytes(e.getKey(), e.getValue());
            if (used + b > pageBytes && !page.isEmpty()) {
                pages.add(page);
                page = new ArrayList<>();
                used = 0;
            }
            // Not Map.entry: a group may be null (no group), and must stay so on the wire.
            page.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
            used += b;
        }
        pages.add(page);
        return pages;
    }

    /** Adds to {@code events} what changed in a node's directory: each actor removed, added, or moved to a group. */
    static void diff(final String node, final Map<String, String> before, final Map<String, String> after,
                     final List<ClusterEvent> events) {
        for (final Map.Entry<String, String> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                events.add(new ClusterEvent(ClusterEvent.Type.ACTOR_REMOVED, node, e.getKey(), null));
            }
        }
        for (final Map.Entry<String, String> e : after.entrySet()) {
            final boolean known = before.containsKey(e.getKey());
            if (known && !Objects.equals(before.get(e.getKey()), e.getValue())) {
                events.add(new ClusterEvent(ClusterEvent.Type.ACTOR_REMOVED, node, e.getKey(), null));
            }
            if (!known || !Objects.equals(before.get(e.getKey()), e.getValue())) {
                events.add(new ClusterEvent(ClusterEvent.Type.ACTOR_ADDED, node, e.getKey(),
                    e.getValue() == null ? null : "group " + e.getValue()));
            }
        }
    }

    private static long entryBytes(final String name, final String group) {
        return 4 + name.getBytes(StandardCharsets.UTF_8).length
            + (group == null ? 0 : group.getBytes(StandardCharsets.UTF_8).length);
    }

    /** One member's directory (of one process and version) arriving page by page, in any order. */
    static final class Assembly {
        final long uid;
        final long version;
        private final List<String[]>[] pages;
        private int received;

        @SuppressWarnings("unchecked")
        Assembly(final long uid, final long version, final int pages) {
            this.uid = uid;
            this.version = version;
            this.pages = new List[pages];
        }

        int pageCount() {
            return pages.length;
        }

        /**
         * @param page the page's index, below {@link #pageCount()}
         * @param entries its entries, each {name, group or null}
         * @return the whole directory once every page is in, else null (a page received twice counts once)
         */
        Map<String, String> offer(final int page, final List<String[]> entries) {
            if (pages[page] == null) {
                pages[page] = entries;
                received++;
            }
            if (received < pages.length) {
                return null;
            }
            final Map<String, String> whole = new TreeMap<>();
            for (final List<String[]> p : pages) {
                for (final String[] e : p) {
                    whole.put(e[0], e[1]);
                }
            }
            return whole;
        }
    }
}
