package hamlet.tls.ca;

import hamlet.tls.NodeCertificates;
import hamlet.tls.internal.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertsMainTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int certs(final String... args) {
        out.reset();
        err.reset();
        final String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new CertsMain(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Instant.now()).run(all);
    }

    private Path tls() {
        return home.resolve("conf/tls");
    }

    @Test
    void initCreatesTheCaWithItsKeyReadableByItsOwnerOnly() throws Exception {
        assertEquals(0, certs("init"), err.toString());
        final Path key = tls().resolve("ca/ca.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls().resolve("ca"))));
        final X509Certificate ca = Pem.readCertificates(tls().resolve("ca.crt")).get(0);
        assertTrue(ca.getBasicConstraints() >= 0, "the trusted bundle holds a CA certificate");
        assertTrue(out.toString().contains("never copy it to a node"), out.toString());
    }

    @Test
    void initRefusesToReplaceAnExistingCa() throws Exception {
        assertEquals(0, certs("init"));
        final byte[] before = Files.readAllBytes(tls().resolve("ca/ca.key"));
        assertEquals(1, certs("init"));
        assertTrue(err.toString().contains("exists"), err.toString());
        assertArrayEquals(before, Files.readAllBytes(tls().resolve("ca/ca.key")), "the CA key is untouched");
    }

    @Test
    void nodeIssuesACertificateNamingTheNodeAndItsHosts() throws Exception {
        assertEquals(0, certs("init"));
        assertEquals(0, certs("node", "node1", "--host", "node1.example", "--host", "10.0.0.1"), err.toString());
        final X509Certificate cert = Pem.readCertificates(tls().resolve("node1.crt")).get(0);
        assertEquals("node1", NodeCertificates.nodeIdOf(cert));
        final String names = String.valueOf(cert.getSubjectAlternativeNames());
        assertTrue(names.contains("node1.example") && names.contains("10.0.0.1"), names);
        assertEquals("rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(tls().resolve("node1.key"))));
        cert.verify(Pem.readCertificates(tls().resolve("ca.crt")).get(0).getPublicKey(), Pem.BC);
        assertFalse(Files.exists(tls().resolve("node1").resolve("ca.key")));
    }

    @Test
    void nodeWithoutHostsNamesLoopback() throws Exception {
        assertEquals(0, certs("init"));
        assertEquals(0, certs("node", "node2"));
        final String names = String.valueOf(Pem.readCertificates(tls().resolve("node2.crt")).get(0)
            .getSubjectAlternativeNames());
        assertTrue(names.contains("localhost") && names.contains("127.0.0.1"), names);
    }

    @Test
    void nodeRefusesWithoutACaABadIdABadHostAndAnExistingPair() throws Exception {
        assertEquals(1, certs("node", "node1"));
        assertTrue(err.toString().contains("certs init"), err.toString());
        assertEquals(0, certs("init"));
        assertEquals(1, certs("node", "no/de"));
        assertTrue(err.toString().contains("not a node id"), err.toString());
        assertEquals(1, certs("node", "node1", "--host", "bad host!"));
        assertTrue(err.toString().contains("not a host name"), err.toString());
        assertFalse(Files.exists(tls().resolve("node1.crt")), "nothing written for a refused host");
        assertEquals(0, certs("node", "node1"));
        final byte[] before = Files.readAllBytes(tls().resolve("node1.crt"));
        assertEquals(1, certs("node", "node1"));
        assertTrue(err.toString().contains("--renew"), err.toString());
        assertArrayEquals(before, Files.readAllBytes(tls().resolve("node1.crt")));
    }

    @Test
    void renewReplacesThePair() throws Exception {
        assertEquals(0, certs("init"));
        assertEquals(0, certs("node", "node1"));
        final byte[] before = Files.readAllBytes(tls().resolve("node1.crt"));
        assertEquals(0, certs("node", "node1", "--renew"));
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(tls().resolve("node1.crt"))));
    }

    @Test
    void outWritesElsewhereWithTheCaBundle() throws Exception {
        assertEquals(0, certs("init"));
        final Path other = home.resolve("node3-files");
        assertEquals(0, certs("node", "node3", "--out", other.toString()));
        assertTrue(Files.exists(other.resolve("node3.crt")) && Files.exists(other.resolve("node3.key"))
            && Files.exists(other.resolve("ca.crt")));
        assertFalse(Files.exists(other.resolve("ca")), "the CA key never goes to a node's folder");
    }

    @Test
    void anUnreadableCaKeyIsAClearError() throws Exception {
        assertEquals(0, certs("init"));
        Files.writeString(tls().resolve("ca/ca.key"), "not a key");
        assertEquals(1, certs("node", "node1"));
        assertTrue(err.toString().contains("ca.key"), err.toString());
    }

    @Test
    void showPrintsSubjectNamesValidityAndFingerprint() throws Exception {
        assertEquals(0, certs("init"));
        assertEquals(0, certs("node", "node1"));
        assertEquals(0, certs("show", tls().resolve("node1.crt").toString()));
        final String shown = out.toString();
        for (final String expected : List.of("CN=node1", "urn:hamlet:node:node1", "node:        node1", "valid,",
            "SHA-256:")) {
            assertTrue(shown.contains(expected), expected + " in " + shown);
        }
        assertEquals(1, certs("show", home.resolve("missing.crt").toString()));
        assertTrue(err.toString().contains("does not exist"), err.toString());
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, certs("frobnicate"));
        assertEquals(2, certs("node"));
        assertEquals(2, certs("init", "--days", "zero"));
        assertNotEquals(0, certs());
    }
}
