package hamlet.tls.internal;

import hamlet.tls.CertificateInfo;
import hamlet.tls.NodeCertificates;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * One checked set of this node's TLS files: its certificate chain and key, and the CAs it trusts, as the key stores
 * Jetty takes. Checked as a whole, so that a half-done rotation is refused rather than half used: the key must
 * match the certificate, the certificate must name this node, be valid now and be issued by one of the trusted
 * CAs. Immutable.
 *
 * @param chain this node's certificate first
 * @param key its key
 * @param cas the trusted CA certificates
 * @param keyStore {@code chain} and {@code key} as a key store (password {@link #STORE_PASSWORD})
 * @param trustStore {@code cas} as a key store
 * @param certificates what an operator sees of them
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> cas, KeyStore keyStore,
                          KeyStore trustStore, List<CertificateInfo> certificates) {
    /** The in-memory key store's password: it never leaves this process, so it protects nothing. */
    public static final String STORE_PASSWORD = "hamlet";

    /**
     * @param settings where the files are and which node this is
     * @param now the time the certificate must be valid at, or {@code null} not to check the dates
     * @return the checked set
     * @throws IllegalArgumentException saying which file is wrong and how
     */
    public static TlsMaterial load(final TlsSettings settings, final Instant now) {
        final List<X509Certificate> chain = Pem.readCertificates(settings.cert());
        final PrivateKey key = Pem.readPrivateKey(settings.key(), settings.keyPassword());
        final List<X509Certificate> cas = Pem.readCertificates(settings.ca());
        final X509Certificate own = chain.get(0);
        final String named;
        try {
            named = NodeCertificates.nodeIdOf(own);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(settings.cert() + ": " + e.getMessage(), e);
        }
        if (!named.equals(settings.nodeId())) {
            throw new IllegalArgumentException(settings.cert() + " is the certificate of node '" + named
                + "', not of this node '" + settings.nodeId() + "' (bin/hamlet certs node " + settings.nodeId()
                + " issues one)");
        }
        if (now != null && now.isBefore(own.getNotBefore().toInstant())) {
            throw new IllegalArgumentException(settings.cert() + " is not valid before " + own.getNotBefore().toInstant());
        }
        if (now != null && now.isAfter(own.getNotAfter().toInstant())) {
            throw new IllegalArgumentException(settings.cert() + " expired at " + own.getNotAfter().toInstant());
        }
        checkPair(settings, own, key);
        checkIssuer(settings, chain, cas);
        try {
            final KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("node", key, STORE_PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
            final KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trustStore.setCertificateEntry("ca-" + i, cas.get(i));
            }
            final List<CertificateInfo> infos = new ArrayList<>();
            infos.add(info(CertificateInfo.NODE, own, settings.cert()));
            for (final X509Certificate ca : cas) {
                infos.add(info(CertificateInfo.CA, ca, settings.ca()));
            }
            return new TlsMaterial(List.copyOf(chain), key, List.copyOf(cas), keyStore, trustStore, List.copyOf(infos));
        } catch (final GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot build the key stores: " + e.getMessage(), e);
        }
    }

    private static void checkPair(final TlsSettings settings, final X509Certificate own, final PrivateKey key) {
        try {
            final String algorithm = "EC".equals(key.getAlgorithm()) || "ECDSA".equals(key.getAlgorithm())
                ? "SHA256withECDSA" : "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : null;
            if (algorithm == null) {
                throw new IllegalArgumentException(settings.key() + " holds a " + key.getAlgorithm()
                    + " key: EC or RSA keys are supported");
            }
            final byte[] probe = "hamlet key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final Signature signer = Signature.getInstance(algorithm, Pem.BC);
            signer.initSign(key);
            signer.update(probe);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm, Pem.BC);
            verifier.initVerify(own.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(settings.key() + " is not the key of " + settings.cert());
            }
        } catch (final GeneralSecurityException e) {
            throw new IllegalArgumentException(settings.key() + " is not the key of " + settings.cert() + ": "
                + e.getMessage(), e);
        }
    }

    private static void checkIssuer(final TlsSettings settings, final List<X509Certificate> chain,
                                    final List<X509Certificate> cas) {
        final X509Certificate top = chain.get(chain.size() - 1);
        for (final X509Certificate ca : cas) {
            try {
                if (top.getIssuerX500Principal().equals(ca.getSubjectX500Principal()) || top.equals(ca)) {
                    top.verify(ca.getPublicKey(), Pem.BC);
                    return;
                }
            } catch (final GeneralSecurityException e) {
                // Same name, another key (a CA made again under the same name): try the others.
            }
        }
        throw new IllegalArgumentException(settings.cert() + " is not issued by a CA in " + settings.ca()
            + " (issuer " + top.getIssuerX500Principal().getName() + ")");
    }

    /**
     * @param role {@link CertificateInfo#NODE} or {@link CertificateInfo#CA}
     * @param certificate the certificate
     * @param file where it was read
     * @return what an operator sees of it
     */
    public static CertificateInfo info(final String role, final X509Certificate certificate, final Path file) {
        return new CertificateInfo(role, certificate.getSubjectX500Principal().getName(), names(certificate),
            fingerprint(certificate), certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(),
            file.toString());
    }

    /**
     * @param certificate a certificate
     * @return its SHA-256 fingerprint, upper-case hex pairs joined by {@code :}
     */
    public static String fingerprint(final X509Certificate certificate) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing: " + e.getMessage(), e);
        }
    }

    /**
     * @param certificate a certificate
     * @return its subject alternative names as text
     */
    public static List<String> names(final X509Certificate certificate) {
        final List<String> out = new ArrayList<>();
        try {
            final Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (final List<?> name : names) {
                    out.add(String.valueOf(name.get(1)));
                }
            }
        } catch (final CertificateParsingException e) {
            out.add("(unreadable: " + e.getMessage() + ")");
        }
        return List.copyOf(out);
    }
}
