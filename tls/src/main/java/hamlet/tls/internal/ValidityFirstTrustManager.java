package hamlet.tls.internal;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Checks the dates of a peer's own certificate before the PKIX path check: the JDK's path builder, which BCJSSE
 * uses when the JDK's providers come first, reports an expired certificate only as "unable to find valid
 * certification path", so a refusal for expiry would be counted and logged as an untrusted certificate. Here it
 * fails with {@link java.security.cert.CertificateExpiredException} or
 * {@link java.security.cert.CertificateNotYetValidException}, which the refusal's reason is taken from. Stateless.
 */
final class ValidityFirstTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;

    ValidityFirstTrustManager(final X509ExtendedTrustManager pkix) {
        this.pkix = pkix;
    }

    private static void checkDates(final X509Certificate[] chain) throws CertificateException {
        if (chain != null && chain.length > 0) {
            chain[0].checkValidity();
        }
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException {
        checkDates(chain);
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException {
        checkDates(chain);
        pkix.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        throws CertificateException {
        checkDates(chain);
        pkix.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        throws CertificateException {
        checkDates(chain);
        pkix.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        throws CertificateException {
        checkDates(chain);
        pkix.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        throws CertificateException {
        checkDates(chain);
        pkix.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
