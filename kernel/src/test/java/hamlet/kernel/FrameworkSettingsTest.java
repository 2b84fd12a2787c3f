package hamlet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FrameworkSettingsTest {
    private static LaunchOptions options(final String... args) throws UsageException {
        return LaunchOptions.parse(List.of(args), Path.of("/opt/hamlet"));
    }

    @Test
    void shouldHandTheBundlesHomeConfAndDataAsFrameworkProperties() throws UsageException {
        final Map<String, String> p = FrameworkSettings.build(options("--conf", "/etc/n.conf", "--data", "/var/h"),
            true, 4);

        assertEquals("/opt/hamlet", p.get("hamlet.home"));
        assertEquals("/etc/n.conf", p.get("hamlet.conf.file"));
        assertEquals("/var/h", p.get("hamlet.data"));
        assertEquals("/var/h/felix-cache", p.get("org.osgi.framework.storage"));
        assertEquals("onFirstInit", p.get("org.osgi.framework.storage.clean"));
    }

    @Test
    void shouldWatchDeployAtTheLevelAboveTheSystemBundles() throws UsageException {
        final Map<String, String> p = FrameworkSettings.build(options("--deploy", "/srv/deploy"), true, 4);

        assertEquals("4", p.get("org.osgi.framework.startlevel.beginning"));
        assertEquals("4", p.get("felix.fileinstall.start.level"));
        assertEquals("/srv/deploy", p.get("felix.fileinstall.dir"));
        assertEquals("200", p.get("felix.fileinstall.poll"));
        assertEquals("false", p.get("felix.fileinstall.enableConfigSave"), "write-back truncated .cfg files");
        assertEquals("true", p.get("felix.fileinstall.bundles.new.start"));
    }

    @Test
    void shouldKeepGogoOffTheTerminalOnlyWhenNotInteractive() throws UsageException {
        assertEquals("--nointeractive", FrameworkSettings.build(options("--no-shell"), false, 4).get("gosh.args"));
        assertFalse(FrameworkSettings.build(options(), true, 4).containsKey("gosh.args"));
    }
}
