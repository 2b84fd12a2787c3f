package hamlet.tls.internal;

import hamlet.tls.CertificateInfo;
import hamlet.tls.ca.CaFiles;
import hamlet.tls.ca.CertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsMaterialTest {
    @TempDir
    Path dir;

    @Test
    void aGoodSetLoadsWithTheNodeFirstThenTheCas() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        final TlsMaterial m = TlsMaterial.load(f.settings("node1"), Instant.now());
        assertEquals(CertificateInfo.NODE, m.certificates().get(0).role());
        assertEquals(CertificateInfo.CA, m.certificates().get(1).role());
        assertTrue(m.certificates().get(0).names().contains("urn:hamlet:node:node1"));
        assertEquals(95, m.certificates().get(0).sha256().length());
    }

    @Test
    void anotherNodesCertificateIsRefused() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node2");
        final TlsSettings s = f.settings("node2");
        final TlsSettings asNode1 = new TlsSettings(true, "node1", s.cert(), s.key(), s.ca(), new char[0],
            s.protocols(), s.cipherSuites(), s.checkInterval(), s.warnBefore());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TlsMaterial.load(asNode1, Instant.now()));
        assertTrue(e.getMessage().contains("of node 'node2', not of this node 'node1'"), e.getMessage());
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        CaFiles.issueNode(f.ca, dir, "old", List.of(), Instant.now().minus(Duration.ofDays(3)),
            Instant.now().minus(Duration.ofDays(1)), false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsMaterial.load(f.settings("old"),
            Instant.now())).getMessage().contains("expired"));
        CaFiles.issueNode(f.ca, dir, "early", List.of(), Instant.now().plus(Duration.ofDays(1)),
            Instant.now().plus(Duration.ofDays(3)), false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsMaterial.load(f.settings("early"),
            Instant.now())).getMessage().contains("not valid before"));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        f.node("node1");
        f.node("node2");
        Files.copy(CaFiles.nodeKey(dir, "node2"), CaFiles.nodeKey(dir, "node1"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsMaterial.load(f.settings("node1"),
            Instant.now())).getMessage().contains("is not the key of"));
    }

    @Test
    void aCertificateOfAnotherCaIsRefused() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        final CertificateAuthority other = CertificateAuthority.create("other", Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)));
        CaFiles.issueNode(other, dir, "node1", List.of(), Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)), false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsMaterial.load(f.settings("node1"),
            Instant.now())).getMessage().contains("is not issued by a CA in"));
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        final TlsFixture f = new TlsFixture(dir);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TlsMaterial.load(f.settings("node9"), Instant.now()));
        assertTrue(e.getMessage().contains("node9.crt does not exist"), e.getMessage());
    }
}
