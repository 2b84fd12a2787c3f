package hamlet.gossip.internal;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.MemberStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A few Membership instances on a deterministic in-memory network with a fixed delay, for the unit tests of the
 * state machine (the simulator in hamlet.gossip.sim does the large runs). Nodes can be crashed, cut off (every
 * message to and from them dropped), or made to drop messages at random.
 */
final class TinyNet {
    record Seen(long atMs, String observer, ClusterEvent event) {
    }

    private record Delivery(long atMs, long order, String from, String to, byte[] bytes) {
    }

    final Map<String, Membership> nodes = new HashMap<>();
    final List<Seen> seen = new ArrayList<>();
    final Set<String> crashed = new HashSet<>();
    final Set<String> cut = new HashSet<>();
    private final PriorityQueue<Delivery> inFlight = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
        ? Long.compare(a.atMs, b.atMs) : Long.compare(a.order, b.order));
    private final Random random;
    private final long delayMs;
    private final GossipSettings settings;
    private double loss;
    private long order;
    long now;

    TinyNet(final long seed, final long delayMs, final GossipSettings settings) {
        this.random = new Random(seed);
        this.delayMs = delayMs;
        this.settings = settings;
    }

    static String url(final String id) {
        return "ws://" + id + ":7701/hamlet";
    }

    Membership add(final String id, final String... seeds) {
        final Membership m = new Membership(settings, id, url(id), random.nextLong() | 1, new Random(random.nextLong()),
            (toNode, toUrl, bytes) -> send(id, toUrl, bytes), now);
        nodes.put(id, m);
        m.join(java.util.Arrays.stream(seeds).map(TinyNet::url).toList(), now);
        return m;
    }

    void loss(final double p) {
        loss = p;
    }

    private void send(final String from, final String toUrl, final byte[] bytes) {
        final String to = toUrl.substring("ws://".length(), toUrl.indexOf(':', "ws://".length()));
        if (cut.contains(from) || cut.contains(to) || random.nextDouble() < loss) {
            return;
        }
        inFlight.add(new Delivery(now + delayMs, order++, from, to, bytes));
    }

    /** Runs the network until {@code untilMs}, ticking every node each millisecond. */
    void runUntil(final long untilMs) {
        while (now < untilMs) {
            now++;
            while (!inFlight.isEmpty() && inFlight.peek().atMs <= now) {
                final Delivery d = inFlight.poll();
                final Membership m = nodes.get(d.to);
                if (m != null && !crashed.contains(d.to)) {
                    m.onMessage(d.from, d.bytes, now);
                }
            }
            for (final Map.Entry<String, Membership> e : new java.util.TreeMap<>(nodes).entrySet()) {
                if (crashed.contains(e.getKey())) {
                    continue;
                }
                if (e.getValue().nextWakeMs() <= now) {
                    e.getValue().tick(now);
                }
                for (final ClusterEvent event : e.getValue().drainEvents()) {
                    seen.add(new Seen(now, e.getKey(), event));
                }
            }
        }
    }

    /** @return the status of {@code of} as {@code observer} sees it, or null when unknown */
    MemberStatus status(final String observer, final String of) {
        return nodes.get(observer).member(of).map(hamlet.api.cluster.Member::status).orElse(null);
    }

    /** @return whether every live node sees every other live node alive */
    boolean converged() {
        for (final String a : nodes.keySet()) {
            if (crashed.contains(a)) {
                continue;
            }
            for (final String b : nodes.keySet()) {
                if (!crashed.contains(b) && status(a, b) != MemberStatus.ALIVE) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Runs until the condition holds or the deadline passes; returns the time it held, or -1. */
    long runUntil(final java.util.function.BooleanSupplier condition, final long deadlineMs) {
        while (now < deadlineMs) {
            if (condition.getAsBoolean()) {
                return now;
            }
            runUntil(now + 1);
        }
        return condition.getAsBoolean() ? now : -1;
    }

    /** @return the first time {@code observer} saw an event of this type about {@code node}, or -1 */
    long firstSeen(final String observer, final ClusterEvent.Type type, final String node, final long sinceMs) {
        for (final Seen s : seen) {
            if (s.atMs >= sinceMs && s.observer.equals(observer) && s.event.type() == type
                && s.event.node().equals(node)) {
                return s.atMs;
            }
        }
        return -1;
    }

    long count(final ClusterEvent.Type type, final String node) {
        return seen.stream().filter(s -> s.event.type() == type && s.event.node().equals(node)).count();
    }
}
