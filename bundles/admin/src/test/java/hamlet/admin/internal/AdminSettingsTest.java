package hamlet.admin.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import hamlet.config.Sections;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminSettingsTest {
    private static Config withReference(final String hocon) {
        return ConfigFactory.parseString(hocon)
            .withFallback(ConfigFactory.parseResources(AdminSettingsTest.class.getClassLoader(), "reference.conf"))
            .resolve();
    }

    private static String refused(final String hocon) {
        return assertThrows(IllegalArgumentException.class, () -> AdminSettings.from(withReference(hocon)))
            .getMessage();
    }

    @Test
    void shouldReadDocumentedDefaultsFromReferenceConf() {
        final AdminSettings settings = AdminSettings.from(withReference(""));
        assertEquals(new AdminSettings("127.0.0.1", 7780, 1024 * 1024, 5_000, 60_000), settings);
    }

    @Test
    void shouldReadConfigurationAdminPropertiesOverDefaults() {
        final Config config = Sections.fromProperties(Map.of("hamlet.admin.port", 8080, "hamlet.admin.host",
            "0.0.0.0", "hamlet.admin.token", "s3cr3t-Tok3n", "hamlet.admin.max-body", "64KiB", "service.pid",
            "hamlet.admin"), AdminSettingsTest.class.getClassLoader());
        final AdminSettings settings = AdminSettings.from(config);
        assertEquals(8080, settings.port());
        assertEquals("0.0.0.0", settings.host());
        assertEquals("s3cr3t-Tok3n", settings.token());
        assertEquals(64 * 1024, settings.maxBodyBytes());
        assertEquals(5_000, settings.askTimeoutMs());
    }

    @Test
    void shouldRefusePortOutOfRangeNamingTheKey() {
        assertEquals("hamlet.admin.port must be between 0 and 65535, got 70000",
            refused("hamlet.admin.port = 70000"));
        assertEquals("hamlet.admin.port must be between 0 and 65535, got -1", refused("hamlet.admin.port = -1"));
    }

    @Test
    void shouldRefuseWrongTypeNamingTheKey() {
        final String message = refused("hamlet.admin.port = seven");
        assertTrue(message.startsWith("hamlet.admin.port is invalid: "), message);
        assertTrue(refused("hamlet.admin.ask-timeout = soon").startsWith("hamlet.admin.ask-timeout is invalid"));
        assertTrue(refused("hamlet.admin.max-body = big").startsWith("hamlet.admin.max-body is invalid"));
    }

    @Test
    void shouldRefuseUnknownKey() {
        assertEquals("hamlet.admin.prot is not a known key; known keys of hamlet.admin: host, port, max-body,"
            + " ask-timeout, max-ask-timeout, token, token-file, https", refused("hamlet.admin.prot = 1"));
    }

    @Test
    void shouldRefuseBadHostAndSizes() {
        assertEquals("hamlet.admin.host must be a host name or IP address, got 'my host'",
            refused("hamlet.admin.host = \"my host\""));
        assertEquals("hamlet.admin.host must be a host name or IP address, got ''",
            refused("hamlet.admin.host = \"\""));
        assertEquals("hamlet.admin.max-body must be between 1 and 67108864 bytes, got 0",
            refused("hamlet.admin.max-body = 0"));
        assertEquals("hamlet.admin.max-body must be between 1 and 67108864 bytes, got 1073741824",
            refused("hamlet.admin.max-body = 1GiB"));
    }

    @Test
    void shouldRefuseAskTimeoutAboveItsMaximum() {
        assertEquals("hamlet.admin.ask-timeout must be between 1ms and hamlet.admin.max-ask-timeout (2000ms),"
            + " got 5000ms", refused("hamlet.admin.max-ask-timeout = 2s"));
        assertEquals("hamlet.admin.max-ask-timeout must be between 1ms and 600000ms, got 3600000ms",
            refused("hamlet.admin.max-ask-timeout = 1h"));
        assertEquals("hamlet.admin.ask-timeout must be between 1ms and hamlet.admin.max-ask-timeout (60000ms),"
            + " got 0ms", refused("hamlet.admin.ask-timeout = 0s"));
    }

    @Test
    void shouldRebindOnlyWhenHostPortOrHttpsChanges() {
        final AdminSettings base = AdminSettings.localTest();
        assertFalse(base.bindsElsewhere(new AdminSettings("127.0.0.1", 0, 10, 1, 1)));
        assertFalse(base.bindsElsewhere(new AdminSettings("127.0.0.1", 0, 10, 1, 1, "t", "", false)));
        assertTrue(base.bindsElsewhere(new AdminSettings("127.0.0.1", 1, 10, 1, 1)));
        assertTrue(base.bindsElsewhere(new AdminSettings("localhost", 0, 10, 1, 1)));
        assertTrue(base.bindsElsewhere(new AdminSettings("127.0.0.1", 0, 10, 1, 1, "", "", true)));
    }

    @Test
    void shouldValidateProposedConfigThroughTheValidatorService() {
        final AdminSettingsValidator validator = new AdminSettingsValidator();
        assertDoesNotThrow(() -> validator.validate(withReference("hamlet.admin.port = 9000")));
        assertEquals("hamlet.admin.port must be between 0 and 65535, got 65536",
            assertThrows(IllegalArgumentException.class,
                () -> validator.validate(withReference("hamlet.admin.port = 65536"))).getMessage());
    }
}
