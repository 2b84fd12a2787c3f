package hamlet.shell.internal;

import hamlet.config.ConfigStatus;
import hamlet.testkit.FakeConfigStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void shouldSayWhenConfigServiceIsAbsent() {
        assertEquals("config:show: the config service is not available: the hamlet.config bundle is not running or"
                + " has not loaded the config yet",
            assertThrows(CommandException.class, () -> new ConfigCommands(() -> null).show()).getMessage());
    }
}
