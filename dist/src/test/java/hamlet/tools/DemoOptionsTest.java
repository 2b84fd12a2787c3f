package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;

import org.junit.jupiter.api.Test;

class DemoOptionsTest {
    @Test
    void shouldDefaultToTheDefaultAdminPortAndFortyJobs() {
        final DemoOptions o = DemoOptions.parse(new String[0]);

        assertEquals(URI.create("http://127.0.0.1:7780"), o.admin());
        assertEquals(40, o.jobs());
        assertEquals(60, o.waitSeconds());
    }

    @Test
    void shouldTakeEveryOption() {
        final DemoOptions o = DemoOptions.parse(new String[] {"--admin", "http://127.0.0.1:7790/", "--jobs", "8",
            "--wait", "5", "--node-pid", "1234", "--conf", "c", "--log", "l", "--launcher", "bin/hamlet"});

        assertEquals(new DemoOptions(URI.create("http://127.0.0.1:7790"), 8, 5, 1234, "c", "l", "bin/hamlet"), o);
    }

    @Test
    void shouldNameTheBadOption() {
        assertEquals("unknown argument '--colour'", assertThrows(IllegalArgumentException.class,
            () -> DemoOptions.parse(new String[] {"--colour", "red"})).getMessage());
        assertEquals("--jobs must be a whole number > 0, got '0'", assertThrows(IllegalArgumentException.class,
            () -> DemoOptions.parse(new String[] {"--jobs", "0"})).getMessage());
        assertEquals("--wait needs a value", assertThrows(IllegalArgumentException.class,
            () -> DemoOptions.parse(new String[] {"--wait"})).getMessage());
    }
}
