package hamlet.tls.internal;

import com.typesafe.config.Config;
import hamlet.config.Sections;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Section {@code hamlet.tls}, read and checked, with its paths resolved. Immutable.
 *
 * @param enabled whether links use TLS
 * @param nodeId this node's id ({@code hamlet.node.id}): the id its certificate must name
 * @param cert this node's certificate file
 * @param key its key file
 * @param ca the trusted CA bundle
 * @param keyPassword the key's password; empty when not encrypted
 * @param protocols TLS versions
 * @param cipherSuites suites in order of preference
 * @param checkInterval how often the files are checked
 * @param warnBefore how long before expiry to warn; zero for never
 */
public record TlsSettings(boolean enabled, String nodeId, Path cert, Path key, Path ca, char[] keyPassword,
                          List<String> protocols, List<String> cipherSuites, Duration checkInterval,
                          Duration warnBefore) {
    /** The section. */
    public static final String SECTION = "hamlet.tls";
    private static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
    private static final Duration MIN_CHECK = Duration.ofMillis(100);
    private static final Duration MAX_CHECK = Duration.ofHours(1);

    /**
     * @param config the resolved config, rooted at the top
     * @param confDir the folder relative paths are resolved against
     * @return the settings
     * @throws IllegalArgumentException naming the key that is wrong
     */
    public static TlsSettings from(final Config config, final Path confDir) {
        final String nodeId = Sections.read("hamlet.node.id", () -> config.getString("hamlet.node.id"));
        final Path dir = confDir.resolve(path(config, "dir"));
        final String cert = path(config, "cert");
        final String key = path(config, "key");
        final String ca = path(config, "ca");
        final List<String> protocols = Sections.read(SECTION + ".protocols",
            () -> config.getStringList(SECTION + ".protocols"));
        if (protocols.isEmpty() || !PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException(SECTION + ".protocols is " + protocols
                + ": it must name TLSv1.3, TLSv1.2 or both");
        }
        final List<String> suites = Sections.read(SECTION + ".cipher-suites",
            () -> config.getStringList(SECTION + ".cipher-suites"));
        if (suites.isEmpty()) {
            throw new IllegalArgumentException(SECTION + ".cipher-suites is empty: name at least one suite");
        }
        if (protocols.contains("TLSv1.2") && suites.stream().noneMatch(x -> x.startsWith("TLS_ECDHE_"))) {
            throw new IllegalArgumentException(SECTION + ".protocols names TLSv1.2 but " + SECTION + ".cipher-suites"
                + " has no TLS 1.2 suite: add e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
        if (protocols.contains("TLSv1.3") && suites.stream().noneMatch(x -> !x.startsWith("TLS_ECDHE_"))) {
            throw new IllegalArgumentException(SECTION + ".protocols names TLSv1.3 but " + SECTION + ".cipher-suites"
                + " has no TLS 1.3 suite: add e.g. TLS_AES_128_GCM_SHA256");
        }
        final Duration check = Sections.read(SECTION + ".check-interval",
            () -> config.getDuration(SECTION + ".check-interval"));
        if (check.compareTo(MIN_CHECK) < 0 || check.compareTo(MAX_CHECK) > 0) {
            throw new IllegalArgumentException(SECTION + ".check-interval is " + check + ": it must be 100ms to 1h");
        }
        final Duration warn = Sections.read(SECTION + ".warn-before", () -> config.getDuration(SECTION + ".warn-before"));
        if (warn.isNegative()) {
            throw new IllegalArgumentException(SECTION + ".warn-before is " + warn + ": it must not be negative");
        }
        return new TlsSettings(
            Sections.read(SECTION + ".enabled", () -> config.getBoolean(SECTION + ".enabled")), nodeId,
            cert.isEmpty() ? dir.resolve(nodeId + ".crt") : confDir.resolve(cert),
            key.isEmpty() ? dir.resolve(nodeId + ".key") : confDir.resolve(key),
            ca.isEmpty() ? dir.resolve("ca.crt") : confDir.resolve(ca),
            Sections.read(SECTION + ".key-password", () -> config.getString(SECTION + ".key-password")).toCharArray(),
            List.copyOf(protocols), List.copyOf(suites), check, warn);
    }

    private static String path(final Config config, final String name) {
        return Sections.read(SECTION + "." + name, () -> config.getString(SECTION + "." + name)).trim();
    }

    /** @return the three files, for change checks */
    public List<Path> files() {
        return List.of(cert, key, ca);
    }

    @Override
    public String toString() {
        // The password stays out of every log line and exception message.
        return "TlsSettings[enabled=" + enabled + ", cert=" + cert + ", key=" + key + ", ca=" + ca + ", protocols="
            + protocols + ", checkInterval=" + checkInterval + ", warnBefore=" + warnBefore + "]";
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof TlsSettings t && enabled == t.enabled && nodeId.equals(t.nodeId) && cert.equals(t.cert)
            && key.equals(t.key) && ca.equals(t.ca) && java.util.Arrays.equals(keyPassword, t.keyPassword)
            && protocols.equals(t.protocols) && cipherSuites.equals(t.cipherSuites)
            && checkInterval.equals(t.checkInterval) && warnBefore.equals(t.warnBefore);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(enabled, nodeId, cert, key, ca, protocols, cipherSuites, checkInterval);
    }
}
