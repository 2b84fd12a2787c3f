package hamlet.bench;

import hamlet.bench.ActorRuntime.Target;
import java.util.concurrent.TimeUnit;
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
 * Round-trip latency between two actors, {@code ping} and {@code pong}: pong replies to each message with the same
 * body; ping replies to pong with one round trip fewer to go, until none is left. Bodies are boxed {@code long}s.
 *
 * <ul>
 *   <li>{@link #rally}: average time of one round trip, over rallies of {@value #RALLY} round trips between the two
 *   actors alone; the benchmark thread only starts and awaits each rally.</li>
 *   <li>{@link #roundTrip}: the distribution (sample time, percentiles) of single round trips. The benchmark thread
 *   sends ping's first message for it and spins until ping has the answer, so a sample is
 *   caller&rarr;pong&rarr;ping plus the caller noticing.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class PingPong {
    static final int RALLY = 1_000;
    private static final Long ONE = 1L;

    @Param({"hamlet", "pekko"})
    public String runtime;

    private final Countdown done = new Countdown();
    private ActorRuntime system;
    private Target ping;
    private Target pong;

    @Setup(Level.Trial)
    public void start() {
        system = ActorRuntime.start(runtime);
        pong = system.spawn("pong", (body, sender) -> sender.reply(body));
        ping = system.spawn("ping", (body, sender) -> {
            final long toGo = (Long) body - 1;
            if (toGo == 0) {
                done.arrived();
            } else {
                sender.reply(toGo);
            }
        });
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        system.close();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OperationsPerInvocation(RALLY)
    public void rally() {
        final long deadLettersBefore = system.deadLetters();
        done.expect(1);
        pong.tell((long) RALLY, ping);
        done.await(system, deadLettersBefore);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public void roundTrip() {
        final long deadLettersBefore = system.deadLetters();
        done.expect(1);
        pong.tell(ONE, ping);
        done.spin(system, deadLettersBefore);
    }
}
