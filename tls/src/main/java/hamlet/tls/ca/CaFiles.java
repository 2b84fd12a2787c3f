package hamlet.tls.ca;

import hamlet.tls.internal.Pem;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Where the cluster CA and the node certificates live on disk, and writing them there; what {@code bin/hamlet
 * certs} does, also used by tests. The layout under a TLS folder ({@code conf/tls} by default):
 * <pre>
 *   ca/ca.key     the CA's private key, mode 600, in a folder of mode 700: it never leaves this machine
 *   ca/ca.crt     the CA's certificate
 *   ca.crt        the CA bundle nodes trust: the CA's certificate (during a CA rollover, the old and the new one)
 *   NODE.crt      a node's certificate, NODE.key its key (mode 600): what the node with id NODE loads by default
 * </pre>
 * Nothing existing is overwritten, except a node's pair when renewal is asked for. Stateless.
 */
public final class CaFiles {
    /** The CA's own folder under the TLS folder. */
    public static final String CA_DIR = "ca";
    /** The CA's key and certificate file names in {@link #CA_DIR}. */
    public static final String CA_KEY = "ca.key";
    /** The CA's certificate; also the name of the trusted bundle in the TLS folder. */
    public static final String CA_CERT = "ca.crt";

    private CaFiles() {
    }

    /**
     * @param tlsDir the TLS folder
     * @param nodeId a node id
     * @return its certificate file there
     */
    public static Path nodeCert(final Path tlsDir, final String nodeId) {
        return tlsDir.resolve(nodeId + ".crt");
    }

    /**
     * @param tlsDir the TLS folder
     * @param nodeId a node id
     * @return its key file there
     */
    public static Path nodeKey(final Path tlsDir, final String nodeId) {
        return tlsDir.resolve(nodeId + ".key");
    }

    /**
     * Creates the cluster CA in {@code tlsDir/ca/} and the trusted bundle {@code tlsDir/ca.crt}.
     *
     * @param tlsDir the TLS folder
     * @param name the CA's name, e.g. the cluster's
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return the new CA
     * @throws IOException when a file cannot be written, or a CA already exists there
     */
    public static CertificateAuthority init(final Path tlsDir, final String name, final Instant notBefore,
                                            final Instant notAfter) throws IOException {
        final Path caDir = tlsDir.resolve(CA_DIR);
        if (Files.exists(caDir.resolve(CA_KEY)) || Files.exists(caDir.resolve(CA_CERT))) {
            throw new FileAlreadyExistsException(caDir.resolve(CA_KEY).toString(), null,
                "a cluster CA already exists there; it is kept as it is");
        }
        final CertificateAuthority ca = CertificateAuthority.create(name, notBefore, notAfter);
        Files.createDirectories(caDir);
        try {
            Files.setPosixFilePermissions(caDir, PosixFilePermissions.fromString("rwx------"));
        } catch (final UnsupportedOperationException ignored) {
            // Not a POSIX file system: the key file's own mode is all there is.
        }
        Pem.write(caDir.resolve(CA_KEY), Pem.encode(ca.key()), true, false);
        Pem.write(caDir.resolve(CA_CERT), Pem.encode(ca.certificate()), false, false);
        if (!Files.exists(tlsDir.resolve(CA_CERT))) {
            Pem.write(tlsDir.resolve(CA_CERT), Pem.encode(ca.certificate()), false, false);
        }
        return ca;
    }

    /**
     * @param tlsDir the TLS folder
     * @return the CA that {@link #init} made there
     * @throws IllegalArgumentException when it is missing or cannot be read, saying which
     */
    public static CertificateAuthority load(final Path tlsDir) {
        final Path caDir = tlsDir.resolve(CA_DIR);
        if (!Files.exists(caDir.resolve(CA_KEY))) {
            throw new IllegalArgumentException("no cluster CA in " + caDir + " (" + CA_KEY + " is missing):"
                + " create one first with: bin/hamlet certs init");
        }
        final PrivateKey key = Pem.readPrivateKey(caDir.resolve(CA_KEY), new char[0]);
        final List<X509Certificate> certs = Pem.readCertificates(caDir.resolve(CA_CERT));
        return new CertificateAuthority(certs.get(0), key);
    }

    /**
     * Issues a node certificate and writes it with its key into {@code outDir}, and the CA bundle beside them when
     * that folder has none.
     *
     * @param ca the CA
     * @param outDir where to write
     * @param nodeId the node
     * @param hosts its host names and addresses
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @param renew true to replace an existing pair (the watching node picks the new one up)
     * @return what was issued
     * @throws IOException when a file cannot be written, or exists and {@code renew} is false
     */
    public static CertificateAuthority.Issued issueNode(final CertificateAuthority ca, final Path outDir,
                                                        final String nodeId, final List<String> hosts,
                                                        final Instant notBefore, final Instant notAfter,
                                                        final boolean renew) throws IOException {
        CertificateAuthority.checkNodeId(nodeId);
        final Path cert = nodeCert(outDir, nodeId);
        final Path key = nodeKey(outDir, nodeId);
        if (!renew && (Files.exists(cert) || Files.exists(key))) {
            throw new FileAlreadyExistsException(cert.toString(), null,
                "node " + nodeId + " already has a certificate there; it is kept as it is (--renew replaces it)");
        }
        final CertificateAuthority.Issued issued = ca.issueNode(nodeId, hosts, notBefore, notAfter);
        // The key first: a node that reads between the two moves sees a key that does not match its certificate
        // and keeps what it has until the next check finds the pair complete.
        Pem.write(key, Pem.encode(issued.key()), true, renew);
        Pem.write(cert, Pem.encode(issued.certificate()), false, renew);
        if (!Files.exists(outDir.resolve(CA_CERT))) {
            Pem.write(outDir.resolve(CA_CERT), Pem.encode(ca.certificate()), false, false);
        }
        return issued;
    }
}
