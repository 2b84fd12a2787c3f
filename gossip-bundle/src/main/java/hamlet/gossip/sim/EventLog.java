package hamlet.gossip.sim;

import hamlet.api.cluster.ClusterEvent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every event every node reported, in the order reported, and a digest of them all. The digest covers every event
 * even when only some are kept: a run of a thousand nodes reports millions of JOINED and ALIVE events, which the
 * figures do not need in memory, yet two runs must still be comparable as a whole.
 *
 * <p>Threading: one thread, the one running the simulation.
 */
public final class EventLog {
    private final Predicate<ClusterEvent> keep;
    private final List<Observed> kept = new ArrayList<>();
    private final List<Consumer<Observed>> listeners = new ArrayList<>();
    private final MessageDigest digest;
    private long count;

    /** @param keep which events to keep in memory (all are digested and passed to listeners) */
    EventLog(final Predicate<ClusterEvent> keep) {
        this.keep = keep;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    void record(final long timeMs, final String observer, final ClusterEvent event) {
        final Observed observed = new Observed(timeMs, observer, event);
        count++;
        digest.update(observed.toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        if (keep.test(event)) {
            kept.add(observed);
        }
        for (final Consumer<Observed> listener : listeners) {
            listener.accept(observed);
        }
    }

    /** Calls the listener with every event from now on. */
    public void listen(final Consumer<Observed> listener) {
        listeners.add(listener);
    }

    /** @return the SHA-256 of every event so far (time, observer, type, member, actor, detail), in hex */
    public String digest() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (final CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests are cloneable in every JDK", e);
        }
    }

    /** @return how many events were reported, kept or not */
    public long count() {
        return count;
    }

    /** @return the events kept, oldest first */
    public List<Observed> all() {
        return List.copyOf(kept);
    }

    /** @return the kept events that match, oldest first */
    public List<Observed> matching(final Predicate<Observed> filter) {
        return kept.stream().filter(filter).toList();
    }

    /** @return the kept events of this type about this member, oldest first */
    public List<Observed> about(final ClusterEvent.Type type, final String subject) {
        return matching(o -> o.is(type, subject));
    }

    /** @return when {@code observer} first reported {@code type} about {@code subject} at or after {@code fromMs} */
    public OptionalLong first(final ClusterEvent.Type type, final String observer, final String subject,
                              final long fromMs) {
        for (final Observed o : kept) {
            if (o.timeMs() >= fromMs && o.observer().equals(observer) && o.is(type, subject)) {
                return OptionalLong.of(o.timeMs());
            }
        }
        return OptionalLong.empty();
    }

    /** @return the kept events that match, one a line, at most {@code limit} of them (for failure messages) */
    public String excerpt(final Predicate<Observed> filter, final int limit) {
        final List<Observed> all = matching(filter);
        final StringBuilder text = new StringBuilder();
        for (final Observed o : all.subList(0, Math.min(limit, all.size()))) {
            text.append("\n  ").append(o);
        }
        if (all.size() > limit) {
            text.append("\n  ... ").append(all.size() - limit).append(" more");
        }
        return text.toString();
    }
}
