package hamlet.registry.internal;

import com.typesafe.config.ConfigFactory;
import hamlet.api.ActorBehavior;
import hamlet.api.transport.PeerInfo;
import hamlet.api.transport.Transport;
import hamlet.api.transport.WireEnvelope;
import hamlet.testkit.FakePlacement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A test cluster of runtimes in one JVM, each with its own {@link FakePlacement}, linked by an in-memory transport
 * that delivers on the sending thread (the order of one sender kept, as the real transport keeps it per link). A
 * node can be cut off: what is sent to it or from it waits in a per-destination outbox (accepted, not delivered),
 * until the test heals it, drops it, or reclaims from it.
 *
 * <p>Thread-safe as far as the tests use it: sends from any thread; cut, heal and drop from the test thread.
 */
final class ClusterNet implements AutoCloseable {
    final Map<String, LocalActorSystem> nodes = new ConcurrentHashMap<>();
    final Map<String, FakePlacement> placements = new ConcurrentHashMap<>();
    final Map<String, Remoting> remotings = new ConcurrentHashMap<>();
    final Set<String> cut = ConcurrentHashMap.newKeySet();
    /** Envelopes waiting for a cut node, by destination: [from, envelope]. */
    final Map<String, List<Object[]>> parked = new ConcurrentHashMap<>();
    /** Sends that matched {@link #dropIf}: lost on the way, as if the link ate them. */
    volatile Predicate<WireEnvelope> dropIf = envelope -> false;

    /** Adds a node with default settings and its own placement, replicating every message. */
    LocalActorSystem node(final String id) {
        return node(id, "");
    }

    /**
     * @param id the node's id
     * @param failover HOCON under {@code hamlet.failover}, e.g. {@code "max-state = 100"}
     */
    LocalActorSystem node(final String id, final String failover) {
        final Remoting remoting = new Remoting();
        remoting.bind(new Link(id));
        remotings.put(id, remoting);
        final LocalActorSystem system = new LocalActorSystem(TestNode.settings("hamlet.node.id = " + id), remoting);
        final FakePlacement placement = new FakePlacement();
        placements.put(id, placement);
        nodes.put(id, system);
        system.clusterActors().apply(FailoverSettings.from(ConfigFactory.parseString("hamlet.failover {" + failover
            + "}")));
        system.clusterActors().bind(placement);
        return system;
    }

    FakePlacement placement(final String id) {
        return placements.get(id);
    }

    /** Registers a behaviour on every node. */
    ClusterNet behavior(final String name, final ActorBehavior behavior) {
        nodes.values().forEach(system -> system.registerBehavior(name, behavior));
        return this;
    }

    /** Every node's placement says the same of one actor. */
    void owner(final String name, final String node, final long epoch) {
        placements.values().forEach(p -> p.owner(name, node, epoch));
    }

    void replica(final String name, final String node) {
        placements.values().forEach(p -> p.replica(name, node));
    }

    void moving(final String name, final String node, final long epoch) {
        placements.values().forEach(p -> p.moving(name, node, epoch));
    }

    /** Delivers what waited for {@code node} and lets traffic flow again. */
    void heal(final String node) {
        cut.remove(node);
        final List<Object[]> waiting = parked.remove(node);
        if (waiting != null) {
            for (final Object[] entry : waiting) {
                nodes.get(node).inbox().onEnvelope((String) entry[0], (WireEnvelope) entry[1]);
            }
        }
    }

    /** @return what waits for {@code node} */
    List<WireEnvelope> waitingFor(final String node) {
        final List<WireEnvelope> waiting = new ArrayList<>();
        parked.getOrDefault(node, List.of()).forEach(entry -> waiting.add((WireEnvelope) entry[1]));
        return waiting;
    }

    /** A node dies: its runtime is closed, and nothing reaches it or leaves it any more. */
    void kill(final String node) {
        cut.add(node);
        // Its own outbox dies with it.
        parked.values().forEach(list -> list.removeIf(entry -> node.equals(entry[0])));
        nodes.get(node).close();
    }

    @Override
    public void close() {
        nodes.values().forEach(LocalActorSystem::close);
    }

    /** One node's transport. */
    private final class Link implements Transport {
        private final String self;

        Link(final String self) {
            this.self = self;
        }

        @Override
        public SendStatus send(final String node, final WireEnvelope envelope) {
            final LocalActorSystem receiver = nodes.get(node);
            if (receiver == null) {
                return SendStatus.UNKNOWN_NODE;
            }
            if (cut.contains(self)) {
                return SendStatus.ACCEPTED;
            }
            if (dropIf.test(envelope)) {
                return SendStatus.ACCEPTED;
            }
            if (cut.contains(node)) {
                parked.computeIfAbsent(node, key -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(new Object[] {self, envelope});
                return SendStatus.ACCEPTED;
            }
            receiver.inbox().onEnvelope(self, envelope);
            return SendStatus.ACCEPTED;
        }

        @Override
        public void reclaim(final String node, final Predicate<WireEnvelope> which, final String reason) {
            final List<Object[]> waiting = parked.getOrDefault(node, List.of());
            final List<WireEnvelope> taken = new ArrayList<>();
            for (final Object[] entry : new ArrayList<>(waiting)) {
                if (self.equals(entry[0]) && which.test((WireEnvelope) entry[1])) {
                    taken.add((WireEnvelope) entry[1]);
                    waiting.remove(entry);
                }
            }
            if (!taken.isEmpty()) {
                nodes.get(self).inbox().onReclaimed(node, taken, reason);
            }
        }

        @Override
        public List<PeerInfo> peers() {
            return List.of();
        }

        @Override
        public boolean sendControl(final String node, final int channel, final byte[] payload) {
            return false;
        }

        @Override
        public boolean sendControlTo(final String url, final int channel, final byte[] payload) {
            return false;
        }

        @Override
        public void forget(final String node, final String reason) {
        }

        @Override
        public void dialNow(final String node, final String url) {
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }
    }
}
