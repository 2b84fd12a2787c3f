package hamlet.registry.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of cluster actors on this node, for operators ({@code ActorSystem.counters()}): messages held,
 * forwarded, dropped as second copies, state copies sent, acknowledged and refused, handovers, lease lapses.
 *
 * <p>Threading: any thread; each counter is a {@link LongAdder}.
 */
final class ClusterCounters {
    static final String HELD = "cluster-actors.held";
    static final String HELD_DROPPED = "cluster-actors.held-dead-lettered";
    static final String FORWARDED = "cluster-actors.forwarded";
    static final String DUPLICATES = "cluster-actors.duplicates-dropped";
    static final String ACTIVATED = "cluster-actors.activated";
    static final String RESTORE_FAILED = "cluster-actors.restore-failed";
    static final String OUTPUTS_HELD = "cluster-actors.outputs-held";
    static final String OUTPUTS_DROPPED = "cluster-actors.outputs-dropped";
    static final String RECLAIMED = "cluster-actors.reclaimed";
    static final String COPIES_SENT = "replica.copies-sent";
    static final String COPIES_ACKED = "replica.copies-acknowledged";
    static final String COPIES_KEPT = "replica.copies-kept";
    static final String COPIES_REFUSED = "replica.copies-refused";
    /** Copies a takeover gathered from other members that were newer than any held here. */
    static final String COPIES_GATHERED = "replica.copies-gathered";
    static final String STATE_TOO_LARGE = "replica.state-too-large";
    /** Times an owner's held output waited longer than {@code ACKS_LATE_NS} for its replica's acknowledgement. */
    static final String ACKS_LATE = "replica.acknowledgements-late";
    static final String HANDOVER_SENT = "handover.sent";
    static final String HANDOVER_RECEIVED = "handover.received";
    static final String HANDOVER_REFUSED = "handover.refused";
    static final String LEASE_HELD = "lease.lapsed-messages-held";
    static final String MALFORMED = "cluster-actors.malformed-messages";

    private static final String[] ALL = {HELD, HELD_DROPPED, FORWARDED, DUPLICATES, ACTIVATED, RESTORE_FAILED,
        OUTPUTS_HELD, OUTPUTS_DROPPED, RECLAIMED, COPIES_SENT, COPIES_ACKED, COPIES_KEPT, COPIES_REFUSED,
        COPIES_GATHERED, STATE_TOO_LARGE, ACKS_LATE, HANDOVER_SENT, HANDOVER_RECEIVED, HANDOVER_REFUSED, LEASE_HELD,
        MALFORMED};

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    ClusterCounters() {
        for (final String name : ALL) {
            counters.put(name, new LongAdder());
        }
    }

    void add(final String name) {
        counters.get(name).increment();
    }

    void add(final String name, final long count) {
        counters.get(name).add(count);
    }

    long get(final String name) {
        return counters.get(name).sum();
    }

    /** @return every counter, by name, sorted */
    Map<String, Long> snapshot() {
        final Map<String, Long> all = new TreeMap<>();
        counters.forEach((name, adder) -> all.put(name, adder.sum()));
        return all;
    }
}
