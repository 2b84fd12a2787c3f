package hamlet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleFoldersTest {
    @TempDir
    Path bundles;

    private void touch(final String path) throws IOException {
        final Path p = bundles.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "");
    }

    @Test
    void shouldOrderJarsByLevelNumberThenName() throws Exception {
        touch("10/a.jar");
        touch("3/b.jar");
        touch("3/a.jar");
        touch("1/z.jar");
        touch("3/notes.txt");

        final List<BundleFolders.SystemBundle> found = BundleFolders.scan(bundles);

        assertEquals(List.of("1/z.jar", "3/a.jar", "3/b.jar", "10/a.jar"),
            found.stream().map(b -> bundles.relativize(b.jar()).toString()).toList());
        assertEquals(List.of(1, 3, 3, 10), found.stream().map(BundleFolders.SystemBundle::level).toList());
        assertEquals(10, BundleFolders.highestLevel(found));
    }

    @Test
    void shouldRefuseAFolderThatIsNotAStartLevel() throws Exception {
        touch("1/a.jar");
        touch("extra/b.jar");

        final BootException e = assertThrows(BootException.class, () -> BundleFolders.scan(bundles));

        assertTrue(e.getMessage().contains("extra is not a start level: its name must be a number >= 1"),
            e.getMessage());
    }

    @Test
    void shouldRefuseLevelZero() throws Exception {
        touch("0/a.jar");

        assertThrows(BootException.class, () -> BundleFolders.scan(bundles));
    }

    @Test
    void shouldRefuseAJarOutsideTheLevelFolders() throws Exception {
        touch("1/a.jar");
        touch("loose.jar");

        final BootException e = assertThrows(BootException.class, () -> BundleFolders.scan(bundles));

        assertTrue(e.getMessage().endsWith("loose.jar is not in a start level folder: put it in bundles/<level>/"),
            e.getMessage());
    }

    @Test
    void shouldSaySoWhenThereIsNoJarAtAll() throws Exception {
        Files.createDirectories(bundles.resolve("3"));

        assertEquals("no bundle jars under " + bundles,
            assertThrows(BootException.class, () -> BundleFolders.scan(bundles)).getMessage());
    }

    @Test
    void shouldSaySoWhenTheFolderIsMissing() {
        final Path missing = bundles.resolve("nope");

        assertEquals("no bundles folder at " + missing,
            assertThrows(BootException.class, () -> BundleFolders.scan(missing)).getMessage());
    }
}
