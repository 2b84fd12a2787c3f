package hamlet.testkit;

import com.google.gson.JsonObject;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.AskTimeoutException;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.RejectedBundle;
import hamlet.api.SpawnException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small in-memory ActorSystem of node {@value #NODE} for tests, recording every spawn and every tell or ask.
 * Known behaviours are given at construction (default echo, worker and job-router); spawning {@code broken} fails to
 * create. Asks are answered by {@link #answer}: {@code silent} times out at once, {@code stuck} never completes (a
 * runtime bug callers must survive), {@code worker} replies {"worker": name, "done": 1}, anything else replies with
 * the body, from another thread as an actor would. An ask to an actor that does not exist here makes a dead letter
 * and fails with it; a tell to one does so only with {@link #deadLettersForTells(boolean)}. Thread-safe enough for
 * concurrent HTTP requests.
 */
public class FakeActorSystem implements ActorSystem {
    public static final String NODE = "node1";
    /** The time stamp of every dead letter and rejection this fake makes. */
    public static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    /** What a tell ({@code timeout} null) or ask sent. */
    public record Sent(Address to, Object body, Duration timeout) {
    }

    private final Map<String, ActorSpec> actors = new TreeMap<>();
    private final Set<String> behaviors = new TreeSet<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private long deadLetterCount;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<ActorSpec> spawned = new CopyOnWriteArrayList<>();
    private final List<RejectedBundle> rejected = new CopyOnWriteArrayList<>();
    private volatile int mailboxSize;
    private volatile long processed;
    private volatile int restarts;
    private volatile boolean deadLettersForTells;
    private final Map<String, Long> counters = new TreeMap<>();

    public FakeActorSystem() {
        this("echo", "worker", "job-router");
    }

    public FakeActorSystem(final String... behaviors) {
        this.behaviors.addAll(List.of(behaviors));
    }

    /** Sets the mailbox size, processed count and restarts that every listed actor reports (default 0, 0, 0). */
    public FakeActorSystem stats(final int mailbox, final long processedCount, final int restartCount) {
        this.mailboxSize = mailbox;
        this.processed = processedCount;
        this.restarts = restartCount;
        return this;
    }

    /** Whether a tell to an actor that does not exist here makes a dead letter, as in a node (default: no). */
    public FakeActorSystem deadLettersForTells(final boolean on) {
        this.deadLettersForTells = on;
        return this;
    }

    public synchronized void addBehavior(final String behavior) {
        behaviors.add(behavior);
    }

    public synchronized void addDeadLetter(final DeadLetter letter) {
        deadLetters.add(letter);
        deadLetterCount++;
    }

    public void addRejected(final RejectedBundle bundle) {
        rejected.add(bundle);
    }

    /** Sets a counter that {@link #counters()} shows besides the dead letters' (for example remote.received). */
    public synchronized FakeActorSystem counter(final String name, final long value) {
        counters.put(name, value);
        return this;
    }

    /** @return every tell and ask so far, oldest first (a live, read-only view) */
    public List<Sent> sent() {
        return Collections.unmodifiableList(sent);
    }

    /** @return every spec spawned successfully, oldest first (a live, read-only view) */
    public List<ActorSpec> spawned() {
        return Collections.unmodifiableList(spawned);
    }

    @Override
    public String nodeId() {
        return NODE;
    }

    @Override
    public ActorRef spawn(final String behavior, final String name) {
        return spawn(ActorSpec.of(behavior, name));
    }

    @Override
    public synchronized ActorRef spawn(final ActorSpec spec) {
        if (!behaviors.contains(spec.behavior())) {
            throw new SpawnException("unknown behaviour '" + spec.behavior() + "'");
        }
        if (actors.containsKey(spec.name())) {
            throw new SpawnException("name '" + spec.name() + "' is taken");
        }
        if ("broken".equals(spec.behavior())) {
            throw new SpawnException("behaviour 'broken' failed to create actor '" + spec.name() + "'",
                new IllegalStateException("boom"));
        }
        actors.put(spec.name(), spec);
        spawned.add(spec);
        return ref(Address.of(nodeId(), spec.name()));
    }

    @Override
    public synchronized boolean stop(final String name) {
        return actors.remove(name) != null;
    }

    @Override
    public ActorRef ref(final String address) {
        return ref(Address.parse(address));
    }

    @Override
    public ActorRef ref(final Address address) {
        return new SystemRef(address);
    }

    @Override
    public synchronized Optional<ActorInfo> actor(final String name) {
        final ActorSpec spec = actors.get(name);
        return spec == null ? Optional.empty() : Optional.of(info(spec));
    }

    @Override
    public synchronized List<ActorInfo> actors() {
        final List<ActorInfo> all = new ArrayList<>();
        actors.values().forEach(spec -> all.add(info(spec)));
        return all;
    }

    @Override
    public synchronized Set<String> behaviors() {
        return Set.copyOf(behaviors);
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    @Override
    public synchronized long deadLetterCount() {
        return deadLetterCount;
    }

    @Override
    public List<RejectedBundle> rejectedBundles() {
        return List.copyOf(rejected);
    }

    /**
     * The counters set with {@link #counter}, and the dead letters counted as the runtime names them:
     * {@code dead-letters.total} and one {@code dead-letters.<REASON>} per reason.
     */
    @Override
    public synchronized Map<String, Long> counters() {
        final Map<String, Long> all = new TreeMap<>(counters);
        all.put("dead-letters.total", deadLetterCount);
        for (final DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            all.put("dead-letters." + reason, deadLetters.stream().filter(l -> l.reason() == reason).count());
        }
        return all;
    }

    /**
     * How the actor {@code spec} answers an ask; a subclass may add behaviours. Called on the asking thread.
     */
    protected CompletionStage<Object> answer(final ActorSpec spec, final Address to, final Object body,
                                             final Duration timeout) {
        switch (spec.behavior()) {
            case "silent":
                return CompletableFuture.failedFuture(new AskTimeoutException(
                    "no reply from " + to + " within " + timeout.toMillis() + " ms"));
            case "stuck":
                return new CompletableFuture<>();
            case "worker":
                final JsonObject reply = new JsonObject();
                reply.addProperty("worker", spec.name());
                reply.addProperty("done", 1);
                return CompletableFuture.supplyAsync(() -> reply);
            default:
                return CompletableFuture.supplyAsync(() -> body);
        }
    }

    private ActorInfo info(final ActorSpec spec) {
        return new ActorInfo(Address.of(nodeId(), spec.name()), spec.behavior(), spec.group(),
            ActorInfo.State.RUNNING, mailboxSize, processed, restarts);
    }

    private synchronized ActorSpec target(final Address to) {
        return to.isLocalTo(nodeId()) ? actors.get(to.name()) : null;
    }

    private DeadLetter unknown(final Address to, final String from, final Object body) {
        final DeadLetter letter = new DeadLetter(to.toString(), from, body, DeadLetter.Reason.UNKNOWN_ACTOR,
            "no actor '" + to.name() + "' on " + NODE, AT);
        addDeadLetter(letter);
        return letter;
    }

    /** A ref into this system: records into {@link #sent()} as well as its own {@link #received()}. */
    private final class SystemRef extends FakeActorRef {
        SystemRef(final Address address) {
            super(address);
        }

        @Override
        public void tell(final Object body, final ActorRef sender) {
            super.tell(body, sender);
            sent.add(new Sent(address(), body, null));
            if (deadLettersForTells && target(address()) == null) {
                unknown(address(), null, body);
            }
        }

        @Override
        public CompletionStage<Object> ask(final Object body, final Duration timeout) {
            sent.add(new Sent(address(), body, timeout));
            final ActorSpec spec = target(address());
            if (spec == null) {
                return CompletableFuture.failedFuture(new DeadLetterException(unknown(address(), "ask-1", body)));
            }
            return answer(spec, address(), body, timeout);
        }
    }
}
