package hamlet.config.internal;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small pieces: file location, reading the file, the references, the bundle's own settings. */
class SupportTest {
    @TempDir
    Path dir;

    @Test
    void shouldPreferConfFileThenHomeThenWorkingDirectory() {
        final Path cwd = Path.of("/work");
        assertEquals(Path.of("/etc/n.conf"), ConfigFileLocator.locate(
            Map.of("hamlet.conf.file", "/etc/n.conf", "hamlet.home", "/opt/h")::get, cwd));
        assertEquals(Path.of("/opt/h/conf/node.conf"),
            ConfigFileLocator.locate(Map.of("hamlet.home", "/opt/h")::get, cwd));
        assertEquals(Path.of("/work/conf/node.conf"), ConfigFileLocator.locate(Map.<String, String>of()::get, cwd));
        assertEquals(Path.of("/work/my.conf"),
            ConfigFileLocator.locate(Map.of("hamlet.conf.file", "my.conf")::get, cwd));
    }

    @Test
    void shouldReadFileStateFromDisk() throws IOException {
        final Path file = dir.resolve("node.conf");
        final PathFileSource source = new PathFileSource(file);
        assertEquals(FileState.Kind.MISSING, source.read().kind());

        Files.writeString(file, "hamlet.admin.port = 7790\n", StandardCharsets.UTF_8);
        final FileState first = source.read();
        assertEquals(FileState.Kind.PRESENT, first.kind());
        assertEquals("hamlet.admin.port = 7790\n", first.text());
        assertEquals(25, first.size());
        assertEquals(first.fingerprint(), source.read().fingerprint());

        Files.writeString(file, "hamlet.admin.port = 7791\n", StandardCharsets.UTF_8);
        assertNotEquals(first.fingerprint(), source.read().fingerprint(), "same size, other content");

        Files.delete(file);
        Files.createDirectory(file);
        assertEquals(FileState.Kind.UNREADABLE, source.read().kind());
        assertEquals(file.toString(), source.name());
    }

    @Test
    void shouldChangeGenerationOnlyWhenReferencesChange() {
        final ReferenceSet set = new ReferenceSet();
        final long start = set.generation();
        set.put(7, "b", "hamlet.b.x = 1");
        final long afterPut = set.generation();
        set.put(7, "b", "hamlet.b.x = 1");
        set.remove(8);

        assertNotEquals(start, afterPut);
        assertEquals(afterPut, set.generation());
        set.remove(7);
        assertNotEquals(afterPut, set.generation());
    }

    @Test
    void shouldLetLowerBundleIdWinAndReportBrokenReference() {
        final ReferenceSet set = new ReferenceSet();
        set.put(9, "late", "hamlet.a.x = 2\nhamlet.b.y = 1");
        set.put(3, "early", "hamlet.a.x = 1");
        set.put(5, "broken", "hamlet.c { x = ");

        final ReferenceSet.Merged merged = set.merged();

        assertEquals(1, merged.config().getInt("hamlet.a.x"));
        assertEquals(1, merged.config().getInt("hamlet.b.y"));
        assertEquals(1, merged.problems().size());
        assertTrue(merged.problems().get(0).startsWith("ignoring broken/reference.conf: "), merged.problems().get(0));
        assertEquals("late/reference.conf", Refusal.source(merged.config().getValue("hamlet.b.y").origin(), "f"));
    }

    @Test
    void shouldReadOwnSettingsFromReference() {
        final ConfigSettings settings = ConfigSettings.from(ConfigFactory.parseString(Harness.ownReference()));

        assertEquals(200_000_000L, settings.pollIntervalNs());
        assertEquals(300_000_000L, settings.settleTimeNs());
        assertEquals(ConfigSettings.LAST_RESORT, settings);
    }

    @Test
    void shouldNameTheKeyOfBadOwnSetting() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigSettings.from(
            ConfigFactory.parseString("hamlet.config { poll-interval = 200ms, settle-time = -1s }")));
        assertEquals("hamlet.config.settle-time must be between 0ms and 1m, got -1000ms", e.getMessage());

        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () ->
            ConfigSettings.from(ConfigFactory.parseString("hamlet.config { settle-time = 1s }")));
        assertEquals("hamlet.config.poll-interval is missing", missing.getMessage());
    }
}
