package hamlet.config.internal;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watcher's step function driven by a fake nano clock and an in-memory file. */
class FileWatcherTest {
    private static final long MS = 1_000_000L;
    /** poll 200 ms, settle 300 ms. */
    private static final ConfigSettings SETTINGS = new ConfigSettings(200 * MS, 300 * MS);

    private final MemoryFileSource file = new MemoryFileSource("node.conf");
    private FileWatcher watcher;

    @BeforeEach
    void prime() {
        file.write("a = 1");
        watcher = new FileWatcher(file, SETTINGS);
        watcher.prime(file.read(), 0);
    }

    @Test
    void shouldReportNothingWhileFileIsUnchanged() {
        for (long t = 0; t <= 10_000 * MS; t += 50 * MS) {
            assertTrue(watcher.onTick(t).isEmpty(), "reported at " + t / MS + " ms");
        }
    }

    @Test
    void shouldReportChangeOnlyAfterItStayedTheSameForSettleTime() {
        file.write("a = 2");
        assertTrue(watcher.onTick(200 * MS).isEmpty(), "seen first at 200 ms");
        assertTrue(watcher.onTick(400 * MS).isEmpty(), "stable for 200 ms only");
        final Optional<FileState> settled = watcher.onTick(600 * MS);
        assertEquals("a = 2", settled.orElseThrow().text());
        assertTrue(watcher.onTick(800 * MS).isEmpty(), "reported twice");
    }

    @Test
    void shouldNeverReportFileThatChangesAtEveryLook() {
        for (int i = 1; i <= 50; i++) {
            file.write("a = " + "x".repeat(i)); // a copy in progress: the file grows between looks
            assertTrue(watcher.onTick(i * 200 * MS).isEmpty(), "reported a half-written file at look " + i);
        }
        assertTrue(watcher.onTick(51 * 200 * MS).isEmpty());
        assertEquals("a = " + "x".repeat(50), watcher.onTick(52 * 200 * MS).orElseThrow().text());
    }

    @Test
    void shouldLookAtTheFileOncePerPollInterval() {
        final int readsBefore = file.reads();
        for (long t = 10 * MS; t <= 1_000 * MS; t += 10 * MS) {
            watcher.onTick(t);
        }
        assertEquals(5, file.reads() - readsBefore, "looks at 200, 400, 600, 800, 1000 ms");
    }

    @Test
    void shouldMeasureSettleTimeFromTheLookThatFirstSawTheChange() {
        file.write("a = 2");
        assertTrue(watcher.onTick(150 * MS).isEmpty(), "no look before the poll interval");
        file.write("a = 3");
        assertTrue(watcher.onTick(200 * MS).isEmpty(), "first seen at 200 ms");
        assertTrue(watcher.onTick(400 * MS).isEmpty(), "stable for 200 ms only");
        assertTrue(watcher.onTick(550 * MS).isEmpty(), "no look before 600 ms");
        assertEquals("a = 3", watcher.onTick(600 * MS).orElseThrow().text());
    }

    @Test
    void shouldNoticeContentChangeWithSameTimeAndSize() {
        file.writeKeepingTime("a = 9");
        watcher.onTick(200 * MS);
        watcher.onTick(400 * MS);
        assertEquals("a = 9", watcher.onTick(600 * MS).orElseThrow().text());
    }

    @Test
    void shouldReportDeletionOnceSettled() {
        file.delete();
        watcher.onTick(200 * MS);
        watcher.onTick(400 * MS);
        assertEquals(FileState.Kind.MISSING, watcher.onTick(600 * MS).orElseThrow().kind());
        assertTrue(watcher.onTick(800 * MS).isEmpty());
    }

    @Test
    void shouldReportRewriteWithNewTimeEvenWhenTextIsBackToTheHandledOne() {
        file.write("a = 2");
        watcher.onTick(200 * MS);
        file.write("a = 1"); // the text handled at start, with a new modification time
        watcher.onTick(400 * MS);
        assertTrue(watcher.onTick(600 * MS).isEmpty());
        assertEquals("a = 1", watcher.onTick(800 * MS).orElseThrow().text(), "LiveConfig skips an unchanged text");
    }

    @Test
    void shouldApplyAtFirstStableLookWhenSettleTimeIsZero() {
        watcher.timing(new ConfigSettings(200 * MS, 0));
        file.write("a = 2");
        assertEquals("a = 2", watcher.onTick(200 * MS).orElseThrow().text());
    }
}
