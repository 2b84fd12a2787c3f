package hamlet.registry.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployedJarsTest {
    @TempDir
    Path dir;

    private final List<String> told = new ArrayList<>();
    private final DeployedJars.Listener listener = new DeployedJars.Listener() {
        @Override
        public void notABundle(final Path jar, final String problem) {
            told.add(jar.getFileName() + ": " + problem);
        }

        @Override
        public void fine(final Path jar) {
            told.add(jar.getFileName() + ": fine");
        }
    };

    @Test
    void shouldTellEachKindOfNonBundleWithItsReason() throws IOException {
        Files.writeString(dir.resolve("text.jar"), "not a jar", StandardCharsets.UTF_8);
        Files.write(dir.resolve("plain.jar"), jar(manifest(null)));
        Files.write(dir.resolve("bundle.jar"), jar(manifest("a.bundle")));
        Files.writeString(dir.resolve("notes.txt"), "not a jar and not named one", StandardCharsets.UTF_8);

        new DeployedJars(dir).scan(listener);

        told.sort(null);
        assertEquals(2, told.size(), told.toString());
        assertTrue(told.get(0).startsWith("plain.jar: not an OSGi bundle: its manifest has no Bundle-SymbolicName"),
            told.toString());
        assertTrue(told.get(1).startsWith("text.jar: not a jar: not a zip file"), told.toString());
        assertNull(DeployedJars.problemOf(dir.resolve("bundle.jar")));
    }

    @Test
    void shouldTellOnceAndThenWhenTheJarIsFixedOrRemoved() throws IOException {
        final Path jar = dir.resolve("x.jar");
        Files.write(jar, jar(manifest(null)));
        final DeployedJars deployed = new DeployedJars(dir);
        deployed.scan(listener);
        deployed.scan(listener);
        assertEquals(1, told.size(), "an unchanged file is not read again: " + told);

        Files.write(jar, jar(manifest("x")));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        deployed.scan(listener);
        assertEquals("x.jar: fine", told.get(1));

        Files.write(jar, "garbage".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));
        deployed.scan(listener);
        assertTrue(told.get(2).startsWith("x.jar: not a jar"), told.toString());
        Files.delete(jar);
        deployed.scan(listener);
        assertEquals("x.jar: fine", told.get(3));
    }

    @Test
    void shouldTellNothingWhenTheDirectoryIsMissing() {
        new DeployedJars(dir.resolve("absent")).scan(listener);
        assertTrue(told.isEmpty());
    }

    private static Manifest manifest(final String symbolicName) {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        return manifest;
    }

    private static byte[] jar(final Manifest manifest) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.flush();
        }
        return bytes.toByteArray();
    }
}
