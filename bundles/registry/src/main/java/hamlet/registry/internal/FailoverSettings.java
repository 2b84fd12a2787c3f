package hamlet.registry.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.util.concurrent.TimeUnit;

/**
 * The keys of section {@code hamlet.failover} that the registry reads: how a cluster actor's state is copied to its
 * replica, the largest state copied, and the bounds of the messages held for a cluster actor while it has no owner.
 * The gossip bundle reads the lease keys of the same section and validates the whole section; this class checks its
 * own keys again (a last line of defence) with messages naming the key. Defaults live in {@code reference.conf}.
 *
 * @param replicateEveryMessage {@code replicate = every-message}: a copy after each message, its outputs held until
 *     the replica acknowledged it
 * @param replicateIntervalNs {@code replicate = <duration>}: the newest state every interval; 0 when not this mode
 * @param maxStateBytes {@code max-state}: a bigger snapshot is refused (the actor keeps running)
 * @param holdMax {@code hold-max}: messages held per cluster actor while it has no owner
 * @param holdMaxAgeNs {@code hold-max-age}: longest a message is held
 * @param holdMaxBytes {@code hold-max-bytes}: bytes held for all cluster actors of the node together
 */
public record FailoverSettings(boolean replicateEveryMessage, long replicateIntervalNs, long maxStateBytes,
                               int holdMax, long holdMaxAgeNs, long holdMaxBytes) {
    static final String REPLICATE = "hamlet.failover.replicate";
    static final String MAX_STATE = "hamlet.failover.max-state";
    static final String HOLD_MAX = "hamlet.failover.hold-max";
    static final String HOLD_MAX_AGE = "hamlet.failover.hold-max-age";
    static final String HOLD_MAX_BYTES = "hamlet.failover.hold-max-bytes";
    /** A snapshot travels in one envelope, whose size the transport caps (1 MiB by default) anyway. */
    static final long MAX_MAX_STATE = 64L * 1024 * 1024;
    static final int MAX_HOLD = 1_000_000;

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the key that is wrong
     */
    public FailoverSettings {
        if (replicateIntervalNs < 0 || replicateEveryMessage && replicateIntervalNs != 0) {
            throw new IllegalArgumentException(REPLICATE + " must be every-message, off or a duration > 0");
        }
        if (maxStateBytes < 1 || maxStateBytes > MAX_MAX_STATE) {
            throw new IllegalArgumentException(MAX_STATE + " must be 1 byte to 64MiB, got " + maxStateBytes);
        }
        if (holdMax < 0 || holdMax > MAX_HOLD) {
            throw new IllegalArgumentException(HOLD_MAX + " must be 0 to " + MAX_HOLD + ", got " + holdMax);
        }
        if (holdMaxAgeNs <= 0) {
            throw new IllegalArgumentException(HOLD_MAX_AGE + " must be > 0");
        }
        if (holdMaxBytes < 0) {
            throw new IllegalArgumentException(HOLD_MAX_BYTES + " must be >= 0, got " + holdMaxBytes);
        }
    }

    /** @return whether nothing is copied ({@code replicate = off}) */
    public boolean replicateOff() {
        return !replicateEveryMessage && replicateIntervalNs == 0;
    }

    /**
     * @param root a whole config, rooted at the top; missing keys take the bundle's defaults
     * @return the settings
     * @throws IllegalArgumentException naming the first key that is wrong
     */
    public static FailoverSettings from(final Config root) {
        final Config config = root.withFallback(Reference.CONFIG);
        final boolean every;
        final long interval;
        final String mode = read(REPLICATE, () -> config.getValue(REPLICATE).unwrapped().toString()).trim();
        if ("every-message".equals(mode)) {
            every = true;
            interval = 0;
        } else if ("off".equals(mode)) {
            every = false;
            interval = 0;
        } else {
            every = false;
            interval = read(REPLICATE, () -> config.getDuration(REPLICATE, TimeUnit.NANOSECONDS));
            if (interval <= 0) {
                throw new IllegalArgumentException(REPLICATE + " must be every-message, off or a duration > 0, got '"
                    + mode + "'");
            }
        }
        return new FailoverSettings(every, interval,
            read(MAX_STATE, () -> config.getBytes(MAX_STATE)),
            read(HOLD_MAX, () -> config.getInt(HOLD_MAX)),
            read(HOLD_MAX_AGE, () -> config.getDuration(HOLD_MAX_AGE, TimeUnit.NANOSECONDS)),
            read(HOLD_MAX_BYTES, () -> config.getBytes(HOLD_MAX_BYTES)));
    }

    /** @return the defaults of {@code reference.conf} */
    public static FailoverSettings defaults() {
        return from(ConfigFactory.empty());
    }

    private static <T> T read(final String key, final java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static final class Reference {
        static final Config CONFIG = ConfigFactory.parseResources(FailoverSettings.class.getClassLoader(),
            "reference.conf", ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    }
}
