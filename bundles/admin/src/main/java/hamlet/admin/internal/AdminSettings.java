package hamlet.admin.internal;

import com.typesafe.config.Config;
import hamlet.config.Sections;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admin bundle's settings, section {@code hamlet.admin}: one immutable value, checked as a whole when it is
 * built. Defaults and the meaning of each key are in this bundle's {@code reference.conf}.
 *
 * @param host the interface to listen on
 * @param port the TCP port, 0 for any free one
 * @param maxBodyBytes the largest request body accepted
 * @param askTimeoutMs how long an ask waits when the request names no timeout
 * @param maxAskTimeoutMs the longest timeout a request may name
 */
public record AdminSettings(String host, int port, int maxBodyBytes, long askTimeoutMs, long maxAskTimeoutMs) {
    /** The section this bundle owns, and the PID it is pushed to. */
    public static final String SECTION = "hamlet.admin";
    static final String HOST = SECTION + ".host";
    static final String PORT = SECTION + ".port";
    static final String MAX_BODY = SECTION + ".max-body";
    static final String ASK_TIMEOUT = SECTION + ".ask-timeout";
    static final String MAX_ASK_TIMEOUT = SECTION + ".max-ask-timeout";

    private static final List<String> KEYS = List.of("host", "port", "max-body", "ask-timeout", "max-ask-timeout");
    /** Above this a body is no longer "a request" but an upload; also keeps the size an int. */
    private static final long MAX_BODY_LIMIT = 64L * 1024 * 1024;
    private static final long MAX_ASK_TIMEOUT_LIMIT_MS = Duration.ofMinutes(10).toMillis();

    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the key that is wrong and the value it had
     */
    public AdminSettings {
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:%_\\-\\[\\]]+")) {
            throw new IllegalArgumentException(HOST + " must be a host name or IP address, got '" + host + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be between 0 and 65535, got " + port);
        }
        if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_LIMIT) {
            throw new IllegalArgumentException(
                MAX_BODY + " must be between 1 and " + MAX_BODY_LIMIT + " bytes, got " + maxBodyBytes);
        }
        if (maxAskTimeoutMs < 1 || maxAskTimeoutMs > MAX_ASK_TIMEOUT_LIMIT_MS) {
            throw new IllegalArgumentException(MAX_ASK_TIMEOUT + " must be between 1ms and "
                + MAX_ASK_TIMEOUT_LIMIT_MS + "ms, got " + maxAskTimeoutMs + "ms");
        }
        if (askTimeoutMs < 1 || askTimeoutMs > maxAskTimeoutMs) {
            throw new IllegalArgumentException(ASK_TIMEOUT + " must be between 1ms and " + MAX_ASK_TIMEOUT
                + " (" + maxAskTimeoutMs + "ms), got " + askTimeoutMs + "ms");
        }
    }

    /**
     * Reads and checks section {@code hamlet.admin}.
     *
     * @param config a resolved config with the section in it (the bundle's reference.conf beneath)
     * @return the settings
     * @throws IllegalArgumentException naming the key that is missing, unknown, of the wrong type or out of range
     */
    public static AdminSettings from(final Config config) {
        if (!config.hasPath(SECTION)) {
            throw new IllegalArgumentException(SECTION + " is missing");
        }
        final Set<String> unknown =
            new TreeSet<>(Sections.read(SECTION, () -> config.getConfig(SECTION)).root().keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(SECTION + "." + unknown.iterator().next()
                + " is not a known key; known keys of " + SECTION + ": " + String.join(", ", KEYS));
        }
        final String host = Sections.read(HOST, () -> config.getString(HOST));
        final int port = Sections.read(PORT, () -> config.getInt(PORT));
        final long maxBody = Sections.read(MAX_BODY, () -> config.getBytes(MAX_BODY));
        if (maxBody < 1 || maxBody > MAX_BODY_LIMIT) {
            throw new IllegalArgumentException(
                MAX_BODY + " must be between 1 and " + MAX_BODY_LIMIT + " bytes, got " + maxBody);
        }
        final long askTimeoutMs = Sections.read(ASK_TIMEOUT, () -> config.getDuration(ASK_TIMEOUT).toMillis());
        final long maxAskTimeoutMs =
            Sections.read(MAX_ASK_TIMEOUT, () -> config.getDuration(MAX_ASK_TIMEOUT).toMillis());
        return new AdminSettings(host, port, (int) maxBody, askTimeoutMs, maxAskTimeoutMs);
    }

    /** @return settings for tests: any free port on the loopback, the documented defaults otherwise */
    static AdminSettings localTest() {
        return new AdminSettings("127.0.0.1", 0, 1024 * 1024, 5_000, 60_000);
    }

    /**
     * @param other other settings
     * @return whether {@code other} listens somewhere else, so that the connector must be rebound
     */
    boolean bindsElsewhere(final AdminSettings other) {
        return !host.equals(other.host) || port != other.port;
    }
}
