package hamlet.tls.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsSettingsValidatorTest {
    @TempDir
    Path conf;

    private static Config config(final String text) {
        return ConfigFactory.parseString(text).withFallback(ConfigFactory.parseResources(
            TlsSettingsValidatorTest.class.getClassLoader(), "reference.conf")).resolve();
    }

    @Test
    void withTlsOnTheFilesInTheConfigFolderAreChecked() throws Exception {
        final TlsSettingsValidator validator = new TlsSettingsValidator();
        final Config on = config("hamlet { node.id = node1, tls.enabled = true }");
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> validator.validate(on, conf));
        assertTrue(missing.getMessage().contains("node1.crt does not exist")
            && missing.getMessage().contains("bin/hamlet certs node node1"), missing.getMessage());
        final TlsFixture f = new TlsFixture(conf.resolve("tls"));
        f.node("node1");
        assertDoesNotThrow(() -> validator.validate(on, conf));
        f.node("node2");
        final IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> validator.validate(
            config("hamlet { node.id = node1, tls { enabled = true, cert = tls/node2.crt, key = tls/node2.key } }"),
            conf));
        assertTrue(other.getMessage().contains("not of this node 'node1'"), other.getMessage());
    }

    @Test
    void withTlsOffOnlyTheKeysAreChecked() {
        final TlsSettingsValidator validator = new TlsSettingsValidator();
        assertDoesNotThrow(() -> validator.validate(config("hamlet.node.id = node1"), conf));
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> validator.validate(config("hamlet { node.id = node1, tls.protocols = [SSLv3] }"), conf));
        assertTrue(bad.getMessage().contains("hamlet.tls.protocols"), bad.getMessage());
    }

    @Test
    void tls12WithoutATls12SuiteIsRefused() {
        final TlsSettingsValidator validator = new TlsSettingsValidator();
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> validator.validate(
            config("hamlet { node.id = node1, tls.protocols = [TLSv1.2] }"), conf));
        assertTrue(bad.getMessage().contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), bad.getMessage());
        assertDoesNotThrow(() -> validator.validate(config("hamlet { node.id = node1, tls { protocols = [TLSv1.3,"
            + " TLSv1.2], cipher-suites = [TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] } }"),
            conf));
    }
}
