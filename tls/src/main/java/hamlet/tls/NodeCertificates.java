package hamlet.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How a certificate names a node: one URI subject alternative name {@code urn:hamlet:node:<id>}. A URI, not the
 * common name or a DNS name, so that a node id can never be mistaken for a host name (or the other way round) by any
 * TLS stack or tool. Stateless.
 */
public final class NodeCertificates {
    /** The prefix of the URI name that carries the node id. */
    public static final String NODE_URI_PREFIX = "urn:hamlet:node:";
    private static final int URI_NAME = 6;

    private NodeCertificates() {
    }

    /**
     * @param nodeId a node id
     * @return the URI name a certificate for it carries
     */
    public static String uriOf(final String nodeId) {
        return NODE_URI_PREFIX + nodeId;
    }

    /**
     * @param certificate a peer's own (leaf) certificate
     * @return the node id it names
     * @throws IllegalArgumentException when it names no node id, or more than one
     */
    public static String nodeIdOf(final X509Certificate certificate) {
        final List<String> ids = new ArrayList<>(1);
        final Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (final CertificateParsingException e) {
            throw new IllegalArgumentException("its subject alternative names cannot be read: " + e.getMessage(), e);
        }
        if (names != null) {
            for (final List<?> name : names) {
                if (name.size() >= 2 && Integer.valueOf(URI_NAME).equals(name.get(0))
                    && name.get(1) instanceof String && ((String) name.get(1)).startsWith(NODE_URI_PREFIX)) {
                    ids.add(((String) name.get(1)).substring(NODE_URI_PREFIX.length()));
                }
            }
        }
        if (ids.size() != 1) {
            throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal().getName()
                + (ids.isEmpty() ? " names no node (no subject alternative name " + NODE_URI_PREFIX + "<id>)"
                : " names " + ids.size() + " nodes " + ids + ", not one"));
        }
        return ids.get(0);
    }

    /**
     * @param chain a peer's chain as a TLS session gives it, leaf first; may be {@code null} or empty
     * @return the node id its leaf names
     * @throws IllegalArgumentException when there is no certificate, or it names no single node
     */
    public static String nodeIdOf(final java.security.cert.Certificate[] chain) {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            throw new IllegalArgumentException("the peer presented no X.509 certificate");
        }
        return nodeIdOf((X509Certificate) chain[0]);
    }
}
