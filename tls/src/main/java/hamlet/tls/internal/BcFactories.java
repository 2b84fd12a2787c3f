package hamlet.tls.internal;

import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.cert.CRL;
import java.util.Collection;
import java.util.List;

/**
 * Jetty factories whose SSL context, key managers and trust managers all come from BCJSSE: Jetty asks the JVM's
 * first provider for the managers unless told otherwise, which would put the JDK's certificate path checks under
 * Bouncy Castle's TLS.
 */
final class BcFactories {
    static final String PROVIDER = BouncyCastleJsseProvider.PROVIDER_NAME;
    private static final String PKIX = "PKIX";

    private BcFactories() {
    }

    /** Server side. */
    static final class Server extends SslContextFactory.Server {
        @Override
        protected KeyManagerFactory getKeyManagerFactoryInstance() throws NoSuchAlgorithmException {
            return keyManagers();
        }

        @Override
        protected TrustManagerFactory getTrustManagerFactoryInstance() throws NoSuchAlgorithmException {
            return trustManagers();
        }

        @Override
        protected TrustManager[] getTrustManagers(final KeyStore trustStore, final Collection<? extends CRL> crls)
            throws Exception {
            return validityFirst(super.getTrustManagers(trustStore, crls));
        }
    }

    /** Dialing side. */
    static final class Client extends SslContextFactory.Client {
        @Override
        protected KeyManagerFactory getKeyManagerFactoryInstance() throws NoSuchAlgorithmException {
            return keyManagers();
        }

        @Override
        protected TrustManagerFactory getTrustManagerFactoryInstance() throws NoSuchAlgorithmException {
            return trustManagers();
        }

        @Override
        protected TrustManager[] getTrustManagers(final KeyStore trustStore, final Collection<? extends CRL> crls)
            throws Exception {
            return validityFirst(super.getTrustManagers(trustStore, crls));
        }
    }

    /** Each PKIX trust manager behind a check of the peer certificate's dates (see ValidityFirstTrustManager). */
    static TrustManager[] validityFirst(final TrustManager[] managers) {
        if (managers == null) {
            return null;
        }
        final TrustManager[] out = managers.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof X509ExtendedTrustManager x509) {
                out[i] = new ValidityFirstTrustManager(x509);
            }
        }
        return out;
    }

    private static KeyManagerFactory keyManagers() throws NoSuchAlgorithmException {
        try {
            return KeyManagerFactory.getInstance(PKIX, PROVIDER);
        } catch (final NoSuchProviderException e) {
            throw new NoSuchAlgorithmException("the " + PROVIDER + " provider is not registered", e);
        }
    }

    private static TrustManagerFactory trustManagers() throws NoSuchAlgorithmException {
        try {
            return TrustManagerFactory.getInstance(PKIX, PROVIDER);
        } catch (final NoSuchProviderException e) {
            throw new NoSuchAlgorithmException("the " + PROVIDER + " provider is not registered", e);
        }
    }

    /**
     * Settings common to both sides, and the material.
     *
     * @param f the factory
     * @param settings protocols and suites
     * @param material the stores
     */
    static void configure(final SslContextFactory f, final TlsSettings settings, final TlsMaterial material) {
        f.setProvider(PROVIDER);
        f.setKeyStore(material.keyStore());
        f.setKeyStorePassword(TlsMaterial.STORE_PASSWORD);
        f.setKeyManagerPassword(TlsMaterial.STORE_PASSWORD);
        f.setTrustStore(material.trustStore());
        f.setTrustStorePassword(TlsMaterial.STORE_PASSWORD);
        f.setIncludeProtocols(settings.protocols().toArray(new String[0]));
        f.setIncludeCipherSuites(settings.cipherSuites().toArray(new String[0]));
        f.setExcludeCipherSuites();
        f.setUseCipherSuitesOrder(true);
        f.setRenegotiationAllowed(false);
        f.setSessionCachingEnabled(true);
        // Peers are checked by the node id their certificate names (the transport does it), not by host name: nodes
        // dial each other by IP address, and a host name proves nothing about which node answers.
        f.setEndpointIdentificationAlgorithm(null);
    }

    /** @return the protocols a factory ended up with, for a log line */
    static List<String> enabled(final SslContextFactory f) {
        return List.of(f.getSelectedProtocols());
    }
}
