package hamlet.admin.internal;

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
 * A small in-memory ActorSystem for tests. Behaviours: {@code echo} answers an ask with the body (from another
 * thread, as an actor would); {@code silent} lets every ask time out at once; {@code stuck} never completes an ask
 * (a runtime bug the API must survive); {@code broken} fails to create. Asks to an unknown actor fail with a dead
 * letter. Thread-safe enough for concurrent HTTP requests.
 */
final class FakeActorSystem implements ActorSystem {
    static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    /** What a tell or ask sent. */
    record Sent(Address to, Object body, Duration timeout) {
    }

    private final Map<String, ActorSpec> actors = new TreeMap<>();
    private final Set<String> behaviors = new TreeSet<>(Set.of("echo", "worker", "job-router", "silent", "stuck",
        "broken"));
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    final List<Sent> sent = new CopyOnWriteArrayList<>();

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
    public long deadLetterCount() {
        return deadLetters.size();
    }

    void addDeadLetter(final DeadLetter letter) {
        deadLetters.add(letter);
    }

    private ActorInfo info(final ActorSpec spec) {
        return new ActorInfo(Address.of(nodeId(), spec.name()), spec.behavior(), spec.group(),
            ActorInfo.State.RUNNING, 0, 7, 1);
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
            if (target(address) == null) {
                addDeadLetter(new DeadLetter(address.toString(), null, body, DeadLetter.Reason.UNKNOWN_ACTOR,
                    "no actor '" + address.name() + "' on node1", AT));
            }
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
                default:
                    return CompletableFuture.supplyAsync(() -> body);
            }
        }
    }

    /** Behaviour details: {@code counter} with two versions and a failed last swap, plus the plain names. */
    @Override
    public List<hamlet.api.BehaviorInfo> behaviorDetails() {
        final List<hamlet.api.BehaviorInfo> details = new ArrayList<>();
        details.add(new hamlet.api.BehaviorInfo("counter", "2.0.0", "hamlet.example.counter",
            hamlet.api.BehaviorInfo.State.AVAILABLE, List.of("2.0.0", "1.0.0"), 3, 0,
            new hamlet.api.BehaviorInfo.Swap("1.0.0", "3.0.0", AT, 2, 1, "counter-3: restore failed: boom")));
        details.add(new hamlet.api.BehaviorInfo("gone", null, null, hamlet.api.BehaviorInfo.State.MISSING, List.of(),
            1, 1, null));
        return details;
    }

    /** One jar that is not a bundle, one bundle that does not resolve. */
    @Override
    public List<hamlet.api.RejectedBundle> rejectedBundles() {
        return List.of(
            new hamlet.api.RejectedBundle("file:/deploy/notes.jar", null, null, null,
                "not a jar: not a zip file (zip END header not found)", AT),
            new hamlet.api.RejectedBundle("file:/deploy/counter-4.jar", "counter", "hamlet.example.counter", "4.0.0",
                "does not resolve: nothing provides osgi.wiring.package (osgi.wiring.package=no.such)", AT));
    }
}
