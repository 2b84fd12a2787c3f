package hamlet.bench;

import hamlet.example.load.Histograms;
import hamlet.example.load.LoadBody;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;

/**
 * Hamlet's {@code sender} behaviour (bundles/examples/load SenderActor) as a Pekko classic actor, same logic line
 * for line: numbered bodies to one recorder, at a fixed rate (ticks every 50 ms) or as fast as a window of
 * unacknowledged messages allows, in chunks of 1,000 per turn; the round trip of every acknowledgement goes into a
 * histogram.
 *
 * <p>Control (Strings from the coordinator): {@code link|PATH} replies {@code linked} once the target answered an
 * Identify (the Artery association is up); {@code send|PATH|RATE|WINDOW|BODY_BYTES|DURATION_MS} replies
 * {@code started}; {@code reset}, {@code stats} and {@code stop} reply the stats.
 */
public final class ArterySender extends AbstractActor {
    static final int CHUNK = 1000;
    static final long TICK_MS = 50;

    /** Told to itself, never over the wire: go on sending now. */
    private static final Object CONTINUE = new Object();
    private static final Object TICK = new Object();

    private Histogram rtt = Histograms.create();
    private ActorRef target;
    private String to;
    private long rate;
    private long window;
    private int bodyBytes;
    private long startNanos;
    private long deadlineNanos;
    private boolean running;
    private long sent;
    private long acked;
    private ActorRef linkRequester;
    private Cancellable ticks;

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(byte[].class, this::ack)
                .matchEquals(CONTINUE, m -> pump())
                .matchEquals(TICK, m -> pump())
                .match(String.class, this::command)
                .match(ActorIdentity.class, this::identified)
                .build();
    }

    @Override
    public void postStop() {
        stopTicks();
    }

    private void ack(final byte[] ack) {
        if (!LoadBody.fits(ack)) {
            return;
        }
        acked = Math.max(acked, LoadBody.seq(ack));
        rtt.recordValue(Math.max(0, System.nanoTime() - LoadBody.sentNanos(ack)));
        pump();
    }

    private void command(final String command) {
        final String[] f = command.split("\\|");
        switch (f[0]) {
            case "link" -> {
                linkRequester = getSender();
                getContext().actorSelection(f[1]).tell(new Identify(f[1]), getSelf());
            }
            case "send" -> start(f);
            case "stats" -> getSender().tell(stats(), getSelf());
            case "stop" -> {
                finish();
                getSender().tell(stats(), getSelf());
            }
            case "reset" -> {
                rtt = Histograms.create();
                getSender().tell(stats(), getSelf());
            }
            default -> getSender().tell("error=unknown command " + f[0], getSelf());
        }
    }

    private void identified(final ActorIdentity identity) {
        if (linkRequester != null) {
            linkRequester.tell(identity.getActorRef().isPresent() ? "linked" : "error=no actor at "
                    + identity.correlationId(), getSelf());
            linkRequester = null;
        }
    }

    private void start(final String[] f) {
        if (running) {
            getSender().tell("error=already sending to " + to, getSelf());
            return;
        }
        to = f[1];
        target = ((ExtendedActorSystem) getContext().getSystem()).provider().resolveActorRef(to);
        rate = Long.parseLong(f[2]);
        window = Long.parseLong(f[3]);
        bodyBytes = Integer.parseInt(f[4]);
        final long durationMs = Long.parseLong(f[5]);
        startNanos = System.nanoTime();
        deadlineNanos = startNanos + durationMs * 1_000_000L;
        sent = 0;
        acked = 0;
        rtt = Histograms.create();
        running = true;
        ticks = getContext().getSystem().scheduler().scheduleAtFixedRate(Duration.ofMillis(TICK_MS),
                Duration.ofMillis(TICK_MS), getSelf(), TICK, getContext().getDispatcher(), getSelf());
        getSender().tell("started", getSelf());
        pump();
    }

    private void pump() {
        if (!running) {
            return;
        }
        final long now = System.nanoTime();
        if (now - deadlineNanos >= 0) {
            finish();
            return;
        }
        long allowed = Math.min(CHUNK, window - (sent - acked));
        if (rate > 0) {
            final long due = (long) ((now - startNanos) / 1e9 * rate) + 1;
            allowed = Math.min(allowed, due - sent);
        }
        final ActorRef self = getSelf();
        for (long i = 0; i < allowed; i++) {
            target.tell(LoadBody.encode(++sent, System.nanoTime(), bodyBytes), self);
        }
        if (allowed == CHUNK) {
            self.tell(CONTINUE, self);
        }
    }

    private void finish() {
        running = false;
        stopTicks();
    }

    private void stopTicks() {
        if (ticks != null) {
            ticks.cancel();
            ticks = null;
        }
    }

    private String stats() {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("running", running);
        out.put("to", to);
        out.put("sent", sent);
        out.put("acked", acked);
        out.put("rtt", Histograms.encode(rtt));
        return ArteryLoad.reply(out);
    }
}
