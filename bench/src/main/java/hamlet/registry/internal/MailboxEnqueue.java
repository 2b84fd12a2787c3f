package hamlet.registry.internal;

import hamlet.api.Address;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.UnboundedMailbox;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The raw cost of a mailbox, without actors or threads: wrap a body in the runtime's envelope, enqueue it, dequeue
 * it. Hamlet: the registry's own {@link Mailbox} of {@link Envelope}s (a JCTools MPSC chunked array queue, bounded
 * at the default 8192). Pekko: the queue of its default mailbox, {@link UnboundedMailbox.MessageQueue} (a
 * {@code ConcurrentLinkedQueue}) of Pekko envelopes.
 *
 * <p>In this package because Hamlet's mailbox is package-private to the registry; the bench is not a bundle, so the
 * split package is harmless here.
 *
 * <ul>
 *   <li>{@link #offerPoll}: one in, one out: the cost when an actor keeps up with its senders.</li>
 *   <li>{@link #burst}: {@value #BURST} in, then {@value #BURST} out, per message: a backlog building and draining,
 *   which for Hamlet crosses a chunk boundary of its queue.</li>
 * </ul>
 * Single-threaded: what contention adds shows in {@code TellThroughput}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class MailboxEnqueue {
    static final int BURST = 100;
    private static final Object BODY = 42L;

    @Param({"hamlet", "pekko"})
    public String runtime;

    private Queue queue;

    @Setup(Level.Trial)
    public void start() {
        switch (runtime) {
            case "hamlet":
                queue = new HamletQueue(RegistrySettings.defaults().mailboxBound());
                break;
            case "pekko":
                queue = new PekkoQueue();
                break;
            default:
                throw new IllegalArgumentException("runtime must be hamlet or pekko, got " + runtime);
        }
    }

    @Benchmark
    public Object offerPoll() {
        queue.offer(BODY);
        return queue.poll();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst(final Blackhole sink) {
        for (int i = 0; i < BURST; i++) {
            queue.offer(BODY);
        }
        for (int i = 0; i < BURST; i++) {
            sink.consume(queue.poll());
        }
    }

    /** One runtime's mailbox; a fork runs one runtime only, so the calls stay monomorphic. */
    private interface Queue {
        void offer(Object body);

        Object poll();
    }

    private static final class HamletQueue implements Queue {
        private final Mailbox<Envelope> mailbox;
        private final Address to = Address.of("node1", "bench");

        HamletQueue(final int capacity) {
            mailbox = new Mailbox<>(capacity);
        }

        @Override
        public void offer(final Object body) {
            if (!mailbox.offer(new Envelope(body, null, to))) {
                throw new IllegalStateException("mailbox full");
            }
        }

        @Override
        public Object poll() {
            return mailbox.poll().body();
        }
    }

    private static final class PekkoQueue implements Queue {
        private final UnboundedMailbox.MessageQueue queue = new UnboundedMailbox.MessageQueue();

        @Override
        public void offer(final Object body) {
            // What ActorCell.sendMessage does, minus the dispatcher: wrap, then enqueue (the receiver is unused).
            queue.enqueue(null, org.apache.pekko.dispatch.Envelope.apply(body, null));
        }

        @Override
        public Object poll() {
            return queue.dequeue().message();
        }
    }
}
