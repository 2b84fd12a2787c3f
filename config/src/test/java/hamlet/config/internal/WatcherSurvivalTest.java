package hamlet.config.internal;

import hamlet.config.ConfigStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live reload outlives whatever an edit or a tick throws: a file nested or chained too deeply for Typesafe Config's
 * recursive parser is refused like any other bad edit, and an {@link Error} out of a tick is counted, logged once and
 * survived by the watcher loop.
 */
class WatcherSurvivalTest {
    private static final String VALID = """
        hamlet {
          node.id = node7
          admin.port = 7781
        }
        """;

    /** 100,000 nested objects under a free-form subtree: unknown keys cannot refuse it first. */
    private static String deeplyNested(final int levels) {
        return "hamlet.node.id = node7\nhamlet.actors {\n  x " + "{ a ".repeat(levels) + "= 1" + " }".repeat(levels)
            + "\n}\n";
    }

    private static Harness started() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.pushes.clear();
        return h;
    }

    @Test
    void shouldRefuseADeeplyNestedEditAndKeepTheLastGoodConfig() {
        final Harness h = started();

        h.file.write(deeplyNested(100_000));
        h.run(Duration.ofSeconds(1));

        final ConfigStatus.Rejection rejection = h.status().lastRejection().orElseThrow();
        assertEquals(Harness.FILE, rejection.file());
        assertEquals(3, rejection.line());
        assertEquals("syntax error: objects and lists nested more than 256 levels deep (line 3)",
            rejection.message());
        assertEquals(1, h.status().rejectedCount());
        assertEquals(List.of(), h.pushedPids());
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));

        h.file.write(VALID.replace("7781", "7790"));
        h.run(Duration.ofSeconds(1));
        assertEquals(7790, h.live.inForce().getInt("hamlet.admin.port"));
        assertTrue(h.status().lastRejection().isEmpty());
    }

    @Test
    void shouldRefuseADeeplyNestedListAsWell() {
        final Harness h = started();

        h.file.write("hamlet.actors.x = " + "[".repeat(100_000) + "]".repeat(100_000) + "\n");
        h.run(Duration.ofSeconds(1));

        assertEquals("syntax error: objects and lists nested more than 256 levels deep (line 1)",
            h.status().lastRejection().orElseThrow().message());
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));
    }

    @Test
    void shouldAcceptNestingUpToTheLimit() {
        final Harness h = started();

        // hamlet and actors are two of the 256 levels, x and its a-s the rest
        h.file.write(deeplyNested(NestingDepth.MAX - 2).replace("hamlet.actors {", "hamlet { actors {") + "}\n");
        h.run(Duration.ofSeconds(1));

        assertTrue(h.status().lastRejection().isEmpty(), () -> h.status().lastRejection().toString());
        assertEquals(2, h.status().appliedCount());
    }

    @Test
    void shouldRefuseAChainOfSubstitutionsTooLongForTheResolver() {
        final Harness h = started();
        final StringBuilder chain = new StringBuilder("hamlet.node.id = node7\nhamlet.actors {\n");
        for (int i = 0; i < 100_000; i++) {
            chain.append("  k").append(i).append(" = ${hamlet.actors.k").append(i + 1).append("}\n");
        }
        chain.append("  k100000 = 1\n}\n");

        h.file.write(chain.toString());
        h.run(Duration.ofSeconds(1));

        final ConfigStatus.Rejection rejection = h.status().lastRejection().orElseThrow();
        assertTrue(rejection.message().contains("too deeply for the config parser"), rejection.message());
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));
        assertEquals(List.of(), h.pushedPids());
    }

    @Test
    void shouldStartOnDefaultsWhenTheFileIsTooDeepAtStart() {
        final Harness h = new Harness();
        h.file.write(deeplyNested(100_000));

        h.start();

        assertEquals(3, h.status().lastRejection().orElseThrow().line());
        assertEquals(7780, h.live.inForce().getInt("hamlet.admin.port"));
    }

    @Test
    void shouldRefuseAnEditWhoseValidatorThrowsAnError() {
        final Harness h = started();
        h.validators.add(new NamedValidator("admin", proposed -> {
            throw new StackOverflowError();
        }));

        h.file.write(VALID.replace("7781", "7790"));
        h.run(Duration.ofSeconds(1));

        assertEquals("the validator of section admin failed: java.lang.StackOverflowError",
            h.status().lastRejection().orElseThrow().message());
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));
    }

    @Test
    void shouldCountAndSurviveErrorsOutOfATickThenApplyTheNextEdit() {
        final Harness h = started();
        final WatcherThread watcher = new WatcherThread(h.agent, () -> "node7");
        // An Error no layer below turns into a refusal: only the watcher's own guard stands between it and the loop.
        h.validators.add(new NamedValidator("admin", proposed -> {
            throw new OutOfMemoryError("Java heap space");
        }));

        h.file.write(VALID.replace("7781", "7790"));
        for (int i = 0; i < 40; i++) {
            h.nowNs += TimeUnit.MILLISECONDS.toNanos(50);
            h.clock.advance(Duration.ofMillis(50));
            watcher.tickOnce(h.nowNs);
        }
        assertEquals(1, watcher.failures());
        assertEquals(1, watcher.loggedFailures());

        h.validators.clear();
        h.file.write(VALID.replace("7781", "7791"));
        for (int i = 0; i < 40; i++) {
            h.nowNs += TimeUnit.MILLISECONDS.toNanos(50);
            h.clock.advance(Duration.ofMillis(50));
            watcher.tickOnce(h.nowNs);
        }
        assertEquals(7791, h.live.inForce().getInt("hamlet.admin.port"));
        assertEquals(1, watcher.failures());
    }

    @Test
    void shouldLogOneLinePerDistinctFailureAndCountEvery() {
        final AtomicInteger calls = new AtomicInteger();
        final List<Throwable> thrown = List.of(new StackOverflowError(), new StackOverflowError(),
            new StackOverflowError(), new OutOfMemoryError("Java heap space"), new IllegalStateException("x"));
        final WatcherThread watcher = new WatcherThread(now -> {
            final int call = calls.getAndIncrement();
            if (call < thrown.size()) {
                sneakyThrow(thrown.get(call));
            }
        }, () -> 1, () -> "node7");

        for (int i = 0; i < 5; i++) {
            watcher.tickOnce(i);
        }

        assertEquals(5, watcher.failures());
        assertEquals(3, watcher.loggedFailures());
        watcher.tickOnce(5); // a good tick: the same failure after it is news again
        watcher.tickOnce(6);
        assertEquals(5, watcher.failures());
        final String line = WatcherThread.failureLine("node7", 4, new StackOverflowError());
        assertTrue(line.startsWith("[node7] config watcher tick failed (4 failures since start), going on: "
            + "java.lang.StackOverflowError at "), line);
        assertFalse(line.contains("\n"), line);
    }

    @Test
    void shouldKeepTheLoopRunningAfterErrors() throws InterruptedException {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch goodTicks = new CountDownLatch(3);
        final WatcherThread watcher = new WatcherThread(now -> {
            switch (calls.getAndIncrement()) {
                case 0 -> throw new StackOverflowError();
                case 1 -> throw new OutOfMemoryError("Java heap space");
                case 2 -> throw new IllegalStateException("a bug");
                default -> goodTicks.countDown();
            }
        }, () -> TimeUnit.MILLISECONDS.toNanos(1), () -> "node7");

        watcher.start();
        try {
            assertTrue(goodTicks.await(10, TimeUnit.SECONDS), "the loop ticked " + calls.get() + " times");
            assertTrue(watcher.isAlive());
            assertEquals(3, watcher.failures());
        } finally {
            watcher.stop(5_000);
        }
        assertFalse(watcher.isAlive());
    }

    @Test
    void shouldCountOnlyWhatOpensALevelOutsideStringsAndComments() {
        final String deep = "a " + "{ b ".repeat(NestingDepth.MAX) + "= 1" + " }".repeat(NestingDepth.MAX);
        assertEquals(OptionalInt.empty(), NestingDepth.tooDeepAt(deep));
        assertEquals(OptionalInt.of(2), NestingDepth.tooDeepAt("x = 1\n{ " + deep + " }"));
        final String braces = "{".repeat(NestingDepth.MAX + 1);
        assertEquals(OptionalInt.empty(), NestingDepth.tooDeepAt("a = \"" + braces + "\""));
        assertEquals(OptionalInt.empty(), NestingDepth.tooDeepAt("a = \"\\\"" + braces + "\""));
        assertEquals(OptionalInt.empty(), NestingDepth.tooDeepAt("a = \"\"\"\n" + braces + "\n\"\"\""));
        assertEquals(OptionalInt.empty(), NestingDepth.tooDeepAt("# " + braces + "\na = 1"));
        assertEquals(OptionalInt.empty(), NestingDepth.tooDeepAt("a = ws://" + braces + "\nb = 1"));
        assertEquals(OptionalInt.of(4), NestingDepth.tooDeepAt("a = \"\"\"x\n\"\"\"\"\n# {\n" + braces));
        assertEquals(OptionalInt.of(2), NestingDepth.tooDeepAt("a = \"unclosed\n" + braces));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(final Throwable t) throws T {
        throw (T) t;
    }
}
