package hamlet.gossip.internal;

import com.typesafe.config.Config;
import hamlet.config.Sections;

import java.util.Set;

/**
 * The placement tunables of section {@code hamlet.failover} that the gossip bundle owns.
 *
 * @param leaseMs how long a heartbeat echoed by a member keeps this node's lease: the longest a node cut off from
 *     the majority goes on running its cluster actors, and the least time a takeover waits after the last echo
 * @param heartbeatMs how often a node sends its lease heartbeat to each member; a sixth of the lease by default, so
 *     that losing a few in a row costs nothing
 * @param marginMs what a member adds to {@code leaseMs * (1 + drift)} before it vouches that a lease ran out:
 *     covers a registry finishing the message it is handling when the lease lapses
 * @param drift the largest relative rate difference assumed between two nodes' clocks
 * @param rebalanceAfterMs how long a member must stay over the overload threshold before spread instances move off
 * @param maxMovesPerSecond how many handovers one node starts per second at most (plus at most this many in
 *     flight), so that a cluster never moves everything at once
 * @param expectedMembers majorities (lease, promises, releases) are taken of at least this many members: set it to
 *     the cluster's size, so that a node that restarts while cut off and forms a cluster alone through its own
 *     seed entry runs nothing; 1 (the default) trusts whatever membership the node sees
 */
public record PlacementSettings(long leaseMs, long heartbeatMs, long marginMs, double drift, long rebalanceAfterMs,
                                int maxMovesPerSecond, int expectedMembers) {
    public static final PlacementSettings DEFAULTS = new PlacementSettings(600, 100, 100, 0.01, 10_000, 4, 1);
    public static final String SECTION = "hamlet.failover";
    /** This bundle's keys; the registry's (replication and holding) are only checked for being known here. */
    private static final Set<String> KEYS = Set.of("lease", "heartbeat", "margin", "clock-drift", "rebalance-after",
        "max-moves-per-second", "expected-members");
    private static final Set<String> REGISTRY_KEYS = Set.of("replicate", "max-state", "hold-max", "hold-max-age",
        "hold-max-bytes");

    /**
     * @param config a whole config with {@code hamlet.failover} (reference.conf supplies every key)
     * @return its placement settings
     * @throws IllegalArgumentException naming the key that is unknown or out of range
     */
    public static PlacementSettings from(final Config config) {
        for (final String key : config.getConfig(SECTION).root().keySet()) {
            if (!KEYS.contains(key) && !REGISTRY_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + SECTION + "." + key + " (known: " + String.join(
                    ", ", new java.util.TreeSet<>(java.util.stream.Stream.concat(KEYS.stream(),
                        REGISTRY_KEYS.stream()).toList())) + ")");
            }
        }
        return new PlacementSettings(millis(config, "lease"), millis(config, "heartbeat"), millis(config, "margin"),
            Sections.read(SECTION + ".clock-drift", () -> config.getDouble(SECTION + ".clock-drift")),
            millis(config, "rebalance-after"),
            Sections.read(SECTION + ".max-moves-per-second", () -> config.getInt(SECTION + ".max-moves-per-second")),
            Sections.read(SECTION + ".expected-members", () -> config.getInt(SECTION + ".expected-members")));
    }

    private static long millis(final Config config, final String key) {
        return Sections.read(SECTION + "." + key, () -> config.getDuration(SECTION + "." + key)).toMillis();
    }

    /** @throws IllegalArgumentException naming the value that is out of range */
    public PlacementSettings {
        if (leaseMs < 100) {
            throw new IllegalArgumentException("hamlet.failover.lease must be at least 100ms, got " + leaseMs + "ms");
        }
        if (heartbeatMs < 10 || heartbeatMs * 3 > leaseMs) {
            throw new IllegalArgumentException("hamlet.failover.heartbeat must be at least 10ms and at most a third of "
                + "the lease (" + leaseMs + "ms), got " + heartbeatMs + "ms");
        }
        if (marginMs < 0) {
            throw new IllegalArgumentException("hamlet.failover.margin must not be negative, got " + marginMs + "ms");
        }
        if (!(drift >= 0 && drift <= 0.5)) {
            throw new IllegalArgumentException("hamlet.failover.clock-drift must be within 0 and 0.5, got " + drift);
        }
        if (rebalanceAfterMs < 0) {
            throw new IllegalArgumentException("hamlet.failover.rebalance-after must not be negative, got "
                + rebalanceAfterMs + "ms");
        }
        if (expectedMembers < 1) {
            throw new IllegalArgumentException("hamlet.failover.expected-members must be at least 1, got "
                + expectedMembers);
        }
        if (maxMovesPerSecond < 1) {
            throw new IllegalArgumentException("hamlet.failover.max-moves-per-second must be at least 1, got "
                + maxMovesPerSecond);
        }
    }

    /** @return these settings expecting a cluster of {@code n} members */
    public PlacementSettings withExpectedMembers(final int n) {
        return new PlacementSettings(leaseMs, heartbeatMs, marginMs, drift, rebalanceAfterMs, maxMovesPerSecond, n);
    }

    /** @return how long after its last echo to a node a member may vouch that the node's lease ran out */
    long releaseAfterMs() {
        return (long) Math.ceil(leaseMs * (1 + drift)) + marginMs;
    }
}
