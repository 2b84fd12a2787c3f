package hamlet.tls.ca;

import hamlet.tls.NodeCertificates;
import hamlet.tls.internal.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A cluster CA: its certificate and key, and the node certificates it issues. Keys are ECDSA on P-256: small,
 * fast to sign and verify in every TLS 1.3 stack, including the JDK's own and OpenSSL. Immutable.
 *
 * <p>A node certificate carries the node id as URI name {@code urn:hamlet:node:<id>} (see
 * {@link NodeCertificates}), the host names and addresses given as DNS and IP names (so that an HTTPS client of the
 * admin API can check the host), and may be used as a TLS server and client both: each node dials and is dialed.
 */
public final class CertificateAuthority {
    /** Node ids: the same rule as the transport's handshake. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    private static final Pattern DNS_NAME = Pattern.compile(
        "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile(
        "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    /**
     * @param certificate the CA's certificate
     * @param key its private key
     */
    public CertificateAuthority(final X509Certificate certificate, final PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** @return the CA's certificate, what every node trusts */
    public X509Certificate certificate() {
        return certificate;
    }

    /** @return the CA's private key */
    public PrivateKey key() {
        return key;
    }

    /**
     * A new self-signed CA.
     *
     * @param name what its subject says, e.g. the cluster name
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return it
     */
    public static CertificateAuthority create(final String name, final Instant notBefore, final Instant notAfter) {
        final KeyPair pair = newKeyPair();
        final X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "Hamlet").addRDN(BCStyle.CN, "Hamlet cluster CA " + name).build();
        try {
            final JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            final X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (final CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Issues a node certificate.
     *
     * @param nodeId the node id it names (checked)
     * @param hosts host names and IP addresses it is reached at (checked); may be empty
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return the certificate and its new key
     * @throws IllegalArgumentException for a bad node id or host
     */
    public Issued issueNode(final String nodeId, final List<String> hosts, final Instant notBefore,
                            final Instant notAfter) {
        checkNodeId(nodeId);
        final List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, NodeCertificates.uriOf(nodeId)));
        for (final String host : hosts) {
            names.add(hostName(host));
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("the certificate would expire (" + notAfter + ") before it starts ("
                + notBefore + ")");
        }
        final KeyPair pair = newKeyPair();
        final X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "Hamlet").addRDN(BCStyle.CN, nodeId).build();
        try {
            final JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            final X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(new GeneralName[0])))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new Issued(sign(b, key), pair.getPrivate());
        } catch (final CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the certificate of " + nodeId + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param nodeId a node id
     * @throws IllegalArgumentException when it is not one
     */
    public static void checkNodeId(final String nodeId) {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("'" + nodeId + "' is not a node id: 1 to 128 characters of"
                + " [A-Za-z0-9_-], starting with a letter or digit");
        }
    }

    private static GeneralName hostName(final String host) {
        if (host != null && IPV4.matcher(host).matches()) {
            return new GeneralName(GeneralName.iPAddress, host);
        }
        if (host != null && host.contains(":") && IPV6.matcher(host).matches()) {
            try {
                return new GeneralName(GeneralName.iPAddress, host);
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + host + "' is not an IPv6 address", e);
            }
        }
        if (host == null || !DNS_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address (a host name is"
                + " letters, digits and '-' in dot-separated labels)");
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    /** @return a new P-256 key pair */
    public static KeyPair newKeyPair() {
        try {
            final KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Pem.BC);
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an EC P-256 key: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(final X509v3CertificateBuilder builder, final PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter().setProvider(Pem.BC).getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE).setProvider(Pem.BC).build(signer)));
        } catch (final OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A certificate just issued, with its key.
     *
     * @param certificate the certificate
     * @param key its private key
     */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }
}
