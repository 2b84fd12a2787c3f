package hamlet.admin.internal;

import com.typesafe.config.Config;
import hamlet.config.Sections;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The admin bundle's settings, section {@code hamlet.admin}: one immutable value, checked as a whole when it is
 * built. Defaults and the meaning of each key are in this bundle's {@code reference.conf}. The token is a secret:
 * {@link #toString} and every message leave it out.
 *
 * @param host the interface to listen on
 * @param port the TCP port, 0 for any free one
 * @param maxBodyBytes the largest request body accepted
 * @param askTimeoutMs how long an ask waits when the request names no timeout
 * @param maxAskTimeoutMs the longest timeout a request may name
 * @param token the bearer token every request must carry, {@code ""} for none
 * @param tokenFile the file holding it instead, as configured (relative to the config file's folder), {@code ""}
 *     for none; read by {@link TokenFile}
 * @param https whether the API serves HTTPS with the node's certificate
 */
public record AdminSettings(String host, int port, int maxBodyBytes, long askTimeoutMs, long maxAskTimeoutMs,
                            String token, String tokenFile, boolean https) {
    /** The section this bundle owns, and the PID it is pushed to. */
    public static final String SECTION = "hamlet.admin";
    static final String HOST = SECTION + ".host";
    static final String PORT = SECTION + ".port";
    static final String MAX_BODY = SECTION + ".max-body";
    static final String ASK_TIMEOUT = SECTION + ".ask-timeout";
    static final String MAX_ASK_TIMEOUT = SECTION + ".max-ask-timeout";
    static final String TOKEN = SECTION + ".token";
    static final String TOKEN_FILE = SECTION + ".token-file";
    static final String HTTPS = SECTION + ".https";
    /** Read by the validator only: the tls bundle owns it. */
    static final String TLS_ENABLED = "hamlet.tls.enabled";

    private static final List<String> KEYS = List.of("host", "port", "max-body", "ask-timeout", "max-ask-timeout",
        "token", "token-file", "https");
    /** It travels in an HTTP header: visible ASCII, no spaces (RFC 6750's b64token is stricter; nothing needs that). */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7E]+");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
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
        if (token == null || tokenFile == null) {
            throw new IllegalArgumentException(TOKEN + " and " + TOKEN_FILE + " must be strings, \"\" when unset");
        }
        if (!token.isEmpty() && !TOKEN_CHARS.matcher(token).matches()) {
            throw new IllegalArgumentException(TOKEN + " must be printable ASCII without spaces (it is sent in an"
                + " HTTP header); the value is not shown");
        }
        if (!token.isEmpty() && !tokenFile.isBlank()) {
            throw new IllegalArgumentException(TOKEN + " and " + TOKEN_FILE + " are both set: set one of them");
        }
        if (!tokenFile.isEmpty() && tokenFile.isBlank()) {
            throw new IllegalArgumentException(TOKEN_FILE + " is blank: give a file name, or \"\" for none");
        }
        if (!isLoopback(host) && token.isEmpty() && tokenFile.isEmpty()) {
            throw new IllegalArgumentException(HOST + " is " + host + ", not a loopback address, and neither "
                + TOKEN + " nor " + TOKEN_FILE + " is set: the API can spawn and stop actors, so off this machine"
                + " every request must carry a bearer token; set one, or keep " + HOST + " = 127.0.0.1");
        }
    }

    /**
     * The settings without token or HTTPS, as before the API had them; for tests.
     *
     * @param host the interface to listen on
     * @param port the TCP port, 0 for any free one
     * @param maxBodyBytes the largest request body accepted
     * @param askTimeoutMs how long an ask waits when the request names no timeout
     * @param maxAskTimeoutMs the longest timeout a request may name
     */
    public AdminSettings(final String host, final int port, final int maxBodyBytes, final long askTimeoutMs,
                         final long maxAskTimeoutMs) {
        this(host, port, maxBodyBytes, askTimeoutMs, maxAskTimeoutMs, "", "", false);
    }

    /**
     * Whether a host is this machine only, judged from its text alone: a name is never looked up, so that the
     * check is the same at every load and cannot be steered by DNS. {@code localhost}, {@code 127.0.0.0/8} and
     * {@code ::1} (in any of its spellings, brackets allowed) are; everything else, {@code 0.0.0.0} included,
     * is not.
     *
     * @param host a host name or IP address as configured
     * @return whether it is a loopback address
     */
    static boolean isLoopback(final String host) {
        final String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        final java.util.regex.Matcher v4 = IPV4.matcher(h);
        if (v4.matches()) {
            return Integer.parseInt(v4.group(1)) == 127;
        }
        final String v6 = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        if (!v6.contains(":") || !v6.matches("[0-9a-f:.]+")) {
            return false;
        }
        try {
            // A literal: no lookup. ::ffff:127.0.0.1 comes back as an IPv4 address, loopback too.
            return java.net.InetAddress.getByName(v6).isLoopbackAddress();
        } catch (final java.net.UnknownHostException e) {
            return false;
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
        final String token = Sections.read(TOKEN, () -> config.getString(TOKEN));
        final String tokenFile = Sections.read(TOKEN_FILE, () -> config.getString(TOKEN_FILE));
        final boolean https = Sections.read(HTTPS, () -> config.getBoolean(HTTPS));
        return new AdminSettings(host, port, (int) maxBody, askTimeoutMs, maxAskTimeoutMs, token, tokenFile.trim(),
            https);
    }

    /**
     * The rule across sections that only the whole config can check: HTTPS needs the tls bundle's TLS on.
     *
     * @param whole the whole proposed config; without a {@code hamlet.tls} section (no tls bundle) TLS is off
     * @throws IllegalArgumentException naming both keys
     */
    void checkAgainst(final Config whole) {
        final boolean tls =
            whole.hasPath(TLS_ENABLED) && Sections.read(TLS_ENABLED, () -> whole.getBoolean(TLS_ENABLED));
        if (https && !tls) {
            throw new IllegalArgumentException(HTTPS + " = true needs " + TLS_ENABLED + " = true: the API serves"
                + " HTTPS with the node's certificate from the tls bundle (set both, or " + HTTPS + " = false)");
        }
    }

    /** @return whether every request must carry a bearer token */
    boolean tokenRequired() {
        return !token.isEmpty() || !tokenFile.isEmpty();
    }

    /** @return settings for tests: any free port on the loopback, the documented defaults otherwise */
    static AdminSettings localTest() {
        return new AdminSettings("127.0.0.1", 0, 1024 * 1024, 5_000, 60_000);
    }

    /**
     * @param other other settings
     * @return whether {@code other} listens somewhere else or otherwise (HTTPS or not), so that the connector must
     *     be replaced
     */
    boolean bindsElsewhere(final AdminSettings other) {
        return !host.equals(other.host) || port != other.port || https != other.https;
    }

    /**
     * @param otherHost another interface
     * @param otherPort another port
     * @return these settings listening there
     */
    AdminSettings at(final String otherHost, final int otherPort) {
        return new AdminSettings(otherHost, otherPort, maxBodyBytes, askTimeoutMs, maxAskTimeoutMs, token, tokenFile,
            https);
    }

    @Override
    public String toString() {
        // The token stays out of every log line and message; whether one is set is what a reader needs.
        return "AdminSettings[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", askTimeoutMs="
            + askTimeoutMs + ", maxAskTimeoutMs=" + maxAskTimeoutMs + ", token=" + (token.isEmpty() ? "" : "<redacted>")
            + ", tokenFile=" + tokenFile + ", https=" + https + "]";
    }
}
