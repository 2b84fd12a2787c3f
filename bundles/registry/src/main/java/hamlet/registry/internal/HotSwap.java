package hamlet.registry.internal;

import hamlet.api.BehaviorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tally of hot swaps: per behaviour, how the last swap went (which actors moved, which failed and why, and
 * whether its version was found broken) for operators. The swaps themselves run in {@link ActorCell} (snapshot and
 * hand-over, on the actor's turn) and {@link SwapCoordinator} (the new version's code, off the dispatcher).
 *
 * <p>Threading: every method from any thread.
 */
final class HotSwap {
    private static final Logger LOG = LoggerFactory.getLogger(HotSwap.class);

    private final String nodeId;
    private final Clock clock;
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    HotSwap(final String nodeId, final Clock clock) {
        this.nodeId = nodeId;
        this.clock = clock;
    }

    /**
     * Opens the tally of a swap of one behaviour: {@code actors} actors are to move.
     *
     * @param name the behaviour
     * @param from the version they run, or null when they wait suspended
     * @param to the version they move to, or null when there is none (they are suspended)
     * @param actors how many
     */
    void begin(final String name, final String from, final String to, final int actors) {
        final Tally tally = new Tally(from, to, actors);
        tallies.put(name, tally);
        if (actors == 0) {
            tally.at = clock.instant();
        }
    }

    /**
     * Counts the outcome for one actor, in the tally of its behaviour's latest swap.
     *
     * @param name the behaviour
     * @param actor the actor's name
     * @param failure null when it moved; else why it did not
     */
    void outcome(final String name, final String actor, final String failure) {
        final Tally tally = tallies.get(name);
        if (tally == null) {
            return;
        }
        final boolean complete;
        synchronized (tally) {
            if (failure == null) {
                tally.moved++;
            } else {
                tally.failed++;
                if (tally.failure == null) {
                    tally.failure = actor + ": " + failure;
                }
            }
            tally.at = clock.instant();
            complete = tally.moved + tally.failed == tally.expected;
        }
        if (complete) {
            final BehaviorInfo.Swap swap = tally.swap();
            if (swap.succeeded()) {
                LOG.info("[{}] swap of behaviour {} {} -> {} done: {} actors", nodeId, name, shown(swap.from()),
                    shown(swap.to()), swap.moved());
            } else {
                LOG.warn("[{}] swap of behaviour {} {} -> {}: {} actors moved, {} failed; first failure: {}",
                    nodeId, name, shown(swap.from()), shown(swap.to()), swap.moved(), swap.failed(),
                    swap.failure());
            }
        }
    }

    /**
     * @param name a behaviour
     * @return its last swap so far, or null when there has been none
     */
    BehaviorInfo.Swap last(final String name) {
        final Tally tally = tallies.get(name);
        return tally == null ? null : tally.swap();
    }

    /**
     * Notes that a version was found broken (a swap to it timed out): the tally of its swap says so in its failure,
     * which is what {@code GET /api/behaviors} shows.
     *
     * @param name the behaviour
     * @param version the broken version
     * @param reason why, naming the first timeout
     */
    void broken(final String name, final String version, final String reason) {
        final Tally tally = tallies.get(name);
        if (tally == null || !version.equals(tally.to)) {
            return;
        }
        synchronized (tally) {
            tally.broken = reason;
        }
    }

    private static String shown(final String version) {
        return version == null ? "(none)" : version;
    }

    /** One swap's counts. Guarded by itself. */
    private static final class Tally {
        final String from;
        final String to;
        final int expected;
        int moved;
        int failed;
        String failure;
        /** Set when the target version was found broken: shown instead of the first failure, which it names. */
        String broken;
        Instant at;

        Tally(final String from, final String to, final int expected) {
            this.from = from;
            this.to = to;
            this.expected = expected;
        }

        synchronized BehaviorInfo.Swap swap() {
            return new BehaviorInfo.Swap(from, to, at, moved, failed, broken != null ? broken : failure);
        }
    }
}
