package hamlet.bench;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import hamlet.api.Codec;
import hamlet.registry.internal.CodecRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a body costs to cross a node: encode plus decode of a typical job message, through the registry's
 * {@link CodecRegistry}, as JSON (the default: Gson, decoded to a JsonElement and then read as the receiver's type, as
 * {@code msg.body(Job.class)} does) and through a user binary codec registered for the type. The encoded size of
 * each is printed at setup (a line starting "# job message").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBench {
    private static final Gson GSON = new Gson();
    /** A job as the demo sends them: what to do, its argument, the router's job number, who wants the result. */
    static final Job JOB = new Job("fib", 30, 1_234_567L, "node1:job-router");

    private final CodecRegistry json = new CodecRegistry();
    private final CodecRegistry binary = new CodecRegistry();

    @Setup(Level.Trial)
    public void setUp() {
        binary.register(new JobCodec());
        System.out.printf("%n# job message %s: JSON %d bytes, binary %d bytes%n", JOB,
            json.encode(JOB).bytes().length, binary.encode(JOB).bytes().length);
    }

    @Benchmark
    public Job jsonRoundTrip() {
        final CodecRegistry.Encoded encoded = json.encode(JOB);
        return GSON.fromJson((JsonElement) json.decode(encoded.codecId(), encoded.bytes()), Job.class);
    }

    @Benchmark
    public Job binaryRoundTrip() {
        final CodecRegistry.Encoded encoded = binary.encode(JOB);
        return (Job) binary.decode(encoded.codecId(), encoded.bytes());
    }

    /**
     * A job.
     *
     * @param task what to do
     * @param n its argument
     * @param id the router's job number
     * @param replyTo who wants the result
     */
    public record Job(String task, int n, long id, String replyTo) {
    }

    /** Layout: n (int), id (long), task length (short) + UTF-8, replyTo length (short) + UTF-8. */
    static final class JobCodec implements Codec<Job> {
        @Override
        public int id() {
            return Codec.FIRST_USER_ID;
        }

        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @Override
        public byte[] encode(final Job job) {
            final byte[] task = job.task().getBytes(StandardCharsets.UTF_8);
            final byte[] replyTo = job.replyTo().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(4 + 8 + 2 + task.length + 2 + replyTo.length).putInt(job.n()).putLong(job.id())
                .putShort((short) task.length).put(task).putShort((short) replyTo.length).put(replyTo).array();
        }

        @Override
        public Job decode(final byte[] bytes) {
            final ByteBuffer in = ByteBuffer.wrap(bytes);
            final int n = in.getInt();
            final long id = in.getLong();
            final byte[] task = new byte[in.getShort()];
            in.get(task);
            final byte[] replyTo = new byte[in.getShort()];
            in.get(replyTo);
            return new Job(new String(task, StandardCharsets.UTF_8), n, id,
                new String(replyTo, StandardCharsets.UTF_8));
        }
    }
}
