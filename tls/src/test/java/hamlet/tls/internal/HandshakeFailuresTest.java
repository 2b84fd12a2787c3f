package hamlet.tls.internal;

import hamlet.tls.HandshakeRefusals;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertificateExpiredException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HandshakeFailuresTest {
    private static Throwable wrapped(final Throwable cause, final String message) {
        final SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void sortsWhatTlsStacksSayIntoReasons() {
        assertEquals(HandshakeRefusals.EXPIRED,
            HandshakeFailures.reason(wrapped(new CertificateExpiredException("NotAfter: ..."), "bad_certificate")));
        assertEquals(HandshakeRefusals.NO_CERTIFICATE,
            HandshakeFailures.reason(new SSLHandshakeException("Received fatal alert: certificate_required")));
        assertEquals(HandshakeRefusals.UNTRUSTED,
            HandshakeFailures.reason(new SSLHandshakeException("Received fatal alert: certificate_unknown")));
        assertEquals(HandshakeRefusals.UNTRUSTED,
            HandshakeFailures.reason(new SSLHandshakeException("Unable to construct a valid chain")));
        assertEquals(HandshakeRefusals.NOT_TLS,
            HandshakeFailures.reason(new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message")));
        assertEquals(HandshakeRefusals.FAILED, HandshakeFailures.reason(new SSLHandshakeException(null)));
        assertEquals(HandshakeRefusals.FAILED,
            HandshakeFailures.reason(new SSLHandshakeException("no cipher suites in common")));
    }
}
