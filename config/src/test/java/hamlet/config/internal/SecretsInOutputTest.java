package hamlet.config.internal;

import hamlet.config.Secrets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret leaves the config bundle: not in what config:show and GET /api/config print, not in a refusal, not in
 * any log line of a load, an edit, a refused edit or an override (slf4j-simple writes every level to
 * target/config-tests.log, see simplelogger.properties).
 */
class SecretsInOutputTest {
    private static final String TOKEN = "s3cr3t-Tok3n";
    private static final String PASSWORD = "pa55-w0rd";
    private static final Path LOG = Path.of("target", "config-tests.log");
    private static final String TLS_REFERENCE = """
        hamlet.tls {
          enabled = false
          key-password = ""
        }
        """;
    private static final String SECRET_FILE = """
        hamlet {
          admin { host = 0.0.0.0, token = "s3cr3t-Tok3n" }
          tls.key-password = "pa55-w0rd"
        }
        """;

    private static Harness harness() {
        final Harness h = new Harness();
        h.references.put(3, "hamlet.admin", Harness.ADMIN_REFERENCE + "hamlet.admin { token = \"\" }\n");
        h.references.put(5, "hamlet.tls", TLS_REFERENCE);
        return h;
    }

    private static long logSize() throws IOException {
        return Files.exists(LOG) ? Files.size(LOG) : 0;
    }

    private static String logSince(final long offset) throws IOException {
        final byte[] all = Files.readAllBytes(LOG);
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }

    private static void assertNoSecret(final String where, final String text) {
        assertFalse(text.contains(TOKEN), where + " shows the token: " + text);
        assertFalse(text.contains(PASSWORD), where + " shows the key password: " + text);
    }

    @Test
    void shouldShowSetSecretsRedactedAndUnsetOnesEmptyInTheConfigInForce() {
        final Harness h = harness();
        h.file.write(SECRET_FILE);
        h.start();

        assertEquals(TOKEN, h.lastPushOf("hamlet.admin").get("hamlet.admin.token"), "the owner gets the value");
        assertNoSecret("effective()", h.status().effective());
        assertNoSecret("effectiveJson()", h.status().effectiveJson());
        assertTrue(h.status().effectiveJson().contains("\"token\":\"" + Secrets.REDACTED + "\""),
            h.status().effectiveJson());
        assertTrue(h.status().effectiveJson().contains("\"key-password\":\"" + Secrets.REDACTED + "\""));
        assertTrue(h.status().effective().contains(Secrets.REDACTED), h.status().effective());

        h.file.write(SECRET_FILE.replace("tls.key-password = \"pa55-w0rd\"", ""));
        h.run(Duration.ofSeconds(1));
        assertTrue(h.status().effectiveJson().contains("\"key-password\":\"\""), "an unset secret shows as unset");
    }

    @Test
    void shouldLogNoSecretWhileLoadingApplyingAndRefusing() throws IOException {
        final long offset = logSize();
        final Harness h = harness();
        h.validators.add(new NamedValidator("admin", proposed -> {
            if (proposed.getString("hamlet.admin.host").equals("0.0.0.1")) {
                throw new IllegalArgumentException("hamlet.admin.host 0.0.0.1 is refused by the test");
            }
        }));
        h.file.write(SECRET_FILE);
        h.start();
        // Overrides win over the file, so they come with a second node of their own.
        harness().start(Map.of("HAMLET_ADMIN_TOKEN", TOKEN), Map.of("hamlet.tls.key-password", PASSWORD));
        // A mistyped secret, a refused edit, an unknown key beside a secret, a syntax error in a secret's line.
        for (final String edit : new String[] {
            SECRET_FILE.replace("token = \"s3cr3t-Tok3n\"", "token = [s3cr3t-Tok3n]"),
            SECRET_FILE.replace("0.0.0.0", "0.0.0.1"),
            SECRET_FILE.replace("token = ", "tokn = "),
            SECRET_FILE.replace("tls.key-password = \"pa55-w0rd\"", "tls.key-password = { pa55-w0rd }"),
            SECRET_FILE.replace("\"s3cr3t-Tok3n\"", "\"s3cr3t-Tok3n")}) {
            h.file.write(edit);
            h.run(Duration.ofSeconds(1));
            assertTrue(h.status().lastRejection().isPresent(), "refused: " + edit);
            assertNoSecret("the refusal of " + edit, h.status().lastRejection().get().message());
        }
        h.file.write(SECRET_FILE.replace("0.0.0.0", "127.0.0.1"));
        h.run(Duration.ofSeconds(1));
        assertTrue(h.status().lastRejection().isEmpty());
        assertEquals(5, h.status().rejectedCount());

        final String logged = logSince(offset);
        assertTrue(logged.contains("config applied"), "the lines of this test were captured: " + logged);
        assertTrue(logged.contains("config edit refused"), logged);
        assertNoSecret("the log", logged);
    }

    @Test
    void shouldNotShowABadSecretOverrideInItsProblemLine() throws IOException {
        final long offset = logSize();
        final Harness h = harness();
        h.references.put(6, "hamlet.extra", "hamlet.extra { api-secret { a = 1 } }\n");
        h.file.write("hamlet.node.id = node7\n");
        h.start(Map.of(), Map.of("hamlet.extra.api-secret", TOKEN));
        final String logged = logSince(offset);
        assertTrue(logged.contains("ignoring system property hamlet.extra.api-secret"), logged);
        assertNoSecret("the log", logged);
    }
}
