package hamlet.bench;

import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.AllDeadLetters;
import org.apache.pekko.actor.Props;

/**
 * Pekko classic actors as the reference: the default dispatcher (fork-join executor, throughput 5) and the default
 * unbounded mailbox, exactly as {@code reference.conf} sets them. Only log output is turned down.
 */
final class PekkoRuntime implements ActorRuntime {
    private final ActorSystem system;
    private final LongAdder deadLetters = new LongAdder();

    PekkoRuntime() {
        system = ActorSystem.create("bench", ConfigFactory.parseString(
                "pekko.loglevel = WARNING\npekko.log-dead-letters = off").withFallback(ConfigFactory.load()));
        final ActorRef counter = system.actorOf(Props.create(DeadLetterCounter.class,
                () -> new DeadLetterCounter(deadLetters)), "dead-letter-counter");
        system.getEventStream().subscribe(counter, AllDeadLetters.class);
    }

    @Override
    public Target spawn(final String name, final Handler handler) {
        return new PekkoTarget(system.actorOf(Props.create(HandlerActor.class, () -> new HandlerActor(handler)),
                name));
    }

    @Override
    public long deadLetters() {
        return deadLetters.sum();
    }

    @Override
    public void close() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private record PekkoTarget(ActorRef ref) implements Target {
        @Override
        public void tell(final Object body) {
            ref.tell(body, ActorRef.noSender());
        }

        @Override
        public void tell(final Object body, final Target sender) {
            ref.tell(body, ((PekkoTarget) sender).ref);
        }
    }

    /** Public with a public constructor: Pekko creates actors reflectively. */
    public static final class HandlerActor extends AbstractActor implements Replier {
        private final Handler handler;

        public HandlerActor(final Handler handler) {
            this.handler = handler;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().matchAny(body -> handler.onMessage(body, this)).build();
        }

        @Override
        public void reply(final Object body) {
            getSender().tell(body, getSelf());
        }
    }

    /** Counts dead letters, so that a benchmark can fail rather than wait for messages that never arrive. */
    public static final class DeadLetterCounter extends AbstractActor {
        private final LongAdder count;

        public DeadLetterCounter(final LongAdder count) {
            this.count = count;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().matchAny(letter -> count.increment()).build();
        }
    }
}
