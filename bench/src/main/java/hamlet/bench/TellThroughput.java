package hamlet.bench;

import hamlet.bench.ActorRuntime.Target;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Local tell throughput, end to end: {@value #PRODUCERS} producer threads each send batches of {@value #BATCH} small
 * messages (a boxed {@code long}) round-robin over {@code actors} actors, and wait until the actors have counted
 * the whole batch. The score is messages handled per second, summed over the producers.
 *
 * <p>A batch is sized so that Hamlet's bounded mailboxes cannot overflow: at most
 * {@code PRODUCERS * BATCH / actors} messages (80 with the defaults) wait in one mailbox. A dead letter fails the
 * run instead of being counted as throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(TellThroughput.PRODUCERS)
public class TellThroughput {
    static final int PRODUCERS = 4;
    static final int BATCH = 2_000;
    /** The low bits of each message carry its producer's slot, so that the actor knows whom to count it for. */
    private static final int SLOT_BITS = 4;
    private static final long SLOT_MASK = (1 << SLOT_BITS) - 1;

    @Param({"hamlet", "pekko"})
    public String runtime;

    @Param({"100"})
    public int actors;

    private final Countdown[] slots = new Countdown[1 << SLOT_BITS];
    private final AtomicInteger nextSlot = new AtomicInteger();
    private ActorRuntime system;
    private Target[] targets;

    @Setup(Level.Trial)
    public void start() {
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Countdown();
        }
        system = ActorRuntime.start(runtime);
        targets = new Target[actors];
        for (int i = 0; i < actors; i++) {
            targets[i] = system.spawn("counter-" + i, (body, sender) -> slots[(int) ((Long) body & SLOT_MASK)]
                    .arrived());
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        system.close();
    }

    /** One producer thread's own state. */
    @State(Scope.Thread)
    public static class Producer {
        private int slot;
        private Countdown done;
        private long sequence;
        private int next;

        @Setup(Level.Trial)
        public void claim(final TellThroughput bench) {
            slot = bench.nextSlot.getAndIncrement();
            if (slot >= bench.slots.length) {
                throw new IllegalStateException("at most " + bench.slots.length + " producer threads");
            }
            done = bench.slots[slot];
            // Producers start on different actors, as independent clients would.
            next = (int) ((long) slot * bench.actors / PRODUCERS % bench.actors);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void tell(final Producer producer) {
        final long deadLettersBefore = system.deadLetters();
        producer.done.expect(BATCH);
        for (int i = 0; i < BATCH; i++) {
            targets[producer.next].tell(Long.valueOf(++producer.sequence << SLOT_BITS | producer.slot));
            if (++producer.next == targets.length) {
                producer.next = 0;
            }
        }
        producer.done.await(system, deadLettersBefore);
    }
}
