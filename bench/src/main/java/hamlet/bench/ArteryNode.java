package hamlet.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.AllDeadLetters;
import org.apache.pekko.actor.Props;

/**
 * One node process of {@link ArteryBench}: a Pekko ActorSystem named {@code bench} with Artery TCP remoting on
 * 127.0.0.1:PORT, M {@code sender-k} and M {@code recorder-k} actors under /user, and a {@code dead-letters}
 * actor counting what this node could not deliver. It runs until the coordinator destroys the process (Pekko's
 * JVM shutdown hook terminates the system).
 *
 * <p>Usage (the coordinator starts it): {@code ArteryBench --node PORT ACTORS ACK_EVERY}.
 */
final class ArteryNode {
    private ArteryNode() {
    }

    /**
     * The config of every process of the bench, the coordinator's included: Pekko's reference.conf with remoting
     * over Artery TCP on loopback; {@code -Dpekko.*} system properties still override it.
     */
    static Config config(final int port) {
        return ConfigFactory.systemProperties()
                .withFallback(ConfigFactory.parseString(""
                        + "pekko.loglevel = WARNING\n"
                        + "pekko.log-dead-letters = off\n"
                        + "pekko.log-dead-letters-during-shutdown = off\n"
                        + "pekko.actor.provider = remote\n"
                        // The bench wants bare remoting, not the cluster layer the warning recommends.
                        + "pekko.remote.warn-about-direct-use = off\n"
                        + "pekko.remote.warn-unsafe-watch-outside-cluster = off\n"
                        + "pekko.remote.artery.transport = tcp\n"
                        + "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                        + "pekko.remote.artery.canonical.port = " + port + "\n"))
                .withFallback(ConfigFactory.load());
    }

    static void run(final String[] args) {
        final int port = Integer.parseInt(args[1]);
        final int actors = Integer.parseInt(args[2]);
        final int ackEvery = Integer.parseInt(args[3]);
        final ActorSystem system = ActorSystem.create("bench", config(port));
        final ActorRef counter = system.actorOf(Props.create(DeadLetterCounter.class, DeadLetterCounter::new),
                "dead-letters");
        system.getEventStream().subscribe(counter, AllDeadLetters.class);
        for (int k = 1; k <= actors; k++) {
            system.actorOf(Props.create(ArteryRecorder.class, () -> new ArteryRecorder(ackEvery)), "recorder-" + k);
            system.actorOf(Props.create(ArterySender.class, ArterySender::new), "sender-" + k);
        }
        System.out.println("node up on 127.0.0.1:" + port + " with " + actors + " senders and recorders");
    }

    /**
     * Counts dead letters and dropped messages of this node: load bodies (a full Artery outbound queue drops them
     * here) apart from everything else. {@code stats} replies {@code load=N;other=N}.
     */
    public static final class DeadLetterCounter extends AbstractActor {
        private long load;
        private long other;

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(AllDeadLetters.class, d -> {
                        if (d.message() instanceof byte[]) {
                            load++;
                        } else {
                            other++;
                        }
                    })
                    .matchEquals("stats", m -> getSender().tell("load=" + load + ";other=" + other, getSelf()))
                    .build();
        }
    }
}
