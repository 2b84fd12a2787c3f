package hamlet.config.internal;

import hamlet.api.NodeIdentity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A config bundle without OSGi: an in-memory file, references as text, pushes recorded, a fake nano time and wall
 * clock moved together. Ticks the agent the way the watcher thread would, with no sleeps.
 */
final class Harness {
    static final String FILE = "/opt/hamlet/conf/node.conf";

    /** What a registry bundle's reference.conf could hold. */
    static final String REGISTRY_REFERENCE = """
        hamlet.node {
          id = node1
          host = "127.0.0.1"
          port = 7701
        }
        hamlet.registry {
          dispatcher { throughput = 5 }
          mailbox-bound = 1000
          supervision { max-restarts = 3, window = 10s }
        }
        """;
    static final String ADMIN_REFERENCE = """
        hamlet.admin {
          host = "127.0.0.1"
          port = 7780
        }
        """;
    /** A free-form subtree: anything may go under it. */
    static final String ACTORS_REFERENCE = "hamlet.actors {}\n";

    /** One push to Configuration Admin. */
    record Push(String pid, Map<String, Object> properties) {
    }

    final MemoryFileSource file = new MemoryFileSource(FILE);
    final ReferenceSet references = new ReferenceSet();
    final List<Push> pushes = new ArrayList<>();
    final List<NamedValidator> validators = new ArrayList<>();
    final MutableClock clock = new MutableClock();
    long nowNs = 5_000_000_000L;
    /** As under the kernel, which reports a file refused at start and stops: then nothing is pushed. */
    boolean refuseBrokenStart;
    LiveConfig live;
    ConfigAgent agent;
    /** This start's uid, as the framework's launch UUID would give it. */
    static final long UID = 0x0123456789abcdefL;
    /** The node identity service as the bundle offers it: each register and unregister, in order. */
    final List<String> identityEvents = new ArrayList<>();
    /** The identities offered now (more than one only between a register and the unregister that follows). */
    final List<NodeIdentity> offered = new ArrayList<>();
    final NodeIdentityPublisher identity = new NodeIdentityPublisher(UID, next -> {
        identityEvents.add("register " + next);
        offered.add(next);
        return () -> {
            identityEvents.add("unregister " + next);
            offered.remove(next);
        };
    });

    Harness() {
        references.put(1, "hamlet.config", ownReference());
        references.put(2, "hamlet.registry", REGISTRY_REFERENCE);
        references.put(3, "hamlet.admin", ADMIN_REFERENCE);
        references.put(4, "hamlet.actors", ACTORS_REFERENCE);
    }

    /** The config bundle's own reference.conf, from src/main/resources. */
    static String ownReference() {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream("reference.conf")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Harness start() {
        return start(Map.of(), Map.of());
    }

    Harness start(final Map<String, String> environment, final Map<String, String> systemProperties) {
        final SectionPusher pusher = new SectionPusher((pid, properties) ->
            pushes.add(new Push(pid, new TreeMap<>(properties))));
        live = new LiveConfig(FILE, pusher, () -> List.copyOf(validators),
            Overrides.of(environment, systemProperties), clock, refuseBrokenStart, identity::onApplied);
        agent = new ConfigAgent(file, references, live);
        agent.start(nowNs);
        return this;
    }

    /** Moves both clocks by {@code step} at a time, ticking after each step, for {@code total}. */
    void run(final Duration total, final Duration step) {
        for (long done = 0; done < total.toNanos(); done += step.toNanos()) {
            nowNs += step.toNanos();
            clock.advance(step);
            agent.onTick(nowNs);
        }
    }

    /** Runs in steps of 50 ms. */
    void run(final Duration total) {
        run(total, Duration.ofMillis(50));
    }

    List<String> pushedPids() {
        return pushes.stream().map(Push::pid).collect(Collectors.toList());
    }

    Map<String, Object> lastPushOf(final String pid) {
        for (int i = pushes.size() - 1; i >= 0; i--) {
            if (pushes.get(i).pid().equals(pid)) {
                return pushes.get(i).properties();
            }
        }
        throw new AssertionError("never pushed " + pid + "; pushes: " + pushedPids());
    }

    StatusSnapshot status() {
        return live.status();
    }
}
