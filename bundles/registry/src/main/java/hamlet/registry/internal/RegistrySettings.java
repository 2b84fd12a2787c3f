package hamlet.registry.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;

import hamlet.api.Address;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The registry bundle's settings: sections {@code hamlet.node} and {@code hamlet.registry}, typed, immutable and
 * checked at construction with messages naming the key. The defaults and the meaning of each key live in the
 * bundle's {@code reference.conf}, nowhere else.
 *
 * @param nodeId {@code hamlet.node.id}
 * @param nodeHost {@code hamlet.node.host}
 * @param nodePort {@code hamlet.node.port}
 * @param parallelism {@code hamlet.registry.dispatcher.parallelism}, 0 = one thread per available processor
 * @param throughput {@code hamlet.registry.dispatcher.throughput}
 * @param mailboxCapacity {@code hamlet.registry.mailbox.capacity} as configured; see {@link #mailboxBound()}
 * @param maxRestarts {@code hamlet.registry.supervision.max-restarts}
 * @param restartWindowNs {@code hamlet.registry.supervision.within}
 * @param deadLettersKeep {@code hamlet.registry.dead-letters.keep}
 * @param deadLettersLogPerSecond {@code hamlet.registry.dead-letters.log-per-second}
 * @param askDefaultTimeoutNs {@code hamlet.registry.ask.default-timeout}
 * @param swapTimeoutNs {@code hamlet.registry.swap.timeout}
 * @param traceRing {@code hamlet.registry.trace.ring}
 */
public record RegistrySettings(String nodeId, String nodeHost, int nodePort, int parallelism, int throughput,
                               int mailboxCapacity, int maxRestarts, long restartWindowNs, int deadLettersKeep,
                               int deadLettersLogPerSecond, long askDefaultTimeoutNs, long swapTimeoutNs,
                               int traceRing) {
    static final String NODE_ID = "hamlet.node.id";
    static final String NODE_HOST = "hamlet.node.host";
    static final String NODE_PORT = "hamlet.node.port";
    static final String PARALLELISM = "hamlet.registry.dispatcher.parallelism";
    static final String THROUGHPUT = "hamlet.registry.dispatcher.throughput";
    static final String MAILBOX_CAPACITY = "hamlet.registry.mailbox.capacity";
    static final String MAX_RESTARTS = "hamlet.registry.supervision.max-restarts";
    static final String RESTART_WINDOW = "hamlet.registry.supervision.within";
    static final String DEAD_LETTERS_KEEP = "hamlet.registry.dead-letters.keep";
    static final String DEAD_LETTERS_LOG = "hamlet.registry.dead-letters.log-per-second";
    static final String ASK_TIMEOUT = "hamlet.registry.ask.default-timeout";
    static final String SWAP_TIMEOUT = "hamlet.registry.swap.timeout";
    static final String TRACE_RING = "hamlet.registry.trace.ring";
    /** Most hops a node keeps: 16 Mi hops are about 800 MB, beyond what tracing should cost a node. */
    static final int MAX_TRACE_RING = 1 << 24;
    /** The swap timeout of settings made without one (the reference default). */
    static final long DEFAULT_SWAP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    /** ForkJoinPool's own limit on parallelism. */
    static final int MAX_PARALLELISM = 0x7fff;
    /** JCTools' chunked queue needs a bound of at least 4; its bound is a power of two up to 2^30. */
    static final int MIN_MAILBOX = 4;
    static final int MAX_MAILBOX = 1 << 30;
    static final int MAX_DEAD_LETTERS_KEPT = 1_000_000;

    private static final Set<String> NODE_KEYS = Set.of(NODE_ID, NODE_HOST, NODE_PORT);
    private static final Set<String> REGISTRY_KEYS = Set.of(PARALLELISM, THROUGHPUT, MAILBOX_CAPACITY, MAX_RESTARTS,
        RESTART_WINDOW, DEAD_LETTERS_KEEP, DEAD_LETTERS_LOG, ASK_TIMEOUT, SWAP_TIMEOUT, TRACE_RING);

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the key that is wrong, what it must be and what it was
     */
    public RegistrySettings {
        Address.checkName(NODE_ID, nodeId);
        if (nodeHost == null || nodeHost.isBlank() || nodeHost.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(NODE_HOST + " must be a host name or IP address, got '" + nodeHost
                + "'");
        }
        checkRange(NODE_PORT, nodePort, 1, 65_535);
        checkRange(PARALLELISM, parallelism, 0, MAX_PARALLELISM);
        checkRange(THROUGHPUT, throughput, 1, Integer.MAX_VALUE);
        checkRange(MAILBOX_CAPACITY, mailboxCapacity, MIN_MAILBOX, MAX_MAILBOX);
        checkRange(MAX_RESTARTS, maxRestarts, 0, Integer.MAX_VALUE);
        if (restartWindowNs <= 0) {
            throw new IllegalArgumentException(RESTART_WINDOW + " must be > 0, got " + restartWindowNs + " ns");
        }
        checkRange(DEAD_LETTERS_KEEP, deadLettersKeep, 0, MAX_DEAD_LETTERS_KEPT);
        checkRange(DEAD_LETTERS_LOG, deadLettersLogPerSecond, 0, Integer.MAX_VALUE);
        if (askDefaultTimeoutNs <= 0) {
            throw new IllegalArgumentException(ASK_TIMEOUT + " must be > 0, got " + askDefaultTimeoutNs + " ns");
        }
        if (swapTimeoutNs <= 0) {
            throw new IllegalArgumentException(SWAP_TIMEOUT + " must be > 0, got " + swapTimeoutNs + " ns");
        }
        checkRange(TRACE_RING, traceRing, 0, MAX_TRACE_RING);
    }

    /**
     * Settings with the default trace ring, as before tracing.
     */
    public RegistrySettings(final String nodeId, final String nodeHost, final int nodePort, final int parallelism,
                            final int throughput, final int mailboxCapacity, final int maxRestarts,
                            final long restartWindowNs, final int deadLettersKeep, final int deadLettersLogPerSecond,
                            final long askDefaultTimeoutNs, final long swapTimeoutNs) {
        this(nodeId, nodeHost, nodePort, parallelism, throughput, mailboxCapacity, maxRestarts, restartWindowNs,
            deadLettersKeep, deadLettersLogPerSecond, askDefaultTimeoutNs, swapTimeoutNs, TraceRecorder.DEFAULT_RING);
    }

    /**
     * Settings with the default swap timeout, as before hot swap had one.
     */
    public RegistrySettings(final String nodeId, final String nodeHost, final int nodePort, final int parallelism,
                            final int throughput, final int mailboxCapacity, final int maxRestarts,
                            final long restartWindowNs, final int deadLettersKeep, final int deadLettersLogPerSecond,
                            final long askDefaultTimeoutNs) {
        this(nodeId, nodeHost, nodePort, parallelism, throughput, mailboxCapacity, maxRestarts, restartWindowNs,
            deadLettersKeep, deadLettersLogPerSecond, askDefaultTimeoutNs, DEFAULT_SWAP_TIMEOUT_NS);
    }

    /**
     * Reads {@code hamlet.node} and {@code hamlet.registry}. A key missing from {@code root} takes its default
     * from the bundle's {@code reference.conf}.
     *
     * @param root a whole config, rooted at the top (keys read as {@code hamlet.registry....})
     * @return the settings
     * @throws IllegalArgumentException naming the first key that is wrong (bad type, out of range, or unknown under
     *     {@code hamlet.node} or {@code hamlet.registry})
     */
    public static RegistrySettings from(final Config root) {
        final Config config = root.withFallback(Reference.CONFIG);
        checkKnownKeys(config, "hamlet.node", NODE_KEYS);
        checkKnownKeys(config, "hamlet.registry", REGISTRY_KEYS);
        return new RegistrySettings(
            string(config, NODE_ID),
            string(config, NODE_HOST),
            integer(config, NODE_PORT),
            integer(config, PARALLELISM),
            integer(config, THROUGHPUT),
            integer(config, MAILBOX_CAPACITY),
            integer(config, MAX_RESTARTS),
            nanos(config, RESTART_WINDOW),
            integer(config, DEAD_LETTERS_KEEP),
            integer(config, DEAD_LETTERS_LOG),
            nanos(config, ASK_TIMEOUT),
            nanos(config, SWAP_TIMEOUT),
            integer(config, TRACE_RING));
    }

    /** @return the settings of the bundle's {@code reference.conf} alone */
    public static RegistrySettings defaults() {
        return from(ConfigFactory.empty());
    }

    /** @return the dispatcher's thread count: {@link #parallelism()}, or the available processors when it is 0 */
    public int effectiveParallelism() {
        return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
    }

    /**
     * @return the mailbox bound in force: {@link #mailboxCapacity()} rounded up to the next power of two, because
     *     the JCTools queue sizes by powers of two
     */
    public int mailboxBound() {
        return mailboxCapacity <= 1 ? 1 : Integer.highestOneBit(mailboxCapacity - 1) << 1;
    }

    /**
     * @param previous the settings in force before
     * @return the keys whose values differ, with both values, for a log line: {@code hamlet.x.y 1 -> 2, ...}
     */
    public String changesFrom(final RegistrySettings previous) {
        final StringBuilder changes = new StringBuilder();
        change(changes, NODE_ID, previous.nodeId, nodeId);
        change(changes, NODE_HOST, previous.nodeHost, nodeHost);
        change(changes, NODE_PORT, previous.nodePort, nodePort);
        change(changes, PARALLELISM, previous.parallelism, parallelism);
        change(changes, THROUGHPUT, previous.throughput, throughput);
        change(changes, MAILBOX_CAPACITY, previous.mailboxCapacity, mailboxCapacity);
        change(changes, MAX_RESTARTS, previous.maxRestarts, maxRestarts);
        change(changes, RESTART_WINDOW, millis(previous.restartWindowNs), millis(restartWindowNs));
        change(changes, DEAD_LETTERS_KEEP, previous.deadLettersKeep, deadLettersKeep);
        change(changes, DEAD_LETTERS_LOG, previous.deadLettersLogPerSecond, deadLettersLogPerSecond);
        change(changes, ASK_TIMEOUT, millis(previous.askDefaultTimeoutNs), millis(askDefaultTimeoutNs));
        change(changes, SWAP_TIMEOUT, millis(previous.swapTimeoutNs), millis(swapTimeoutNs));
        return changes.length() == 0 ? "nothing changed" : changes.toString();
    }

    /**
     * The message a change of node id gets while the node runs.
     *
     * @param runningId the id the node runs with
     * @return the message
     */
    public static String nodeIdChangeRefused(final String runningId) {
        return NODE_ID + " cannot change while the node runs (it is " + runningId
            + "); restart the node to change it";
    }

    private static void change(final StringBuilder changes, final String key, final Object before,
                               final Object after) {
        if (!before.equals(after)) {
            changes.append(changes.length() == 0 ? "" : ", ").append(key).append(' ').append(before).append(" -> ")
                .append(after);
        }
    }

    private static String millis(final long nanos) {
        return Asks.shownDuration(nanos);
    }

    private static void checkRange(final String key, final long value, final long min, final long max) {
        if (value < min || value > max) {
            final String rule;
            if (max == Integer.MAX_VALUE) {
                rule = min == 1 ? "must be > 0" : "must be >= " + min;
            } else {
                rule = "must be " + min + " to " + max;
            }
            throw new IllegalArgumentException(key + " " + rule + ", got " + value);
        }
    }

    private static void checkKnownKeys(final Config config, final String section, final Set<String> known) {
        final Config sectionConfig;
        try {
            sectionConfig = config.getConfig(section);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(section + " must be an object: " + e.getMessage(), e);
        }
        final Set<String> unknown = new TreeSet<>();
        for (final Map.Entry<String, ConfigValue> entry : sectionConfig.entrySet()) {
            final String key = section + "." + entry.getKey();
            if (!known.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(unknown.iterator().next() + " is not a known key; the keys of "
                + section + " are " + new TreeSet<>(known));
        }
    }

    private static String string(final Config config, final String key) {
        try {
            return config.getString(key);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + " must be a string: " + e.getMessage(), e);
        }
    }

    private static int integer(final Config config, final String key) {
        try {
            return config.getInt(key);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + " must be an integer, got " + shown(config, key) + ": "
                + e.getMessage(), e);
        }
    }

    private static long nanos(final Config config, final String key) {
        try {
            return config.getDuration(key, TimeUnit.NANOSECONDS);
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + " must be a duration such as 500ms, 10s or 1m, got "
                + shown(config, key) + ": " + e.getMessage(), e);
        }
    }

    private static String shown(final Config config, final String key) {
        try {
            return config.hasPath(key) ? config.getValue(key).render() : "nothing";
        } catch (final ConfigException e) {
            return "a value that cannot be read";
        }
    }

    /** The bundle's reference.conf, found through this bundle's own class loader (never the thread's). */
    private static final class Reference {
        static final Config CONFIG = ConfigFactory.parseResources(RegistrySettings.class.getClassLoader(),
            "reference.conf", ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    }
}
