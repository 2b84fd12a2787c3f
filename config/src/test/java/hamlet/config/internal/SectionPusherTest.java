package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectionPusherTest {
    private final List<String> pushed = new ArrayList<>();
    private boolean failing;
    private final SectionPusher pusher = new SectionPusher((pid, properties) -> {
        if (failing) {
            throw new IOException("store is read-only");
        }
        pushed.add(pid + "=" + properties);
    });

    private static Config config(final String text) {
        return ConfigFactory.parseString(text).resolve();
    }

    @Test
    void shouldPushEachObjectSectionUnderHamletByFullPath() {
        final SectionPusher.Result result = pusher.push(config(
            "hamlet { admin { port = 1 }, registry { dispatcher.throughput = 2 }, flag = true }, other { x = 1 }"));

        assertEquals(List.of("hamlet.admin", "hamlet.registry"), result.pushed());
        assertEquals(List.of("hamlet.admin={hamlet.admin.port=1}",
            "hamlet.registry={hamlet.registry.dispatcher.throughput=2}"), pushed);
    }

    @Test
    void shouldPushOnlySectionsThatChanged() {
        pusher.push(config("hamlet { admin { port = 1 }, registry { a = 2 } }"));
        pushed.clear();

        final SectionPusher.Result result = pusher.push(config("hamlet { admin { port = 1 }, registry { a = 3 } }"));

        assertEquals(List.of("hamlet.registry"), result.pushed());
        assertEquals(List.of("hamlet.registry={hamlet.registry.a=3}"), pushed);
    }

    @Test
    void shouldPushAgainAfterFailedPush() {
        failing = true;
        final SectionPusher.Result failed = pusher.push(config("hamlet.admin.port = 1"));
        assertEquals(1, failed.failed().size());
        assertTrue(failed.failed().get(0).contains("store is read-only"), failed.failed().toString());

        failing = false;
        final SectionPusher.Result result = pusher.push(config("hamlet.admin.port = 1"));

        assertEquals(List.of("hamlet.admin"), result.pushed());
    }

    @Test
    void shouldFindNoSectionsWithoutHamlet() {
        assertEquals(List.of(), SectionPusher.sections(config("a = 1")));
        assertEquals(List.of(), pusher.push(config("a = 1")).pushed());
    }
}
