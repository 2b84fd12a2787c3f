package hamlet.admin.internal.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * The last samples of one node, oldest first: a ring of fixed capacity, so that a node sending samples for days
 * holds the same memory as one that just started. Confined to the dashboard's thread.
 */
final class NodeHistory {
    private final NodeSample[] ring;
    /** Where the next sample goes. */
    private int next;
    private int size;

    /** @param capacity how many samples are kept, at least 1 */
    NodeHistory(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.ring = new NodeSample[capacity];
    }

    /**
     * Keeps a sample, dropping the oldest when full. A sample not newer than the last one (a duplicate or a late
     * arrival on the unordered control lane) is ignored, so that the line of a chart never goes back in time.
     *
     * @param sample the sample
     * @return whether it was kept
     */
    boolean add(final NodeSample sample) {
        final NodeSample last = latest();
        if (last != null && sample.atMillis() <= last.atMillis()) {
            return false;
        }
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
        return true;
    }

    /** @return the newest sample, or {@code null} when none */
    NodeSample latest() {
        return size == 0 ? null : ring[(next - 1 + ring.length) % ring.length];
    }

    /** @return the samples kept, oldest first */
    List<NodeSample> all() {
        final List<NodeSample> all = new ArrayList<>(size);
        final int first = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            all.add(ring[(first + i) % ring.length]);
        }
        return all;
    }

    /** @return how many samples are kept */
    int size() {
        return size;
    }
}
