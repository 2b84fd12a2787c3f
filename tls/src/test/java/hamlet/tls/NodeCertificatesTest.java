package hamlet.tls;

import hamlet.tls.ca.CertificateAuthority;
import org.junit.jupiter.api.Test;

import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeCertificatesTest {
    @Test
    void aNodeCertificateNamesItsNodeAndACaNamesNone() {
        final CertificateAuthority ca = CertificateAuthority.create("t", Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)));
        final CertificateAuthority.Issued node = ca.issueNode("node-7", List.of("db.example", "::1"),
            Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)));
        assertEquals("node-7", NodeCertificates.nodeIdOf(node.certificate()));
        assertEquals("node-7", NodeCertificates.nodeIdOf(new Certificate[] {node.certificate()}));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeCertificates.nodeIdOf(ca.certificate()))
            .getMessage().contains("names no node"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeCertificates.nodeIdOf(new Certificate[0]))
            .getMessage().contains("no X.509 certificate"));
    }

    @Test
    void badNodeIdsAndHostsAreRefusedBeforeAnythingIsSigned() {
        final CertificateAuthority ca = CertificateAuthority.create("t", Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)));
        final Instant from = Instant.now();
        final Instant to = from.plusSeconds(60);
        assertThrows(IllegalArgumentException.class, () -> ca.issueNode("-node", List.of(), from, to));
        assertThrows(IllegalArgumentException.class, () -> ca.issueNode("node:1", List.of(), from, to));
        assertThrows(IllegalArgumentException.class, () -> ca.issueNode("node1", List.of("a b"), from, to));
        assertThrows(IllegalArgumentException.class, () -> ca.issueNode("node1", List.of(), to, from));
    }
}
