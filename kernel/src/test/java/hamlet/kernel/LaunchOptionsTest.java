package hamlet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class LaunchOptionsTest {
    private static final Path HOME = Path.of("/opt/hamlet");

    @Test
    void shouldDeriveEveryPathFromHomeWhenNoFlagIsGiven() throws UsageException {
        final LaunchOptions o = LaunchOptions.parse(List.of(), HOME);

        assertEquals(HOME, o.home());
        assertEquals(Path.of("/opt/hamlet/conf/node.conf"), o.confFile());
        assertFalse(o.confGiven());
        assertEquals(Path.of("/opt/hamlet/data/felix-cache"), o.felixCache());
        assertEquals(Path.of("/opt/hamlet/deploy"), o.deployDir());
        assertEquals(Path.of("/opt/hamlet/bundles"), o.bundlesDir());
        assertFalse(o.noShell());
    }

    @Test
    void shouldTakeEveryFlagInBothSpellings() throws UsageException {
        final LaunchOptions o = LaunchOptions.parse(List.of("--home", "/h", "--conf=/c/n.conf", "--data", "/d",
            "--deploy=/p", "--no-shell"), HOME);

        assertEquals(Path.of("/h"), o.home());
        assertEquals(Path.of("/c/n.conf"), o.confFile());
        assertTrue(o.confGiven());
        assertEquals(Path.of("/d/felix-cache"), o.felixCache());
        assertEquals(Path.of("/p"), o.deployDir());
        assertTrue(o.noShell());
        assertEquals(Path.of("/h/bundles"), o.bundlesDir());
    }

    @Test
    void shouldResolveRelativePathsAgainstTheWorkingDirectory() throws UsageException {
        final LaunchOptions o = LaunchOptions.parse(List.of("--conf", "my.conf"), HOME);

        assertEquals(Path.of("my.conf").toAbsolutePath(), o.confFile());
        assertTrue(o.confFile().isAbsolute());
    }

    @Test
    void shouldNameTheArgumentWhenItIsUnknown() {
        final UsageException e = assertThrows(UsageException.class,
            () -> LaunchOptions.parse(List.of("--no-shell", "--shell"), HOME));

        assertEquals("unknown argument '--shell'", e.getMessage());
    }

    @Test
    void shouldSayWhichFlagLacksItsValue() {
        assertEquals("--conf needs a value", assertThrows(UsageException.class,
            () -> LaunchOptions.parse(List.of("--conf"), HOME)).getMessage());
        assertEquals("--data needs a value", assertThrows(UsageException.class,
            () -> LaunchOptions.parse(List.of("--data", "--no-shell"), HOME)).getMessage());
        assertEquals("--deploy needs a value", assertThrows(UsageException.class,
            () -> LaunchOptions.parse(List.of("--deploy="), HOME)).getMessage());
    }

    @Test
    void shouldRefuseAValueOnAFlagThatTakesNone() {
        assertEquals("--no-shell takes no value", assertThrows(UsageException.class,
            () -> LaunchOptions.parse(List.of("--no-shell=yes"), HOME)).getMessage());
    }

    @Test
    void shouldRefuseAStrayPositionalArgument() {
        assertEquals("unknown argument 'node'", assertThrows(UsageException.class,
            () -> LaunchOptions.parse(List.of("node"), HOME)).getMessage());
    }
}
