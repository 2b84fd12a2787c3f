package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;

/**
 * The config bundle's own settings, section {@code hamlet.config}. Immutable; defaults live in reference.conf.
 *
 * @param pollIntervalNs how often the watcher looks at the file
 * @param settleTimeNs how long the file must stay the same before it is validated
 */
record ConfigSettings(long pollIntervalNs, long settleTimeNs) {
    static final String POLL_INTERVAL = "hamlet.config.poll-interval";
    static final String SETTLE_TIME = "hamlet.config.settle-time";

    private static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);
    private static final Duration MAX = Duration.ofMinutes(1);

    /**
     * Used only when neither the config in force nor the references yield valid settings (a bundle without its own
     * reference.conf, which a packaging error would cause); equal to the reference.conf defaults.
     */
    static final ConfigSettings LAST_RESORT = new ConfigSettings(200_000_000L, 300_000_000L);

    /**
     * @param config the whole resolved config
     * @return the settings
     * @throws IllegalArgumentException naming the key that is missing or out of range
     */
    static ConfigSettings from(final Config config) {
        final Duration poll = duration(config, POLL_INTERVAL);
        if (poll.compareTo(MIN_POLL_INTERVAL) < 0 || poll.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(POLL_INTERVAL + " must be between 10ms and 1m, got " + poll.toMillis()
                + "ms");
        }
        final Duration settle = duration(config, SETTLE_TIME);
        if (settle.isNegative() || settle.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(SETTLE_TIME + " must be between 0ms and 1m, got " + settle.toMillis()
                + "ms");
        }
        return new ConfigSettings(poll.toNanos(), settle.toNanos());
    }

    private static Duration duration(final Config config, final String key) {
        try {
            return config.getDuration(key);
        } catch (final ConfigException.Missing e) {
            throw new IllegalArgumentException(key + " is missing", e);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + " must be a duration such as 200ms, got "
                + config.getValue(key).render(), e);
        }
    }
}
