package hamlet.config.internal;

import hamlet.config.ConfigStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config bundle's behaviour end to end, without OSGi: file, references, overrides, pushes, status. */
class LiveConfigTest {
    private static final String VALID = """
        hamlet {
          node.id = node7
          registry {
            dispatcher { throughput = 10 }
          }
          admin.port = 7781
        }
        """;

    @Test
    void shouldPushEverySectionWithFileValuesAtFirstLoad() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();

        assertEquals(List.of("hamlet.actors", "hamlet.admin", "hamlet.config", "hamlet.node", "hamlet.registry"),
            h.pushedPids());
        assertEquals(10, h.lastPushOf("hamlet.registry").get("hamlet.registry.dispatcher.throughput"));
        assertEquals(1000, h.lastPushOf("hamlet.registry").get("hamlet.registry.mailbox-bound"));
        assertEquals(7781, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"));
        assertEquals("node7", h.live.nodeId());
        assertEquals(1, h.status().appliedCount());
        assertEquals(0, h.status().rejectedCount());
        assertTrue(h.status().lastRejection().isEmpty());
        assertEquals(Harness.FILE, h.status().file());
    }

    @Test
    void shouldApplyValidEditWithinTwoSecondsAndPushOnlyChangedSections() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.pushes.clear();
        final Instant before = h.clock.instant();

        h.file.write(VALID.replace("throughput = 10", "throughput = 20"));
        h.run(Duration.ofSeconds(1));

        assertEquals(List.of("hamlet.registry"), h.pushedPids());
        assertEquals(20, h.lastPushOf("hamlet.registry").get("hamlet.registry.dispatcher.throughput"));
        assertEquals(2, h.status().appliedCount());
        assertTrue(h.status().appliedAt().isAfter(before));
        assertEquals(20, h.live.inForce().getInt("hamlet.registry.dispatcher.throughput"));
    }

    @Test
    void shouldNotApplyTheSameEditTwice() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.file.write(VALID.replace("7781", "7790"));
        h.run(Duration.ofSeconds(1));
        h.pushes.clear();

        h.run(Duration.ofSeconds(5));

        assertEquals(List.of(), h.pushedPids());
        assertEquals(2, h.status().appliedCount());
    }

    @Test
    void shouldIgnoreTouchThatLeavesContentUnchanged() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.pushes.clear();

        h.file.write(VALID); // new modification time, same bytes
        h.run(Duration.ofSeconds(2));

        assertEquals(1, h.status().appliedCount());
        assertEquals(List.of(), h.pushedPids());
    }

    @Test
    void shouldRefuseSyntaxErrorKeepingConfigInForce() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        final Instant appliedAt = h.status().appliedAt();
        h.pushes.clear();

        h.file.write("hamlet {\n  admin.port = 7790\n  registry { dispatcher { throughput = = 10 } }\n}\n");
        h.run(Duration.ofSeconds(1));

        final ConfigStatus.Rejection rejection = h.status().lastRejection().orElseThrow();
        assertEquals(Harness.FILE, rejection.file());
        assertEquals(3, rejection.line());
        assertTrue(rejection.message().startsWith("syntax error: "), rejection.message());
        assertTrue(rejection.at().isAfter(appliedAt) && !rejection.at().isAfter(h.clock.instant()));
        assertEquals(1, h.status().rejectedCount());
        assertEquals(1, h.status().appliedCount());
        assertEquals(appliedAt, h.status().appliedAt());
        assertEquals(List.of(), h.pushedPids());
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));
    }

    @Test
    void shouldRefuseTypoAsUnknownKeyNamingKeyAndLine() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.pushes.clear();

        h.file.write("""
            hamlet {
              node.id = node7
              registry {
                dispatcher { trhoughput = 20 }
              }
            }
            """);
        h.run(Duration.ofSeconds(1));

        final ConfigStatus.Rejection rejection = h.status().lastRejection().orElseThrow();
        assertEquals("unknown key hamlet.registry.dispatcher.trhoughput (line 4)", rejection.message());
        assertEquals(4, rejection.line());
        assertEquals(List.of(), h.pushedPids());
        assertEquals(10, h.live.inForce().getInt("hamlet.registry.dispatcher.throughput"));
    }

    @Test
    void shouldAcceptAnyKeyUnderFreeFormSection() {
        final Harness h = new Harness();
        h.file.write("""
            hamlet.actors {
              job-router { behavior = job-router }
              worker { behavior = worker, group = worker, instances = 100 }
            }
            """);
        h.start();

        assertTrue(h.status().lastRejection().isEmpty(), () -> h.status().lastRejection().toString());
        assertEquals("worker", h.lastPushOf("hamlet.actors").get("hamlet.actors.worker.group"));
        assertEquals(100, h.lastPushOf("hamlet.actors").get("hamlet.actors.worker.instances"));
    }

    @Test
    void shouldRefuseWrongTypeNamingKeyExpectedTypeAndLine() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();

        h.file.write("hamlet {\n  admin.port = 7781\n  registry.dispatcher.throughput = fast\n}\n");
        h.run(Duration.ofSeconds(1));

        final ConfigStatus.Rejection rejection = h.status().lastRejection().orElseThrow();
        assertEquals("wrong type for hamlet.registry.dispatcher.throughput: expected number, got string \"fast\""
            + " (line 3)", rejection.message());
        assertEquals(3, rejection.line());
        assertEquals(10, h.live.inForce().getInt("hamlet.registry.dispatcher.throughput"));
    }

    @Test
    void shouldRefuseEditThatValidatorRejectsAtTheKeysLine() {
        final Harness h = new Harness();
        h.validators.add(new NamedValidator("registry", proposed -> {
            final int throughput = proposed.getInt("hamlet.registry.dispatcher.throughput");
            if (throughput <= 0) {
                throw new IllegalArgumentException("hamlet.registry.dispatcher.throughput must be > 0, got "
                    + throughput);
            }
        }));
        h.file.write(VALID);
        h.start();
        h.pushes.clear();

        h.file.write(VALID.replace("throughput = 10", "throughput = -1"));
        h.run(Duration.ofSeconds(1));

        final ConfigStatus.Rejection rejection = h.status().lastRejection().orElseThrow();
        assertEquals("hamlet.registry.dispatcher.throughput must be > 0, got -1 (line 4)", rejection.message());
        assertEquals(Harness.FILE, rejection.file());
        assertEquals(List.of(), h.pushedPids());
    }

    @Test
    void shouldRefuseOwnSectionOutOfRange() {
        final Harness h = new Harness();
        h.start();

        h.file.write("hamlet.config.poll-interval = 1ms\n");
        h.run(Duration.ofSeconds(1));

        assertEquals("hamlet.config.poll-interval must be between 10ms and 1m, got 1ms (line 1)",
            h.status().lastRejection().orElseThrow().message());
    }

    @Test
    void shouldNotApplyHalfWrittenFileUntilStableForSettleTime() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.pushes.clear();
        final String edited = VALID.replace("7781", "7790");

        // a slow copy: the file grows at every look, and is broken HOCON until its last write
        for (int cut = 20; cut < edited.length(); cut += 20) {
            h.file.write(edited.substring(0, cut));
            h.run(Duration.ofMillis(200));
        }
        assertEquals(0, h.status().rejectedCount());
        assertEquals(List.of(), h.pushedPids());

        h.file.write(edited);
        h.run(Duration.ofMillis(250));
        assertEquals(List.of(), h.pushedPids(), "applied before the file stayed the same for the settle time");

        h.run(Duration.ofMillis(400));
        assertEquals(List.of("hamlet.admin"), h.pushedPids());
        assertEquals(0, h.status().rejectedCount());
        assertEquals(2, h.status().appliedCount());
    }

    @Test
    void shouldRunOnDefaultsWhenFileIsMissing() {
        final Harness h = new Harness();
        h.start();

        assertEquals(1, h.status().appliedCount());
        assertTrue(h.status().lastRejection().isEmpty());
        assertEquals(5, h.lastPushOf("hamlet.registry").get("hamlet.registry.dispatcher.throughput"));
        assertEquals("node1", h.live.nodeId());
    }

    @Test
    void shouldApplyFileCreatedAfterStart() {
        final Harness h = new Harness();
        h.start();
        h.pushes.clear();

        h.file.write("hamlet.admin.port = 7799\n");
        h.run(Duration.ofSeconds(1));

        assertEquals(List.of("hamlet.admin"), h.pushedPids());
        assertEquals(7799, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"));
    }

    @Test
    void shouldRunOnDefaultsAndOverridesAndShowRejectionWhenFileIsBrokenAtStart() {
        final Harness h = new Harness();
        h.file.write("hamlet {\n  admin.port = 7790\n  registry.trhoughput = 3\n}\n");
        h.start(Map.of("HAMLET_ADMIN_HOST", "localhost"), Map.of());

        assertEquals(7780, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"));
        assertEquals("localhost", h.lastPushOf("hamlet.admin").get("hamlet.admin.host"));
        assertEquals(1, h.status().appliedCount());
        assertEquals(1, h.status().rejectedCount());
        final ConfigStatus.Rejection rejection = h.status().lastRejection().orElseThrow();
        assertEquals("unknown key hamlet.registry.trhoughput (line 3)", rejection.message());
        assertEquals(Harness.FILE, rejection.file());
    }

    @Test
    void shouldApplyFixAfterRefusalAndClearLastRejection() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.file.write(VALID.replace("throughput = 10", "throughput = ten"));
        h.run(Duration.ofSeconds(1));
        assertTrue(h.status().lastRejection().isPresent());
        h.pushes.clear();

        h.file.write(VALID.replace("throughput = 10", "throughput = 12"));
        h.run(Duration.ofSeconds(1));

        assertTrue(h.status().lastRejection().isEmpty());
        assertEquals(1, h.status().rejectedCount());
        assertEquals(2, h.status().appliedCount());
        assertEquals(List.of("hamlet.registry"), h.pushedPids());
        assertEquals(12, h.lastPushOf("hamlet.registry").get("hamlet.registry.dispatcher.throughput"));
    }

    @Test
    void shouldApplyBrokenAtStartFileOnceFixed() {
        final Harness h = new Harness();
        h.file.write("hamlet.admin { port = 7790\n");
        h.start();
        assertEquals(7780, h.live.inForce().getInt("hamlet.admin.port"));

        h.file.write("hamlet.admin { port = 7790 }\n");
        h.run(Duration.ofSeconds(1));

        assertEquals(7790, h.live.inForce().getInt("hamlet.admin.port"));
        assertTrue(h.status().lastRejection().isEmpty());
    }

    @Test
    void shouldKeepConfigInForceWhenFileIsDeleted() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();
        h.pushes.clear();

        h.file.delete();
        h.run(Duration.ofSeconds(2));

        assertEquals(List.of(), h.pushedPids());
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));
        assertEquals(1, h.status().appliedCount());
        assertEquals(0, h.status().rejectedCount());
    }

    @Test
    void shouldRefuseUnreadableFile() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();

        h.file.unreadable("java.nio.file.AccessDeniedException: node.conf");
        h.run(Duration.ofSeconds(1));

        assertTrue(h.status().lastRejection().orElseThrow().message().startsWith("cannot read the file"));
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));
    }

    @Test
    void shouldReloadWhenBundleWithReferenceArrives() {
        final Harness h = new Harness();
        h.references.remove(3); // the admin bundle is not there yet
        h.file.write(VALID);
        h.start();
        assertEquals("unknown key hamlet.admin (line 6)", h.status().lastRejection().orElseThrow().message());
        h.pushes.clear();

        h.references.put(3, "hamlet.admin", Harness.ADMIN_REFERENCE);
        h.run(Duration.ofMillis(250));

        assertTrue(h.status().lastRejection().isEmpty());
        assertTrue(h.pushedPids().contains("hamlet.admin"), h.pushedPids().toString());
        assertTrue(h.pushedPids().contains("hamlet.registry"), h.pushedPids().toString());
        assertEquals(7781, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"));
    }

    @Test
    void shouldPushNewBundlesDefaultsWhileFileStaysRefused() {
        final Harness h = new Harness();
        h.references.remove(3);
        h.file.write("hamlet.registry.trhoughput = 1\n");
        h.start();
        h.pushes.clear();

        h.references.put(3, "hamlet.admin", Harness.ADMIN_REFERENCE);
        h.run(Duration.ofMillis(250));

        assertEquals(List.of("hamlet.admin"), h.pushedPids());
        assertEquals("unknown key hamlet.registry.trhoughput (line 1)",
            h.status().lastRejection().orElseThrow().message());
    }

    @Test
    void shouldLetSystemPropertiesWinOverEnvironmentAndEnvironmentOverFile() {
        final Harness h = new Harness();
        h.file.write("hamlet { admin.port = 7781, registry.dispatcher.throughput = 10, node.id = file }\n");
        h.start(
            Map.of("HAMLET_ADMIN_PORT", "7782", "HAMLET_REGISTRY_DISPATCHER_THROUGHPUT", "30",
                "HAMLET_HOME", "/opt/hamlet", "PATH", "/usr/bin"),
            Map.of("hamlet.admin.port", "7783", "hamlet.home", "/opt/hamlet", "hamlet.conf.file", "/x.conf",
                "user.dir", "/tmp"));

        assertTrue(h.status().lastRejection().isEmpty(), () -> h.status().lastRejection().toString());
        assertEquals(7783, h.live.inForce().getInt("hamlet.admin.port"));
        assertEquals(30, h.live.inForce().getInt("hamlet.registry.dispatcher.throughput"));
        assertEquals("file", h.live.nodeId());
        assertEquals(7783, h.lastPushOf("hamlet.admin").get("hamlet.admin.port"), "pushed as the reference's type");
        assertTrue(h.status().effective().contains("# system property hamlet.admin.port"), h.status().effective());
        assertFalse(h.status().effective().contains("withValue"), h.status().effective());
    }

    @Test
    void shouldKeepOverridesAboveEveryLaterEdit() {
        final Harness h = new Harness();
        h.file.write("hamlet.admin.port = 7781\n");
        h.start(Map.of("HAMLET_ADMIN_PORT", "7782"), Map.of());

        h.file.write("hamlet.admin.port = 7790\nhamlet.registry.dispatcher.throughput = 9\n");
        h.run(Duration.ofSeconds(1));

        assertEquals(7782, h.live.inForce().getInt("hamlet.admin.port"));
        assertEquals(9, h.live.inForce().getInt("hamlet.registry.dispatcher.throughput"));
    }

    @Test
    void shouldLeaveOutBadOverrideWithoutBlockingEdits() {
        final Harness h = new Harness();
        h.file.write("hamlet.admin.port = 7781\n");
        h.start(Map.of("HAMLET_ADMIN_PORT", "not-a-port", "HAMLET_ADMIN_PROT", "1"), Map.of());
        assertTrue(h.status().lastRejection().isEmpty());
        assertEquals(7781, h.live.inForce().getInt("hamlet.admin.port"));

        h.file.write("hamlet.admin.port = 7790\n");
        h.run(Duration.ofSeconds(1));

        assertEquals(7790, h.live.inForce().getInt("hamlet.admin.port"));
        assertTrue(h.status().lastRejection().isEmpty());
    }

    @Test
    void shouldTakeTheWatchersTimingFromAnAppliedEdit() {
        final Harness h = new Harness();
        h.start();
        h.file.write("hamlet.config { poll-interval = 1s, settle-time = 2s }\n");
        h.run(Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(1).toNanos(), h.live.settings().pollIntervalNs());
        assertEquals(Duration.ofSeconds(1).toNanos(), h.agent.idleNs());
        h.pushes.clear();

        h.file.write("hamlet.config { poll-interval = 1s, settle-time = 2s }\nhamlet.admin.port = 7790\n");
        h.run(Duration.ofMillis(1900));
        assertEquals(List.of(), h.pushedPids(), "applied before the new settle time");
        h.run(Duration.ofMillis(1200));
        assertEquals(List.of("hamlet.admin"), h.pushedPids());
    }

    @Test
    void shouldShowEffectiveConfigWithOriginsAndAsJson() {
        final Harness h = new Harness();
        h.file.write(VALID);
        h.start();

        final String effective = h.status().effective();
        assertTrue(effective.contains(Harness.FILE + ": 6"), effective);
        assertTrue(effective.contains("hamlet.admin/reference.conf"), effective);
        assertTrue(effective.contains("7781"), effective);
        final String json = h.status().effectiveJson();
        assertTrue(json.startsWith("{\"hamlet\":{"), json);
        assertTrue(json.contains("\"port\":7781"), json);
        assertFalse(json.contains("\n"), json);
    }

    @Test
    void shouldLogOneLineNamingFileLineMessageAndConfigKept() {
        final String line = LiveConfig.refusedLine("node1", LiveConfig.Cause.FILE_EDIT,
            new Refusal("/opt/hamlet/conf/node.conf", 12, "unknown key hamlet.registry.trhoughput (line 12)"),
            Instant.parse("2026-01-01T10:00:00Z"));

        assertEquals("[node1] config edit refused: /opt/hamlet/conf/node.conf:12: unknown key "
            + "hamlet.registry.trhoughput (line 12); keeping the config applied at 2026-01-01T10:00:00Z", line);
    }
}
