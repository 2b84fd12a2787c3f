package hamlet.bench;

import hamlet.example.load.LoadBody;
import hamlet.example.load.Recording;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;

/**
 * Hamlet's {@code recorder} behaviour (bundles/examples/load RecorderActor) as a Pekko classic actor: checks each
 * sender's numbers, records one-way latency (its nanoTime at receipt minus the sender's in the body) and
 * acknowledges every {@code ackEvery}-th message of a sender with a 16-byte body carrying the same sequence and
 * timestamp. The measuring itself is Hamlet's own {@link hamlet.example.load.Recording}.
 *
 * <p>Control (Strings): {@code stats} and {@code reset} (clears the latency and the measured window) reply
 * {@code received, duplicates, gaps, outOfOrder, windowReceived, firstNanos, lastNanos, latency}.
 */
public final class ArteryRecorder extends AbstractActor {
    private final Recording<ActorRef> recording;

    public ArteryRecorder(final int ackEvery) {
        this.recording = new Recording<>(ackEvery, new HashMap<>());
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
        if (!LoadBody.fits(body)) {
            return;
        }
        final ActorRef from = getSender();
        if (recording.record(from, body, now)) {
            from.tell(LoadBody.encode(LoadBody.seq(body), LoadBody.sentNanos(body), LoadBody.MIN_BYTES), getSelf());
        }
    }

    private void command(final String task) {
        switch (task) {
            case "stats" -> getSender().tell(stats(), getSelf());
            case "reset" -> {
                recording.reset();
                getSender().tell(stats(), getSelf());
            }
            default -> getSender().tell("error=unknown command " + task, getSelf());
        }
    }

    private String stats() {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("received", recording.received());
        out.put("duplicates", recording.duplicates());
        out.put("gaps", recording.gaps());
        out.put("outOfOrder", recording.outOfOrder());
        out.put("windowReceived", recording.windowReceived());
        out.put("firstNanos", recording.windowFirstNanos());
        out.put("lastNanos", recording.windowLastNanos());
        out.put("latency", recording.latency());
        return ArteryLoad.reply(out);
    }
}
