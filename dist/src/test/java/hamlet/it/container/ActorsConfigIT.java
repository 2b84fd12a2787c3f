package hamlet.it.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import hamlet.api.ActorInfo;
import hamlet.config.ConfigStatus;
import java.time.Duration;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Actors declared in hamlet.actors: spawned at start, reconciled on a live edit (scaled up and down, removed,
 * config handed over), a malformed edit refused with the declared actors still running.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ActorsConfigIT extends ContainerTestSupport {
    private static final String HEAD = "hamlet.node.id = it-node\n";

    @Inject
    private ConfigStatus status;

    @Override
    protected String nodeConf() {
        return HEAD + "hamlet.actors { echoes { behavior = echo, group = echoes, instances = 2 } }\n";
    }

    private List<String> names() {
        return system.actors().stream().map(ActorInfo::name).toList();
    }

    @Test
    public void shouldSpawnAtStartAndReconcileLiveEdits() {
        awaitTrue("declared actors spawned at start", () -> names().equals(List.of("echoes-1", "echoes-2")));
        assertEquals("echoes", system.actor("echoes-1").orElseThrow().group());
        assertEquals("hi", system.ref("*:echoes").ask("hi", Duration.ofSeconds(5)).toCompletableFuture().join());

        long applied = status.appliedCount();
        writeNodeConf(HEAD + "hamlet.actors {\n"
            + "  echoes { behavior = echo, group = echoes, instances = 3 }\n"
            + "  solo { behavior = echo, config { greeting = hello } }\n"
            + "  later { behavior = not-yet-here }\n"
            + "}\n");
        final long first = applied;
        awaitTrue("edit applied", () -> status.appliedCount() > first);
        awaitTrue("scaled up and solo spawned",
            () -> names().equals(List.of("echoes-1", "echoes-2", "echoes-3", "solo")));

        applied = status.appliedCount();
        writeNodeConf(HEAD + "hamlet.actors { echoes { behavior = echo, group = echoes, instances = -1 } }\n");
        final long second = applied;
        awaitTrue("malformed edit refused", () -> status.rejectedCount() > 0 && status.lastRejection().isPresent());
        assertTrue(status.lastRejection().get().message(),
            status.lastRejection().get().message().contains("hamlet.actors.echoes.instances"));
        assertEquals(second, status.appliedCount());
        assertEquals(List.of("echoes-1", "echoes-2", "echoes-3", "solo"), names());

        writeNodeConf(HEAD + "hamlet.actors { echoes { behavior = echo, group = echoes, instances = 1 } }\n");
        awaitTrue("scaled down to echoes-1 and solo stopped", () -> names().equals(List.of("echoes-1")));
        assertEquals("still", system.ref("echoes-1").ask("still", Duration.ofSeconds(5)).toCompletableFuture()
            .join());
    }
}
