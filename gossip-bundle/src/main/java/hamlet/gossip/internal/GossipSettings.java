package hamlet.gossip.internal;

import com.typesafe.config.Config;
import hamlet.config.Sections;

import java.time.Duration;
import java.util.Set;

/**
 * Membership's tunables ({@code hamlet.gossip}), one immutable value checked as a whole. The meaning and trade-off
 * of each is in this bundle's {@code reference.conf}. Durations are in milliseconds.
 */
public record GossipSettings(long probeIntervalMs, long probeTimeoutMs, int indirectChecks, int suspicionMult,
                             int suspicionMaxTimeoutMult, int retransmitMult, long gossipIntervalMs, int gossipNodes,
                             long pushPullIntervalMs, long joinRetryIntervalMs, int awarenessMaxMultiplier,
                             int maxGossipBytes, long stableAfterMs, long removeAfterMs, double overloadThreshold,
                             long loadIntervalMs, int directoryMaxActors, long directoryMaxBytes) {
    /** The section and PID. */
    public static final String SECTION = "hamlet.gossip";
    /** The most bytes of one control-lane message. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024;

    private static final Set<String> KEYS = Set.of("probe-interval", "probe-timeout", "indirect-checks",
        "suspicion-mult", "suspicion-max-timeout-mult", "retransmit-mult", "gossip-interval", "gossip-nodes",
        "push-pull-interval", "join-retry-interval", "awareness-max-multiplier", "max-gossip-bytes", "stable-after",
        "remove-after", "overload-threshold", "load-interval", "directory-max-actors", "directory-max-bytes");

    public GossipSettings {
        positive("probe-interval", probeIntervalMs);
        positive("probe-timeout", probeTimeoutMs);
        if (probeTimeoutMs >= probeIntervalMs) {
            throw new IllegalArgumentException(SECTION + ".probe-timeout (" + probeTimeoutMs
                + "ms) must be below " + SECTION + ".probe-interval (" + probeIntervalMs + "ms)");
        }
        range("indirect-checks", indirectChecks, 0, 16);
        range("suspicion-mult", suspicionMult, 1, 100);
        range("suspicion-max-timeout-mult", suspicionMaxTimeoutMult, 1, 100);
        range("retransmit-mult", retransmitMult, 1, 100);
        positive("gossip-interval", gossipIntervalMs);
        range("gossip-nodes", gossipNodes, 0, 64);
        positive("push-pull-interval", pushPullIntervalMs);
        positive("join-retry-interval", joinRetryIntervalMs);
        range("awareness-max-multiplier", awarenessMaxMultiplier, 1, 100);
        range("max-gossip-bytes", maxGossipBytes, 256, MAX_MESSAGE_BYTES / 2);
        if (stableAfterMs < 0) {
            throw new IllegalArgumentException(SECTION + ".stable-after must not be negative");
        }
        positive("remove-after", removeAfterMs);
        if (!(overloadThreshold > 0)) {
            throw new IllegalArgumentException(SECTION + ".overload-threshold must be above 0, got "
                + overloadThreshold);
        }
        positive("load-interval", loadIntervalMs);
        range("directory-max-actors", directoryMaxActors, 0, 1_000_000);
        if (directoryMaxBytes < 0 || directoryMaxBytes > 64L * 1024 * 1024) {
            throw new IllegalArgumentException(SECTION + ".directory-max-bytes must be between 0 and 64MiB, got "
                + directoryMaxBytes);
        }
    }

    /** @return the defaults of reference.conf, for tests and the simulator */
    public static GossipSettings defaults() {
        return new GossipSettings(200, 150, 3, 3, 6, 4, 200, 3, 5_000, 1_000, 8, 4 * 1024, 3_000, 15_000, 0.9,
            1_000, 10_000, 1024 * 1024);
    }

    /**
     * Reads and checks {@code hamlet.gossip}.
     *
     * @param config a resolved config with the section in it (this bundle's reference.conf beneath)
     * @return the settings
     * @throws IllegalArgumentException naming the key that is missing, unknown, of the wrong type or out of range
     */
    public static GossipSettings from(final Config config) {
        for (final String key : config.getConfig(SECTION).root().keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key " + SECTION + "." + key + " (known: "
                    + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        return new GossipSettings(millis(config, "probe-interval"), millis(config, "probe-timeout"),
            integer(config, "indirect-checks"), integer(config, "suspicion-mult"),
            integer(config, "suspicion-max-timeout-mult"), integer(config, "retransmit-mult"),
            millis(config, "gossip-interval"), integer(config, "gossip-nodes"), millis(config, "push-pull-interval"),
            millis(config, "join-retry-interval"), integer(config, "awareness-max-multiplier"),
            (int) Math.min(Integer.MAX_VALUE, bytes(config, "max-gossip-bytes")), millis(config, "stable-after"),
            millis(config, "remove-after"),
            Sections.read(SECTION + ".overload-threshold", () -> config.getDouble(SECTION + ".overload-threshold")),
            millis(config, "load-interval"), integer(config, "directory-max-actors"),
            bytes(config, "directory-max-bytes"));
    }

    /** @return the same settings with other probe timings (tests and the simulator's sweeps) */
    public GossipSettings withProbe(final long intervalMs, final long timeoutMs) {
        return new GossipSettings(intervalMs, timeoutMs, indirectChecks, suspicionMult, suspicionMaxTimeoutMult,
            retransmitMult, gossipIntervalMs, gossipNodes, pushPullIntervalMs, joinRetryIntervalMs,
            awarenessMaxMultiplier, maxGossipBytes, stableAfterMs, removeAfterMs, overloadThreshold, loadIntervalMs,
            directoryMaxActors, directoryMaxBytes);
    }

    private static long millis(final Config config, final String key) {
        final Duration d = Sections.read(SECTION + "." + key, () -> config.getDuration(SECTION + "." + key));
        return d.toMillis();
    }

    private static int integer(final Config config, final String key) {
        return Sections.read(SECTION + "." + key, () -> config.getInt(SECTION + "." + key));
    }

    private static long bytes(final Config config, final String key) {
        return Sections.read(SECTION + "." + key, () -> config.getBytes(SECTION + "." + key));
    }

    private static void positive(final String key, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(SECTION + "." + key + " must be above 0, got " + value);
        }
    }

    private static void range(final String key, final long value, final long min, final long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(SECTION + "." + key + " must be between " + min + " and " + max
                + ", got " + value);
        }
    }
}
