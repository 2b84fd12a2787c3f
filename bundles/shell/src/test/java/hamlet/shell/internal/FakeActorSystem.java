package hamlet.shell.internal;

import com.google.gson.JsonObject;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.ActorSpec;
import hamlet.api.ActorSystem;
import hamlet.api.Address;
import hamlet.api.AskTimeoutException;
import hamlet.api.DeadLetter;
import hamlet.api.DeadLetterException;
import hamlet.api.SpawnException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * A small in-memory ActorSystem for tests. Behaviours echo, worker and job-router exist; tests may add
 * {@code silent} (asks time out at once), {@code stuck} (asks never complete) and {@code broken} (create fails).
 * {@code echo} replies with the body from another thread; {@code worker} replies {"worker": name, "done": 1}.
 */
class FakeActorSystem implements ActorSystem {
    static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    /** What a tell or ask sent. */
    record Sent(Address to, Object body, Duration timeout) {
    }

    private final Map<String, ActorSpec> actors = new TreeMap<>();
    private final Set<String> behaviors = new TreeSet<>(Set.of("echo", "worker", "job-router"));
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private long deadLetterCount;
    final List<Sent> sent = new CopyOnWriteArrayList<>();

    final List<hamlet.api.RejectedBundle> rejected = new CopyOnWriteArrayList<>();

    @Override
    public List<hamlet.api.RejectedBundle> rejectedBundles() {
        return List.copyOf(rejected);
    }

    synchronized void addBehavior(final String behavior) {
        behaviors.add(behavior);
    }

    synchronized void addDeadLetter(final DeadLetter letter) {
        deadLetters.add(letter);
        deadLetterCount++;
    }

    @Override
    public String nodeId() {
        return "node1";
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
        return new FakeRef(address);
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

    private ActorInfo info(final ActorSpec spec) {
        return new ActorInfo(Address.of(nodeId(), spec.name()), spec.behavior(), spec.group(),
            ActorInfo.State.RUNNING, 2, 40, 0);
    }

    private synchronized ActorSpec target(final Address to) {
        return to.isLocalTo(nodeId()) ? actors.get(to.name()) : null;
    }

    private final class FakeRef implements ActorRef {
        private final Address address;

        FakeRef(final Address address) {
            this.address = address;
        }

        @Override
        public Address address() {
            return address;
        }

        @Override
        public void tell(final Object body) {
            tell(body, null);
        }

        @Override
        public void tell(final Object body, final ActorRef sender) {
            sent.add(new Sent(address, body, null));
        }

        @Override
        public CompletionStage<Object> ask(final Object body, final Duration timeout) {
            sent.add(new Sent(address, body, timeout));
            final ActorSpec spec = target(address);
            if (spec == null) {
                final DeadLetter letter = new DeadLetter(address.toString(), "ask-1", body,
                    DeadLetter.Reason.UNKNOWN_ACTOR, "no actor '" + address.name() + "' on node1", AT);
                addDeadLetter(letter);
                return CompletableFuture.failedFuture(new DeadLetterException(letter));
            }
            switch (spec.behavior()) {
                case "silent":
                    return CompletableFuture.failedFuture(new AskTimeoutException(
                        "no reply from " + address + " within " + timeout.toMillis() + " ms"));
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
    }
}
