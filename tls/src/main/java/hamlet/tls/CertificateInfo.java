package hamlet.tls;

import java.time.Instant;
import java.util.List;

/**
 * What an operator needs to know of one certificate in use, for {@code GET /api/node}.
 *
 * @param role {@code node} (this node's own) or {@code ca} (a trusted CA)
 * @param subject the subject's distinguished name, e.g. {@code CN=node1,O=Hamlet}
 * @param names the subject alternative names, e.g. {@code urn:hamlet:node:node1}, {@code localhost},
 *     {@code 127.0.0.1}
 * @param sha256 the SHA-256 fingerprint of the encoded certificate, upper-case hex pairs joined by {@code :}
 * @param notBefore when it becomes valid
 * @param notAfter when it expires
 * @param file the file it was read from
 */
public record CertificateInfo(String role, String subject, List<String> names, String sha256, Instant notBefore,
                              Instant notAfter, String file) {
    /** Role of this node's own certificate. */
    public static final String NODE = "node";
    /** Role of a trusted CA's certificate. */
    public static final String CA = "ca";
}
