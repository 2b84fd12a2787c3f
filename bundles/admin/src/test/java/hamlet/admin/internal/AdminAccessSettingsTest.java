package hamlet.admin.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may reach the API, as the validator decides it before anything is applied: a token off loopback, HTTPS only
 * with TLS, a token file that can be read; and the token never in a message.
 */
class AdminAccessSettingsTest {
    private static final String TOKEN = "s3cr3t-Tok3n";

    @TempDir
    Path confDir;

    private final AdminSettingsValidator validator = new AdminSettingsValidator();

    private static Config config(final String hocon) {
        return ConfigFactory.parseString(hocon)
            .withFallback(ConfigFactory.parseResources(AdminAccessSettingsTest.class.getClassLoader(),
                "reference.conf"))
            .resolve();
    }

    private String refused(final String hocon) {
        return assertThrows(IllegalArgumentException.class, () -> validator.validate(config(hocon), confDir))
            .getMessage();
    }

    private void accepted(final String hocon) {
        assertDoesNotThrow(() -> validator.validate(config(hocon), confDir));
    }

    @Test
    void shouldRefuseHostOffLoopbackWithoutTokenNamingHostAndToken() {
        assertEquals("hamlet.admin.host is 0.0.0.0, not a loopback address, and neither hamlet.admin.token nor"
                + " hamlet.admin.token-file is set: the API can spawn and stop actors, so off this machine every"
                + " request must carry a bearer token; set one, or keep hamlet.admin.host = 127.0.0.1",
            refused("hamlet.admin.host = 0.0.0.0"));
        assertTrue(refused("hamlet.admin.host = \"10.0.0.5\"").startsWith("hamlet.admin.host is 10.0.0.5, not a"));
        accepted("hamlet.admin { host = 0.0.0.0, token = \"" + TOKEN + "\" }");
        accepted("hamlet.admin { host = localhost }");
    }

    @Test
    void shouldTellLoopbackHostsFromAllOthersWithoutLookingNamesUp() {
        for (final String loopback : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "LocalHost", "::1",
            "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
            assertTrue(AdminSettings.isLoopback(loopback), loopback);
        }
        for (final String other : new String[] {"0.0.0.0", "::", "[::]", "10.0.0.1", "128.0.0.1", "192.168.1.7",
            "example.com", "127.0.0.1.nip.io", "localhost.example", "fe80::1"}) {
            assertFalse(AdminSettings.isLoopback(other), other);
        }
    }

    @Test
    void shouldRefuseHttpsWithoutTlsNamingBothKeys() {
        assertEquals("hamlet.admin.https = true needs hamlet.tls.enabled = true: the API serves HTTPS with the"
                + " node's certificate from the tls bundle (set both, or hamlet.admin.https = false)",
            refused("hamlet.admin.https = true"));
        assertTrue(refused("hamlet { admin.https = true, tls.enabled = false }").contains("hamlet.tls.enabled"));
        accepted("hamlet { admin.https = true, tls.enabled = true }");
    }

    @Test
    void shouldReadTheTokenFileRelativeToTheConfigFolder() throws IOException {
        Files.writeString(confDir.resolve("admin.token"), TOKEN + "\n");
        accepted("hamlet.admin { host = 0.0.0.0, token-file = admin.token }");
        assertEquals(TOKEN, TokenFile.read(confDir, "admin.token"), "without the editor's newline");
        assertEquals(TOKEN, TokenFile.read(confDir, confDir.resolve("admin.token").toString()), "absolute too");
    }

    @Test
    void shouldRefuseATokenFileThatIsMissingEmptyOrNotOne() throws IOException {
        final Path missing = confDir.resolve("missing.token");
        assertEquals("hamlet.admin.token-file = missing.token: " + missing + " does not exist (it must hold the"
            + " admin API's bearer token)", refused("hamlet.admin.token-file = missing.token"));
        Files.writeString(confDir.resolve("empty.token"), " \n");
        assertTrue(refused("hamlet.admin.token-file = empty.token").endsWith(" is empty: it must hold the admin"
            + " API's bearer token"));
        Files.createDirectory(confDir.resolve("dir.token"));
        assertTrue(refused("hamlet.admin.token-file = dir.token").endsWith(" is not a regular file (it must hold"
            + " the admin API's bearer token)"));
        Files.write(confDir.resolve("big.token"), new byte[TokenFile.MAX_BYTES + 1]);
        assertTrue(refused("hamlet.admin.token-file = big.token").contains(" is larger than 4096 bytes"));
        Files.writeString(confDir.resolve("two.token"), "s3cr3t Tok3n\n");
        final String twoWords = refused("hamlet.admin.token-file = two.token");
        assertTrue(twoWords.endsWith("the content is not shown"), twoWords);
        assertFalse(twoWords.contains("s3cr3t"), twoWords);
    }

    @Test
    void shouldRefuseTokenAndTokenFileTogether() throws IOException {
        Files.writeString(confDir.resolve("admin.token"), TOKEN);
        assertEquals("hamlet.admin.token and hamlet.admin.token-file are both set: set one of them",
            refused("hamlet.admin { token = \"" + TOKEN + "\", token-file = admin.token }"));
    }

    @Test
    void shouldNeverShowTheTokenInAMessageOrInTheSettings() {
        final String message = refused("hamlet.admin.token = \"s3cr3t Tok3n\"");
        assertEquals("hamlet.admin.token must be printable ASCII without spaces (it is sent in an HTTP header); the"
            + " value is not shown", message);
        final AdminSettings settings = AdminSettings.from(config("hamlet.admin.token = \"" + TOKEN + "\""));
        assertFalse(settings.toString().contains(TOKEN), settings.toString());
        assertTrue(settings.toString().contains("token=<redacted>"), settings.toString());
    }
}
