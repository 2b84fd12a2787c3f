package hamlet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldExit2WithTheUsageWhenAnArgumentIsUnknown() {
        final int code = Main.run(new String[] {"--colour", "red"}, out, err, false);

        assertEquals(2, code);
        assertEquals("hamlet: unknown argument '--colour'\n" + LaunchOptions.USAGE + "\n", err());
    }

    @Test
    void shouldExit2WithOneLineNamingTheBundleWhenASystemBundleCannotResolve() throws Exception {
        TestBundles.bundle(home.resolve("bundles/3/broken.jar"), "test.broken",
            Map.of("Import-Package", "nobody.exports.this"));

        final int code = Main.run(new String[] {"--home", home.toString(), "--no-shell"}, out, err, false);

        assertEquals(2, code);
        assertEquals("hamlet: bundle test.broken 1.0.0 (bundles/3/broken.jar) cannot resolve: missing requirement "
            + "osgi.wiring.package; (osgi.wiring.package=nobody.exports.this)\n", err());
        assertTrue(outBytes.toString(StandardCharsets.UTF_8).startsWith("hamlet: node starting, home=" + home
            + ", conf=" + home.resolve("conf/node.conf") + ", bundles=1\n"));
    }

    @Test
    void shouldExit2WhenTheBundlesFolderIsMissing() {
        final int code = Main.run(new String[] {"--home", home.toString()}, out, err, false);

        assertEquals(2, code);
        assertEquals("hamlet: no bundles folder at " + home.resolve("bundles") + "\n", err());
    }

    @Test
    @Timeout(60) // without the veto the node would boot and wait to be stopped
    void shouldExit2WithTheVetoAsTheOnlyLineWhenABundleVetoesTheBoot() throws Exception {
        TestBundles.bundle(home.resolve("bundles/3/vetoing.jar"), "test.vetoing",
            Map.of("Bundle-Activator", VetoingActivator.class.getName(), "Import-Package", "org.osgi.framework"),
            VetoingActivator.class);

        final int code = Main.run(new String[] {"--home", home.toString(), "--no-shell"}, out, err, false);

        assertEquals(2, code);
        assertEquals("hamlet: " + VetoingActivator.LINE + "\n", err());
    }
}
