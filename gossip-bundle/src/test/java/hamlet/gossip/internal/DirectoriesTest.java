package hamlet.gossip.internal;

import hamlet.api.cluster.ClusterEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoriesTest {
    private static Map<String, String> many(final int n) {
        final Map<String, String> d = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            d.put("worker-number-" + i, i % 3 == 0 ? null : "group-" + (i % 7));
        }
        return d;
    }

    @Test
    void shouldCutIntoPagesThatFitAndPutThemBackInAnyOrder() {
        final Map<String, String> directory = many(3_000);
        final List<List<Map.Entry<String, String>>> pages = Directories.pages(directory, 12 * 1024);
        assertTrue(pages.size() > 3, "several pages: " + pages.size());
        for (final List<Map.Entry<String, String>> page : pages) {
            final Map<String, String> asMap = new HashMap<>();
            page.forEach(e -> asMap.put(e.getKey(), e.getValue()));
            assertTrue(Directories.bytes(asMap) <= 12 * 1024, "each page fits");
        }
        final Directories.Assembly assembly = new Directories.Assembly(1, 1, pages.size());
        final List<Integer> order = new ArrayList<>();
        for (int p = 0; p < pages.size(); p++) {
            order.add(p);
        }
        Collections.reverse(order);
        Map<String, String> whole = null;
        for (final int p : order) {
            final List<String[]> entries = new ArrayList<>();
            pages.get(p).forEach(e -> entries.add(new String[] {e.getKey(), e.getValue()}));
            assertNull(whole, "not complete before the last page");
            whole = assembly.offer(p, entries);
            if (p == order.get(0)) {
                assertNull(assembly.offer(p, entries), "a page received twice counts once");
            }
        }
        assertEquals(directory, whole, "the same directory, groups and no-groups (null) included");
        assertEquals(1, Directories.pages(Map.of(), 12 * 1024).size(), "an empty directory is one empty page");
    }

    @Test
    void shouldSayWhatChanged() {
        final List<ClusterEvent> events = new ArrayList<>();
        final Map<String, String> before = new TreeMap<>(Map.of("a", "g", "b", "g"));
        final Map<String, String> after = new TreeMap<>(Map.of("b", "h", "c", "g"));
        Directories.diff("n1", before, after, events);
        assertEquals(List.of(
            new ClusterEvent(ClusterEvent.Type.ACTOR_REMOVED, "n1", "a", null),
            new ClusterEvent(ClusterEvent.Type.ACTOR_REMOVED, "n1", "b", null),
            new ClusterEvent(ClusterEvent.Type.ACTOR_ADDED, "n1", "b", "group h"),
            new ClusterEvent(ClusterEvent.Type.ACTOR_ADDED, "n1", "c", "group g")), events);
    }
}
