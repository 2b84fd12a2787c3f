package hamlet.admin.internal.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last events the dashboard lists (members joining, suspected, dead, left; takeovers and their durations), at
 * most {@code capacity}, the oldest dropped first. Confined to the dashboard's thread.
 */
final class EventLog {
    private final int capacity;
    private final ArrayDeque<DashboardEvent> events;
    private long seq;

    /** @param capacity how many events are kept, at least 1 */
    EventLog(final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    /**
     * @param atMillis when
     * @param kind the kind
     * @param node the member it is about
     * @param text a sentence
     * @return the event as kept, with its number
     */
    DashboardEvent add(final long atMillis, final String kind, final String node, final String text) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        final DashboardEvent event = new DashboardEvent(++seq, atMillis, kind, node, SampleCodec.clip(text));
        events.addLast(event);
        return event;
    }

    /** @return the events kept, oldest first */
    List<DashboardEvent> all() {
        return new ArrayList<>(events);
    }

    /** @return the number of the last event, 0 when none */
    long lastSeq() {
        return seq;
    }
}
