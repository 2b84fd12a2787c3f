package hamlet.shell.internal;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import hamlet.config.ConfigStatus;
import hamlet.config.Secrets;
import hamlet.testkit.FakeConfigStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigCommandsTest {
    private static ConfigStatus status(final ConfigStatus.Rejection rejection) {
        return new FakeConfigStatus("hamlet {\n    # node.conf: 3\n    admin { port = 7780 }\n}",
            "{\"admin\":{\"port\":7780}}", 2).reject(rejection);
    }

    @Test
    void shouldShowConfigInForceWhenLastEditWasApplied() {
        assertEquals(""
                + "file:          /opt/hamlet/conf/node.conf\n"
                + "applied:       2026-01-02T03:04:05Z (2 edits applied since start, counting the first load)\n"
                + "refused:       0 edits since start\n"
                + "last edit:     applied\n"
                + "\n"
                + "config in force:\n"
                + "hamlet {\n    # node.conf: 3\n    admin { port = 7780 }\n}\n",
            new ConfigCommands(() -> status(null)).show());
    }

    @Test
    void shouldShowLastRefusalWithFileAndLine() {
        final String shown = new ConfigCommands(() -> status(new ConfigStatus.Rejection("/opt/hamlet/conf/node.conf",
            12, "hamlet.admin.port must be between 0 and 65535, got 70000", Instant.parse("2026-01-02T03:05:00Z"))))
            .show();
        assertEquals(""
                + "file:          /opt/hamlet/conf/node.conf\n"
                + "applied:       2026-01-02T03:04:05Z (2 edits applied since start, counting the first load)\n"
                + "refused:       1 edit since start\n"
                + "last refused:  /opt/hamlet/conf/node.conf:12: hamlet.admin.port must be between 0 and 65535,"
                + " got 70000\n"
                + "               at 2026-01-02T03:05:00Z; the config below stays in force until the file is fixed\n",
            shown.substring(0, shown.indexOf("\nconfig in force:")));
    }

    @Test
    void shouldLeaveOutUnknownLine() {
        final String shown = new ConfigCommands(() -> status(new ConfigStatus.Rejection("/etc/node.conf", -1,
            "unknown key hamlet.foo", Instant.parse("2026-01-02T03:05:00Z")))).show();
        assertEquals(true, shown.contains("last refused:  /etc/node.conf: unknown key hamlet.foo\n"), shown);
    }

    private static final String SECRETS = """
        hamlet {
          admin { host = 0.0.0.0, port = 7780, token = "s3cr3t-Tok3n", token-file = "" }
          tls { enabled = true, key-password = "pa55-w0rd", cert = "" }
          other { "client-secret" : "abc-xyz-123", password = "" }
        }
        """;

    /** The config in force as the config bundle renders it for config:show, the secrets redacted or not. */
    private static String rendered(final boolean redactedByTheConfigBundle) {
        final com.typesafe.config.Config config = ConfigFactory.parseString(SECRETS,
            ConfigParseOptions.defaults().setOriginDescription(FakeConfigStatus.FILE)).resolve();
        return (redactedByTheConfigBundle ? Secrets.redact(config) : config).root().render(ConfigRenderOptions
            .defaults().setJson(false).setComments(true).setOriginComments(true).setFormatted(true));
    }

    @Test
    void shouldNeverShowSecretsEvenFromAConfigServiceThatDoesNotRedactThem() {
        for (final boolean redacted : new boolean[] {true, false}) {
            final String shown = new ConfigCommands(() -> new FakeConfigStatus(rendered(redacted), "{}", 1)).show();
            assertFalse(shown.contains("s3cr3t-Tok3n"), shown);
            assertFalse(shown.contains("pa55-w0rd"), shown);
            assertFalse(shown.contains("abc-xyz-123"), shown);
            assertTrue(shown.contains("token=\"<redacted>\""), shown);
            assertTrue(shown.contains("key-password=\"<redacted>\""), shown);
            assertTrue(shown.contains("password=\"\""), "an unset secret shows as unset: " + shown);
            assertTrue(shown.contains("host=\"0.0.0.0\""), shown);
            assertTrue(shown.contains("# " + FakeConfigStatus.FILE + ": 2"), "where each value came from: " + shown);
        }
    }

    @Test
    void shouldSayWhenConfigServiceIsAbsent() {
        assertEquals("config:show: the config service is not available: the hamlet.config bundle is not running or"
                + " has not loaded the config yet",
            assertThrows(CommandException.class, () -> new ConfigCommands(() -> null).show()).getMessage());
    }
}
