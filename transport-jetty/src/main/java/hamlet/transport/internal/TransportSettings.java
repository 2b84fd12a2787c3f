package hamlet.transport.internal;

import com.typesafe.config.Config;
import hamlet.api.cluster.SeedAddress;
import hamlet.config.Sections;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The transport's settings, one immutable value checked as a whole when built: this node's identity and listener
 * ({@code hamlet.node}, owned by the registry and only read here), the cluster ({@code hamlet.cluster}) and the
 * transport's own knobs ({@code hamlet.transport}). Defaults and the meaning of each key are in this bundle's
 * {@code reference.conf}.
 *
 * @param nodeId this node's id
 * @param host where the WebSocket endpoint listens, and what the handshake advertises
 * @param port its TCP port, 0 for any free one (tests)
 * @param cluster the cluster name every peer must share
 * @param seeds the peers to dial, each normalised to {@code ws://host:port/hamlet}, or {@code wss://host:port/hamlet}
 *              with {@code tls} (from that, {@code ws://host:port} or {@code host:port}), duplicates dropped
 * @param maxFrameBytes the largest frame
 * @param maxEnvelopeBytes the largest encoded envelope
 * @param outboxLimit the most envelopes waiting or unacknowledged per peer
 * @param bufferMaxAgeNs how long an envelope may wait for a peer before it is given up
 * @param retryMax how many times one envelope is written without being acknowledged before it is given up
 * @param heartbeatIntervalNs how long a link may go without writing before it sends a heartbeat
 * @param silenceTimeoutNs how long a link may go without reading before it is closed as dead
 * @param handshakeTimeoutNs how long a new connection has to complete its handshake
 * @param backoffMinNs the first reconnect delay
 * @param backoffMaxNs the largest reconnect delay
 * @param dedupWindow sequences remembered exactly below the highest, per peer
 * @param outboxMaxBytes the most encoded bytes per peer waiting or unacknowledged
 * @param nodeOutboxMaxBytes the same summed over every peer of this node
 * @param maxConnections the most open connections in total, accepted and dialed, before and after the handshake
 * @param maxConnectionsPerAddress the most accepted connections from one remote IP address at once
 * @param compression whether permessage-deflate may be negotiated
 * @param maxUnknownPeers the most links kept for peers that are neither seeds nor members
 * @param maxAcceptedConnections the most connections the listener holds at once, before and after their handshake
 * @param tls whether links use TLS: not a key of this section but {@code hamlet.tls.enabled} as the tls bundle's
 *            service says; it decides the scheme of every URL ({@code wss://} or {@code ws://})
 */
public record TransportSettings(String nodeId, String host, int port, String cluster, List<String> seeds,
                                int maxFrameBytes, int maxEnvelopeBytes, int outboxLimit, long bufferMaxAgeNs,
                                int retryMax, long heartbeatIntervalNs, long silenceTimeoutNs,
                                long handshakeTimeoutNs, long backoffMinNs, long backoffMaxNs, int dedupWindow,
                                long outboxMaxBytes, long nodeOutboxMaxBytes, int maxConnections,
                                int maxConnectionsPerAddress, boolean compression, int maxUnknownPeers,
                                int maxAcceptedConnections, boolean tls) {
    /** The transport's own section and PID. */
    public static final String SECTION = "hamlet.transport";
    /** The cluster section and PID. */
    public static final String CLUSTER = "hamlet.cluster";
    /** The node section and PID (owned by the registry). */
    public static final String NODE = "hamlet.node";
    /** The path of the WebSocket endpoint. */
    public static final String PATH = "/hamlet";

    private static final List<String> TRANSPORT_KEYS = List.of("max-frame", "max-envelope", "outbox-limit",
        "buffer-max-age", "retry-max", "heartbeat-interval", "silence-timeout", "handshake-timeout",
        "reconnect-backoff-min", "reconnect-backoff-max", "dedup-window", "outbox-max-bytes",
        "node-outbox-max-bytes", "max-connections", "max-connections-per-address", "compression",
        "max-unknown-peers", "max-accepted-connections");
    private static final List<String> CLUSTER_KEYS = List.of("name", "seeds");
    private static final long MAX_FRAME_LIMIT = 64L * 1024 * 1024;
    private static final int MIN_FRAME = 1024;
    private static final int MAX_CONNECTIONS_LIMIT = 1_000_000;
    private static final String SEED_FORMS = "ws://host:port, host:port or ws://host:port" + PATH
        + " (an IPv6 address in brackets, [::1]:7701; wss:// instead of ws:// with hamlet.tls.enabled)";
    private static final String PLAIN = "ws://";
    private static final String SECURE = "wss://";

    /** Default of {@code outbox-max-bytes}: 64 MiB. */
    public static final long DEFAULT_OUTBOX_MAX_BYTES = 64L * 1024 * 1024;
    /** Default of {@code node-outbox-max-bytes}: 256 MiB. */
    public static final long DEFAULT_NODE_OUTBOX_MAX_BYTES = 256L * 1024 * 1024;
    /** Default of {@code max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Default of {@code max-connections-per-address}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 8;
    /** Default of {@code compression}. */
    public static final boolean DEFAULT_COMPRESSION = false;
    /** Default of {@code max-unknown-peers}. */
    public static final int DEFAULT_MAX_UNKNOWN_PEERS = 64;
    /** Default of {@code max-accepted-connections}: twice max-connections, so that that check meets overload first. */
    public static final int DEFAULT_MAX_ACCEPTED_CONNECTIONS = 512;

    /**
     * Checks every field and the rules across them.
     *
     * @throws IllegalArgumentException naming the key that is wrong and the value it had
     */
    public TransportSettings {
        seeds = canonicalSeeds(seeds, tls);
        if (nodeId == null || nodeId.isBlank()) {
            throw new IllegalArgumentException(NODE + ".id is missing");
        }
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:%_\\-\\[\\]]+")) {
            throw new IllegalArgumentException(NODE + ".host must be a host name or IP address, got '" + host + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(NODE + ".port must be between 0 and 65535, got " + port);
        }
        if (cluster == null || !cluster.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw new IllegalArgumentException(CLUSTER + ".name must be 1 to 128 characters of [A-Za-z0-9_.-], "
                + "starting with a letter or digit, got '" + cluster + "'");
        }
        if (maxFrameBytes < MIN_FRAME || maxFrameBytes > MAX_FRAME_LIMIT) {
            throw new IllegalArgumentException(SECTION + ".max-frame must be between " + MIN_FRAME + " and "
                + MAX_FRAME_LIMIT + " bytes, got " + maxFrameBytes);
        }
        if (maxEnvelopeBytes < EnvelopeCodec.MIN_LENGTH
            || maxEnvelopeBytes > maxFrameBytes - FrameLayout.DATA_PREFIX_LENGTH) {
            throw new IllegalArgumentException(SECTION + ".max-envelope must be between " + EnvelopeCodec.MIN_LENGTH
                + " and max-frame - " + FrameLayout.DATA_PREFIX_LENGTH + " (" + (maxFrameBytes
                - FrameLayout.DATA_PREFIX_LENGTH) + ") bytes, got " + maxEnvelopeBytes);
        }
        positive(SECTION + ".outbox-limit", outboxLimit);
        positive(SECTION + ".buffer-max-age", bufferMaxAgeNs);
        if (retryMax < 1 || retryMax > 1000) {
            throw new IllegalArgumentException(SECTION + ".retry-max must be between 1 and 1000, got " + retryMax);
        }
        positive(SECTION + ".heartbeat-interval", heartbeatIntervalNs);
        positive(SECTION + ".handshake-timeout", handshakeTimeoutNs);
        if (silenceTimeoutNs <= heartbeatIntervalNs) {
            throw new IllegalArgumentException(SECTION + ".silence-timeout (" + Duration.ofNanos(silenceTimeoutNs)
                + ") must be longer than heartbeat-interval (" + Duration.ofNanos(heartbeatIntervalNs) + ")");
        }
        positive(SECTION + ".reconnect-backoff-min", backoffMinNs);
        if (backoffMaxNs < backoffMinNs) {
            throw new IllegalArgumentException(SECTION + ".reconnect-backoff-max (" + Duration.ofNanos(backoffMaxNs)
                + ") must be at least reconnect-backoff-min (" + Duration.ofNanos(backoffMinNs) + ")");
        }
        if (dedupWindow < 64 || dedupWindow % 64 != 0 || dedupWindow > 1 << 24) {
            throw new IllegalArgumentException(SECTION + ".dedup-window must be a multiple of 64 between 64 and "
                + (1 << 24) + ", got " + dedupWindow);
        }
        if (outboxMaxBytes < maxEnvelopeBytes) {
            throw new IllegalArgumentException(SECTION + ".outbox-max-bytes (" + outboxMaxBytes
                + " bytes) must be at least max-envelope (" + maxEnvelopeBytes + " bytes), or the largest envelope "
                + "could never be sent");
        }
        if (nodeOutboxMaxBytes < outboxMaxBytes) {
            throw new IllegalArgumentException(SECTION + ".node-outbox-max-bytes (" + nodeOutboxMaxBytes
                + " bytes) must be at least outbox-max-bytes (" + outboxMaxBytes + " bytes)");
        }
        between(SECTION + ".max-connections", maxConnections, 1, MAX_CONNECTIONS_LIMIT);
        between(SECTION + ".max-connections-per-address", maxConnectionsPerAddress, 1, MAX_CONNECTIONS_LIMIT);
        between(SECTION + ".max-unknown-peers", maxUnknownPeers, 1, MAX_CONNECTIONS_LIMIT);
        between(SECTION + ".max-accepted-connections", maxAcceptedConnections, 1, MAX_CONNECTIONS_LIMIT);
    }

    /**
     * The settings without the limit of accepted connections and the TLS mode, those at their defaults (plain); kept
     * so that code and tests written against the first twenty-two components still build.
     */
    public TransportSettings(final String nodeId, final String host, final int port, final String cluster,
                             final List<String> seeds, final int maxFrameBytes, final int maxEnvelopeBytes,
                             final int outboxLimit, final long bufferMaxAgeNs, final int retryMax,
                             final long heartbeatIntervalNs, final long silenceTimeoutNs,
                             final long handshakeTimeoutNs, final long backoffMinNs, final long backoffMaxNs,
                             final int dedupWindow, final long outboxMaxBytes, final long nodeOutboxMaxBytes,
                             final int maxConnections, final int maxConnectionsPerAddress, final boolean compression,
                             final int maxUnknownPeers) {
        this(nodeId, host, port, cluster, seeds, maxFrameBytes, maxEnvelopeBytes, outboxLimit, bufferMaxAgeNs,
            retryMax, heartbeatIntervalNs, silenceTimeoutNs, handshakeTimeoutNs, backoffMinNs, backoffMaxNs,
            dedupWindow, outboxMaxBytes, nodeOutboxMaxBytes, maxConnections, maxConnectionsPerAddress, compression,
            maxUnknownPeers, DEFAULT_MAX_ACCEPTED_CONNECTIONS, false);
    }

    /**
     * @param secure whether links use TLS (what the tls bundle's service says)
     * @return these settings in that mode: the seeds in its scheme
     * @throws IllegalArgumentException when a seed is written {@code wss://} and {@code secure} is false
     */
    public TransportSettings withTls(final boolean secure) {
        if (secure == tls) {
            return this;
        }
        return new TransportSettings(nodeId, host, port, cluster, seeds, maxFrameBytes, maxEnvelopeBytes, outboxLimit,
            bufferMaxAgeNs, retryMax, heartbeatIntervalNs, silenceTimeoutNs, handshakeTimeoutNs, backoffMinNs,
            backoffMaxNs, dedupWindow, outboxMaxBytes, nodeOutboxMaxBytes, maxConnections, maxConnectionsPerAddress,
            compression, maxUnknownPeers, maxAcceptedConnections, secure);
    }

    /**
     * The settings as they were before the byte and connection limits, with those at their defaults; kept so that
     * code and tests written against the first sixteen components still build.
     */
    public TransportSettings(final String nodeId, final String host, final int port, final String cluster,
                             final List<String> seeds, final int maxFrameBytes, final int maxEnvelopeBytes,
                             final int outboxLimit, final long bufferMaxAgeNs, final int retryMax,
                             final long heartbeatIntervalNs, final long silenceTimeoutNs,
                             final long handshakeTimeoutNs, final long backoffMinNs, final long backoffMaxNs,
                             final int dedupWindow) {
        this(nodeId, host, port, cluster, seeds, maxFrameBytes, maxEnvelopeBytes, outboxLimit, bufferMaxAgeNs,
            retryMax, heartbeatIntervalNs, silenceTimeoutNs, handshakeTimeoutNs, backoffMinNs, backoffMaxNs,
            dedupWindow, Math.max(DEFAULT_OUTBOX_MAX_BYTES, maxEnvelopeBytes),
            Math.max(DEFAULT_NODE_OUTBOX_MAX_BYTES, maxEnvelopeBytes), DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_COMPRESSION, DEFAULT_MAX_UNKNOWN_PEERS);
    }

    private static void between(final String key, final long value, final long min, final long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void positive(final String key, final long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }

    /**
     * Puts every seed in the one form the transport compares and dials, so that {@code 127.0.0.1:7701},
     * {@code ws://127.0.0.1:7701} and {@code ws://127.0.0.1:7701/hamlet} are one peer, not three dial targets.
     * Duplicates after that are dropped, the first one's place kept.
     */
    private static List<String> canonicalSeeds(final List<String> seeds, final boolean tls) {
        if (seeds == null) {
            throw new IllegalArgumentException(CLUSTER + ".seeds is missing");
        }
        final Set<String> canonical = new LinkedHashSet<>();
        for (final String seed : seeds) {
            canonical.add(canonicalSeed(seed, tls));
        }
        return List.copyOf(canonical);
    }

    /**
     * One seed, or any node URL (from membership, from a handshake), in the one form of this node's mode:
     * {@code ws://host:port/hamlet}, or {@code wss://host:port/hamlet} with TLS.
     *
     * <p>With TLS, {@code host:port} and {@code ws://} become {@code wss://}: the scheme only says how to reach an
     * address, every existing seed list says {@code ws://}, and a node with TLS on never dials in plain whatever it
     * is told. Without TLS, {@code wss://} is refused rather than dialed in plain: it says the writer expects TLS,
     * and quietly sending that traffic in clear text is the one conversion that must not happen.
     *
     * @param seed {@code host:port}, {@code ws://host:port}, {@code ws://host:port/hamlet}, or the same with
     *     {@code wss://}
     * @param tls whether this node uses TLS
     * @return the canonical URL, host in lower case, an IPv6 address in brackets
     * @throws IllegalArgumentException naming the key, the value and the forms accepted
     */
    static String canonicalSeed(final String seed, final boolean tls) {
        final boolean secure = seed != null && seed.regionMatches(true, 0, SECURE, 0, SECURE.length());
        final String plain;
        try {
            // SeedAddress (the API's one form) knows ws:// only; the scheme is this node's decision, made below.
            plain = SeedAddress.canonical(secure ? PLAIN + seed.substring(SECURE.length()) : seed);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(CLUSTER + ".seeds entry '" + seed + "' is not a peer address; write "
                + SEED_FORMS, e);
        }
        if (secure && !tls) {
            throw new IllegalArgumentException(CLUSTER + ".seeds entry '" + seed + "' is a TLS address, but this node"
                + " does not use TLS (hamlet.tls.enabled = false): enable TLS on every node, or write it host:port");
        }
        return tls ? SECURE + plain.substring(PLAIN.length()) : plain;
    }

    /**
     * @param url a node URL in any form {@link #canonicalSeed} takes
     * @return it in this node's form
     * @throws IllegalArgumentException when it is none of them, or {@code wss://} on a node without TLS
     */
    String canonicalUrl(final String url) {
        return canonicalSeed(url, tls);
    }

    /**
     * Reads and checks sections {@code hamlet.node}, {@code hamlet.cluster} and {@code hamlet.transport}.
     *
     * @param config a resolved config with the sections in it (the bundles' reference.conf beneath); TLS is taken as
     *     on when it says {@code hamlet.tls.enabled = true} (the validators see the whole config)
     * @return the settings
     * @throws IllegalArgumentException naming the key that is missing, unknown, of the wrong type or out of range
     */
    public static TransportSettings from(final Config config) {
        final String tlsKey = "hamlet.tls.enabled";
        return from(config, config.hasPath(tlsKey) && Sections.read(tlsKey, () -> config.getBoolean(tlsKey)));
    }

    /**
     * Reads and checks sections {@code hamlet.node}, {@code hamlet.cluster} and {@code hamlet.transport}.
     *
     * @param config a resolved config with the sections in it (the bundles' reference.conf beneath)
     * @param tls whether links use TLS, as the tls bundle's service says
     * @return the settings
     * @throws IllegalArgumentException naming the key that is missing, unknown, of the wrong type or out of range
     */
    public static TransportSettings from(final Config config, final boolean tls) {
        noUnknownKeys(config, SECTION, TRANSPORT_KEYS);
        noUnknownKeys(config, CLUSTER, CLUSTER_KEYS);
        final String nodeId = Sections.read(NODE + ".id", () -> config.getString(NODE + ".id"));
        final String host = Sections.read(NODE + ".host", () -> config.getString(NODE + ".host"));
        final int port = Sections.read(NODE + ".port", () -> config.getInt(NODE + ".port"));
        final String cluster = Sections.read(CLUSTER + ".name", () -> config.getString(CLUSTER + ".name"));
        final List<String> seeds = new ArrayList<>(Sections.read(CLUSTER + ".seeds",
            () -> config.getStringList(CLUSTER + ".seeds")));
        return new TransportSettings(nodeId, host, port, cluster, seeds,
            bytes(config, "max-frame"), bytes(config, "max-envelope"),
            Sections.read(SECTION + ".outbox-limit", () -> config.getInt(SECTION + ".outbox-limit")),
            nanos(config, "buffer-max-age"),
            Sections.read(SECTION + ".retry-max", () -> config.getInt(SECTION + ".retry-max")),
            nanos(config, "heartbeat-interval"), nanos(config, "silence-timeout"), nanos(config, "handshake-timeout"),
            nanos(config, "reconnect-backoff-min"), nanos(config, "reconnect-backoff-max"),
            Sections.read(SECTION + ".dedup-window", () -> config.getInt(SECTION + ".dedup-window")),
            longBytes(config, "outbox-max-bytes"), longBytes(config, "node-outbox-max-bytes"),
            Sections.read(SECTION + ".max-connections", () -> config.getInt(SECTION + ".max-connections")),
            Sections.read(SECTION + ".max-connections-per-address",
                () -> config.getInt(SECTION + ".max-connections-per-address")),
            Sections.read(SECTION + ".compression", () -> config.getBoolean(SECTION + ".compression")),
            Sections.read(SECTION + ".max-unknown-peers", () -> config.getInt(SECTION + ".max-unknown-peers")),
            Sections.read(SECTION + ".max-accepted-connections",
                () -> config.getInt(SECTION + ".max-accepted-connections")),
            tls);
    }

    /**
     * Settings for tests: loopback, any free port, short timeouts.
     *
     * @param nodeId the node's id
     * @param seeds the peers to dial
     * @return the settings
     */
    static TransportSettings localTest(final String nodeId, final List<String> seeds) {
        return localTest(nodeId, 0, seeds);
    }

    /**
     * Settings for tests on a given port.
     *
     * @param nodeId the node's id
     * @param port the port to listen on
     * @param seeds the peers to dial
     * @return the settings
     */
    static TransportSettings localTest(final String nodeId, final int port, final List<String> seeds) {
        return localTest(nodeId, port, seeds, false);
    }

    /**
     * Settings for tests on a given port, with TLS or without.
     *
     * @param nodeId the node's id
     * @param port the port to listen on
     * @param seeds the peers to dial
     * @param tls whether links use TLS (seeds may then be {@code wss://})
     * @return the settings
     */
    static TransportSettings localTest(final String nodeId, final int port, final List<String> seeds,
                                       final boolean tls) {
        return new TransportSettings(nodeId, "127.0.0.1", port, "test", seeds, 1024 * 1024, 64 * 1024, 200_000,
            Duration.ofSeconds(30).toNanos(), 3, Duration.ofMillis(200).toNanos(), Duration.ofSeconds(2).toNanos(),
            Duration.ofSeconds(2).toNanos(), Duration.ofMillis(20).toNanos(), Duration.ofMillis(200).toNanos(), 4096,
            DEFAULT_OUTBOX_MAX_BYTES, DEFAULT_NODE_OUTBOX_MAX_BYTES, DEFAULT_MAX_CONNECTIONS,
            DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_COMPRESSION, DEFAULT_MAX_UNKNOWN_PEERS,
            DEFAULT_MAX_ACCEPTED_CONNECTIONS, tls);
    }

    /**
     * Settings for tests on a given port with the byte and connection limits given.
     *
     * @param nodeId the node's id
     * @param port the port to listen on
     * @param seeds the peers to dial
     * @param outboxMaxBytes encoded bytes per peer waiting or unacknowledged (default 64 MiB)
     * @param nodeOutboxMaxBytes the same summed over every peer (default 256 MiB)
     * @param maxConnections open connections in total (default 256)
     * @param maxConnectionsPerAddress accepted connections from one remote IP (default 8)
     * @param compression whether permessage-deflate may be negotiated (default false)
     * @param maxUnknownPeers links kept for peers that are neither seeds nor members (default 64)
     * @return the settings
     */
    static TransportSettings localTest(final String nodeId, final int port, final List<String> seeds,
                                       final long outboxMaxBytes, final long nodeOutboxMaxBytes,
                                       final int maxConnections, final int maxConnectionsPerAddress,
                                       final boolean compression, final int maxUnknownPeers) {
        final TransportSettings base = localTest(nodeId, port, seeds);
        return new TransportSettings(base.nodeId, base.host, base.port, base.cluster, base.seeds, base.maxFrameBytes,
            base.maxEnvelopeBytes, base.outboxLimit, base.bufferMaxAgeNs, base.retryMax, base.heartbeatIntervalNs,
            base.silenceTimeoutNs, base.handshakeTimeoutNs, base.backoffMinNs, base.backoffMaxNs, base.dedupWindow,
            outboxMaxBytes, nodeOutboxMaxBytes, maxConnections, maxConnectionsPerAddress, compression,
            maxUnknownPeers, base.maxAcceptedConnections, base.tls);
    }

    /** @return this node's own URL, as the handshake advertises it: {@code wss://} with TLS */
    public String ownUrl(final int boundPort) {
        final String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return (tls ? SECURE : PLAIN) + h + ":" + boundPort + PATH;
    }

    private static void noUnknownKeys(final Config config, final String section, final List<String> known) {
        if (!config.hasPath(section)) {
            throw new IllegalArgumentException(section + " is missing");
        }
        final Set<String> unknown =
            new TreeSet<>(Sections.read(section, () -> config.getConfig(section)).root().keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(section + "." + unknown.iterator().next()
                + " is not a known key; known keys of " + section + ": " + String.join(", ", known));
        }
    }

    private static int bytes(final Config config, final String key) {
        final String path = SECTION + "." + key;
        final long value = Sections.read(path, () -> config.getBytes(path));
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(path + " must be at most " + MAX_FRAME_LIMIT + " bytes, got " + value);
        }
        return (int) value;
    }

    private static long longBytes(final Config config, final String key) {
        final String path = SECTION + "." + key;
        return Sections.read(path, () -> config.getBytes(path));
    }

    private static long nanos(final Config config, final String key) {
        final String path = SECTION + "." + key;
        return Sections.read(path, () -> config.getDuration(path).toNanos());
    }
}
