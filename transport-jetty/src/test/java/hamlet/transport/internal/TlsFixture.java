package hamlet.transport.internal;

import com.typesafe.config.ConfigFactory;
import hamlet.tls.ca.CaFiles;
import hamlet.tls.ca.CertificateAuthority;
import hamlet.tls.internal.Pem;
import hamlet.tls.internal.TlsMaterial;
import hamlet.tls.internal.TlsRuntime;
import hamlet.tls.internal.TlsSettings;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster CA in a folder, node certificates issued from it, and the TLS runtimes of nodes, as {@code bin/hamlet
 * certs} and the tls bundle would make them; plus a client built on the JDK's own TLS (SunJSSE), the other stack a
 * node must interoperate with. Stops every runtime it started.
 */
final class TlsFixture implements AutoCloseable {
    /** The suites the tls bundle offers by default, from its reference.conf. */
    static final List<String> SUITES = ConfigFactory.parseResources(TlsSettings.class.getClassLoader(),
        "reference.conf").getStringList("hamlet.tls.cipher-suites");

    final Path dir;
    final CertificateAuthority ca;
    private final List<TlsRuntime> runtimes = new ArrayList<>();

    /**
     * @param dir the TLS folder: {@code ca/}, {@code ca.crt}, {@code <node>.crt}, {@code <node>.key}
     * @param name the CA's name
     */
    TlsFixture(final Path dir, final String name) throws IOException {
        this.dir = dir;
        final Instant now = Instant.now();
        this.ca = CaFiles.init(dir, name, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
    }

    /** Issues a node's certificate, valid from an hour ago for a day, into the folder. */
    CertificateAuthority.Issued issue(final String nodeId) throws IOException {
        final Instant now = Instant.now();
        return issue(nodeId, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), false);
    }

    CertificateAuthority.Issued issue(final String nodeId, final Instant notBefore, final Instant notAfter,
                                      final boolean renew) throws IOException {
        return CaFiles.issueNode(ca, dir, nodeId, List.of("127.0.0.1"), notBefore, notAfter, renew);
    }

    /** Issues a node's certificate and starts its runtime trusting this CA. */
    TlsRuntime node(final String nodeId) throws IOException {
        issue(nodeId);
        return runtime(nodeId, dir.resolve(CaFiles.CA_CERT), Instant.now());
    }

    /**
     * @param nodeId the node, whose files are in the folder
     * @param caFile the CA bundle it trusts
     * @param at the time its certificate must be valid at (a test of an expired one starts it in the past)
     */
    TlsRuntime runtime(final String nodeId, final Path caFile, final Instant at) {
        final TlsRuntime r = TlsRuntime.start(settings(nodeId, caFile), at);
        runtimes.add(r);
        return r;
    }

    TlsSettings settings(final String nodeId, final Path caFile) {
        return new TlsSettings(true, nodeId, CaFiles.nodeCert(dir, nodeId), CaFiles.nodeKey(dir, nodeId), caFile,
            new char[0], List.of("TLSv1.3"), SUITES, Duration.ofSeconds(2), Duration.ofDays(14));
    }

    /** @return the SHA-256 fingerprint of a node's certificate file, as the tls bundle shows it */
    String fingerprintOf(final String nodeId) {
        return TlsMaterial.fingerprint(Pem.readCertificates(CaFiles.nodeCert(dir, nodeId)).get(0));
    }

    /**
     * A TLS 1.3 client of the JDK's own provider: trusts this CA; presents {@code nodeId}'s certificate, or none
     * when it is {@code null}.
     */
    SSLSocket sunClient(final String nodeId, final int port) throws Exception {
        final SSLSocket socket = (SSLSocket) sunContext(nodeId).getSocketFactory().createSocket("127.0.0.1", port);
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(10_000);
        return socket;
    }

    /**
     * @param nodeId whose certificate and key to present, or {@code null} for none
     * @return a TLS 1.3 context of the JDK's own provider (SunJSSE) that trusts this CA
     */
    SSLContext sunContext(final String nodeId) throws Exception {
        return sunContext(dir.resolve(CaFiles.CA_CERT), nodeId == null ? null : CaFiles.nodeCert(dir, nodeId),
            nodeId == null ? null : CaFiles.nodeKey(dir, nodeId), false);
    }

    /**
     * @param trustPem the CAs it trusts
     * @param certPem the certificate it presents, or {@code null} for none
     * @param keyPem its key
     * @param anyIssuer present it even when the server asks for certificates of other CAs (a stack that checks
     *     nothing of the request, which a server must refuse on its own)
     * @return a TLS 1.3 context of the JDK's own provider (SunJSSE)
     */
    static SSLContext sunContext(final Path trustPem, final Path certPem, final Path keyPem,
                                 final boolean anyIssuer) throws Exception {
        final SSLContext context = SSLContext.getInstance("TLSv1.3");
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int i = 0;
        for (final Certificate c : jdkCertificates(trustPem)) {
            trusted.setCertificateEntry("ca" + i++, c);
        }
        trust.init(trusted);
        KeyManager[] keys = null;
        if (certPem != null) {
            final KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            // Re-read with the JDK's own factories, so that nothing of Bouncy Castle is in this client.
            final PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                Pem.readPrivateKey(keyPem, new char[0]).getEncoded()));
            own.setKeyEntry("node", key, "x".toCharArray(), jdkCertificates(certPem).toArray(new Certificate[0]));
            final KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(own, "x".toCharArray());
            keys = factory.getKeyManagers();
            if (anyIssuer) {
                keys = new KeyManager[] {new AnyIssuer((X509ExtendedKeyManager) keys[0])};
            }
        }
        context.init(keys, trust.getTrustManagers(), null);
        if (!"SunJSSE".equals(context.getProvider().getName())) {
            throw new IllegalStateException("not the JDK's own TLS: " + context.getProvider());
        }
        return context;
    }

    /** Offers its one certificate whatever CAs the server asks for. */
    private static final class AnyIssuer extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        AnyIssuer(final X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(final String[] keyType, final Principal[] issuers,
                                              final SSLEngine engine) {
            return "node";
        }

        @Override
        public String chooseClientAlias(final String[] keyType, final Principal[] issuers, final Socket socket) {
            return "node";
        }

        @Override
        public String[] getClientAliases(final String keyType, final Principal[] issuers) {
            return new String[] {"node"};
        }

        @Override
        public String[] getServerAliases(final String keyType, final Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(final String keyType, final Principal[] issuers, final Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(final String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(final String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private static List<Certificate> jdkCertificates(final Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    /** @return the SHA-256 fingerprint of a certificate a client saw */
    static String fingerprint(final Certificate certificate) {
        return TlsMaterial.fingerprint((X509Certificate) certificate);
    }

    @Override
    public void close() {
        runtimes.forEach(TlsRuntime::stop);
    }
}
