package hamlet.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A distribution with a system bundle that cannot resolve must not come up half-way. */
class BrokenBundleIT {
    @TempDir
    Path dir;

    @Test
    void shouldExitNonZeroWithOneLineNamingTheBundleAndWhatItMisses() throws Exception {
        final Path home = NodeProcess.copyOf(NodeProcess.distribution(), dir.resolve("hamlet"));
        brokenBundle(home.resolve("bundles/3/broken.jar"));
        final int port = NodeProcess.freePort();

        try (NodeProcess node = NodeProcess.start(home, port, dir, "--data", dir.resolve("data").toString(),
            "-Dhamlet.admin.port=" + port)) {
            assertTrue(node.process().waitFor(NodeProcess.DEADLINE.toSeconds(), TimeUnit.SECONDS),
                "the node must exit by itself\n" + node.dump());

            assertEquals(2, node.process().exitValue(), node.dump());
            final List<String> lines = node.stderr().lines().filter(l -> l.startsWith("hamlet: ")).toList();
            assertEquals(List.of("hamlet: bundle test.broken 0.0.1 (bundles/3/broken.jar) cannot resolve: missing "
                + "requirement osgi.wiring.package; (osgi.wiring.package=nobody.exports.this)"), lines, node.dump());
        }
    }

    /** A bundle importing a package that no bundle exports. */
    private static void brokenBundle(final Path jar) throws IOException {
        final Manifest manifest = new Manifest();
        final Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "test.broken");
        main.putValue("Bundle-Version", "0.0.1");
        main.putValue("Import-Package", "nobody.exports.this");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out,
            manifest)) {
            // the manifest is the whole bundle
        }
    }
}
