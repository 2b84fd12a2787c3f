package hamlet.example.load;

import java.util.Collections;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * What a recorder measures: each sender's numbers ({@link SequenceCheck}, from the start), the one-way latency of
 * every message and the measured window (count, first and last receipt), both from the last {@link #reset}. One
 * class for Hamlet's recorder behaviour and the Pekko reference's (bench/ArteryRecorder), so that both measure the
 * same way; each renders the figures in its own reply format. Public (the package is not exported) for that bench.
 *
 * <p>Not thread-safe: its actor's turn owns it.
 *
 * @param <K> how the actor tells its senders apart (an address, an actor reference)
 */
public final class Recording<K> {
    private final int ackEvery;
    private final Map<K, SequenceCheck> senders;
    private Histogram latency = Histograms.create();
    private long windowReceived;
    private long windowFirstNanos;
    private long windowLastNanos;

    /**
     * @param ackEvery acknowledge every this many messages of a sender (at least 1)
     * @param senders an empty map to keep the senders in: its kind sets the order {@link #senders()} shows
     */
    public Recording(final int ackEvery, final Map<K, SequenceCheck> senders) {
        this.ackEvery = Math.max(1, ackEvery);
        this.senders = senders;
    }

    /**
     * Records one load message.
     *
     * @param body a load body ({@link LoadBody#fits} holds)
     * @param now the actor's System.nanoTime() when the message arrived
     * @return whether this message is to be acknowledged (with its sequence and timestamp)
     */
    public boolean record(final K from, final byte[] body, final long now) {
        final SequenceCheck check = senders.computeIfAbsent(from, k -> new SequenceCheck());
        check.accept(LoadBody.seq(body));
        latency.recordValue(Math.max(0, now - LoadBody.sentNanos(body)));
        if (windowReceived++ == 0) {
            windowFirstNanos = now;
        }
        windowLastNanos = now;
        return check.received() % ackEvery == 0;
    }

    /** Starts a new measured window: clears the latency and the window, keeps the sequence checks. */
    public void reset() {
        latency = Histograms.create();
        windowReceived = 0;
        windowFirstNanos = 0;
        windowLastNanos = 0;
    }

    /** @return each sender's check, read-only */
    public Map<K, SequenceCheck> senders() {
        return Collections.unmodifiableMap(senders);
    }

    /** @return messages received from every sender since the start */
    public long received() {
        return senders.values().stream().mapToLong(SequenceCheck::received).sum();
    }

    public long duplicates() {
        return senders.values().stream().mapToLong(SequenceCheck::duplicates).sum();
    }

    public long gaps() {
        return senders.values().stream().mapToLong(SequenceCheck::gaps).sum();
    }

    public long outOfOrder() {
        return senders.values().stream().mapToLong(SequenceCheck::outOfOrder).sum();
    }

    /** @return messages received since the last reset */
    public long windowReceived() {
        return windowReceived;
    }

    /** @return System.nanoTime() at the first message since the last reset, 0 when none */
    public long windowFirstNanos() {
        return windowFirstNanos;
    }

    /** @return System.nanoTime() at the last message since the last reset, 0 when none */
    public long windowLastNanos() {
        return windowLastNanos;
    }

    /** @return the one-way latency since the last reset, as {@link Histograms#encode} writes it */
    public String latency() {
        return Histograms.encode(latency);
    }
}
