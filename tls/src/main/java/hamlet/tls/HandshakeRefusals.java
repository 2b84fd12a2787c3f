package hamlet.tls;

/**
 * Told of each connection refused before anything of it reached the application: a TLS handshake that failed (no
 * certificate, an untrusted or expired one, not TLS at all), or TLS sent to a plain port. Called on a Jetty thread;
 * must be quick and must not throw.
 */
@FunctionalInterface
public interface HandshakeRefusals {
    /** The peer sent no certificate where one is required. */
    String NO_CERTIFICATE = "no-certificate";
    /** The peer's certificate is not from a trusted CA. */
    String UNTRUSTED = "untrusted-certificate";
    /** The peer's certificate has expired or is not valid yet. */
    String EXPIRED = "expired-certificate";
    /** The peer spoke something else than TLS to a TLS port (plain ws:// or random bytes). */
    String NOT_TLS = "not-tls";
    /** The peer spoke TLS to a plain port. */
    String TLS_TO_PLAIN = "tls-to-plain";
    /** The handshake failed otherwise (no common protocol or suite, a broken message, a timeout). */
    String FAILED = "handshake-failed";

    /**
     * @param reason one of the constants above
     * @param remote the peer's address, e.g. {@code /127.0.0.1:53122}
     * @param detail what the TLS stack said, for the log
     */
    void refused(String reason, String remote, String detail);
}
