package hamlet.tls.internal;

import hamlet.tls.HandshakeRefusals;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Sorts a failed TLS handshake into one of the {@link HandshakeRefusals} reasons, from what the TLS stack threw or
 * the alert it received. TLS stacks say these things in words only, so the words are matched; what matches nothing
 * is {@link HandshakeRefusals#FAILED}, never dropped. Stateless.
 */
public final class HandshakeFailures {
    private HandshakeFailures() {
    }

    /**
     * @param refusals told of it; a throw from it is swallowed, since it would only break Jetty's handshake code
     * @param remote the peer's address, or the URL dialed
     * @param failure what failed the handshake
     */
    public static void report(final HandshakeRefusals refusals, final String remote, final Throwable failure) {
        try {
            refusals.refused(reason(failure), remote, detail(failure));
        } catch (final RuntimeException ignored) {
            // The caller counts; a counting bug must not change how Jetty closes the connection.
        }
    }

    /**
     * @param failure what a handshake threw
     * @return its reason
     */
    public static String reason(final Throwable failure) {
        final StringBuilder words = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return HandshakeRefusals.EXPIRED;
            }
            words.append(' ').append(String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT));
        }
        final String text = words.toString();
        if (text.contains("expired") || text.contains("not yet valid") || text.contains("certificate_expired")) {
            return HandshakeRefusals.EXPIRED;
        }
        if (text.contains("certificate_required") || text.contains("empty client certificate")
            || text.contains("no client certificate") || text.contains("client certificate required")
            || text.contains("peer not authenticated")) {
            return HandshakeRefusals.NO_CERTIFICATE;
        }
        if (text.contains("unknown_ca") || text.contains("certificate_unknown") || text.contains("bad_certificate")
            || text.contains("unable to find valid certification path") || text.contains("trust anchor")
            || text.contains("certpath") || text.contains("untrusted") || text.contains("not trusted")
            || text.contains("unable to construct a valid chain")) {
            return HandshakeRefusals.UNTRUSTED;
        }
        if (text.contains("unrecognized") || text.contains("unsupported or unrecognized")
            || text.contains("not an ssl/tls record") || text.contains("plaintext")
            || text.contains("invalid record type") || text.contains("unexpected_message")
            || text.contains("record_overflow") || text.contains("unsupported record version")) {
            return HandshakeRefusals.NOT_TLS;
        }
        return HandshakeRefusals.FAILED;
    }

    private static String detail(final Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String top = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return root == failure ? top : top + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
