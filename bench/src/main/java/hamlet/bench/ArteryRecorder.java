package hamlet.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;

/**
 * Hamlet's {@code recorder} behaviour (bundles/examples/load RecorderActor) as a Pekko classic actor: checks each
 * sender's numbers, records one-way latency (its nanoTime at receipt minus the sender's in the body) and
 * acknowledges every {@code ackEvery}-th message of a sender with a 16-byte body carrying the same sequence and
 * timestamp.
 *
 * <p>Control (Strings): {@code stats} and {@code reset} (clears the latency and the measured window) reply
 * {@code received, duplicates, gaps, outOfOrder, windowReceived, firstNanos, lastNanos, latency}.
 */
public final class ArteryRecorder extends AbstractActor {
    private final int ackEvery;
    private final Map<ActorRef, ArteryLoad.SequenceCheck> senders = new HashMap<>();
    private Histogram latency = ArteryLoad.histogram();
    private long windowReceived;
    private long windowFirstNanos;
    private long windowLastNanos;

    public ArteryRecorder(final int ackEvery) {
        this.ackEvery = Math.max(1, ackEvery);
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(byte[].class, this::record)
                .match(String.class, this::command)
                .build();
    }

    private void record(final byte[] body) {
        final long now = System.nanoTime();
        if (!ArteryLoad.fits(body)) {
            return;
        }
        final long seq = ArteryLoad.seq(body);
        final long sentNanos = ArteryLoad.sentNanos(body);
        final ActorRef from = getSender();
        final ArteryLoad.SequenceCheck check = senders.computeIfAbsent(from, k -> new ArteryLoad.SequenceCheck());
        check.accept(seq);
        latency.recordValue(Math.max(0, now - sentNanos));
        if (windowReceived++ == 0) {
            windowFirstNanos = now;
        }
        windowLastNanos = now;
        if (check.received() % ackEvery == 0) {
            from.tell(ArteryLoad.encode(seq, sentNanos, ArteryLoad.MIN_BYTES), getSelf());
        }
    }

    private void command(final String task) {
        switch (task) {
            case "stats" -> getSender().tell(stats(), getSelf());
            case "reset" -> {
                latency = ArteryLoad.histogram();
                windowReceived = 0;
                windowFirstNanos = 0;
                windowLastNanos = 0;
                getSender().tell(stats(), getSelf());
            }
            default -> getSender().tell("error=unknown command " + task, getSelf());
        }
    }

    private String stats() {
        long received = 0;
        long duplicates = 0;
        long gaps = 0;
        long outOfOrder = 0;
        for (final ArteryLoad.SequenceCheck c : senders.values()) {
            received += c.received();
            duplicates += c.duplicates();
            gaps += c.gaps();
            outOfOrder += c.outOfOrder();
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("received", received);
        out.put("duplicates", duplicates);
        out.put("gaps", gaps);
        out.put("outOfOrder", outOfOrder);
        out.put("windowReceived", windowReceived);
        out.put("firstNanos", windowFirstNanos);
        out.put("lastNanos", windowLastNanos);
        out.put("latency", ArteryLoad.encode(latency));
        return ArteryLoad.reply(out);
    }
}
