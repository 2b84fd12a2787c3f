package hamlet.shell.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.api.ActorSpec;
import hamlet.api.DeadLetter;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActorCommandsTest {
    private static final long GRACE_MS = 200;

    private final FakeActorSystem system = new FakeActorSystem().stats(2, 40, 0);
    private final ActorCommands commands = new ActorCommands(system, GRACE_MS);

    private static String refused(final Runnable command) {
        return assertThrows(CommandException.class, command::run).getMessage();
    }

    // ------------------------------------------------------------------ list

    @Test
    void shouldListActorsAsTableWithCount() {
        system.spawn("echo", "echo-1");
        system.spawn(new ActorSpec("w1", "worker", "worker", null));
        assertEquals(""
                + "NAME    BEHAVIOR  VERSION  GROUP   STATE    MAILBOX  PROCESSED  RESTARTS  ADDRESS\n"
                + "echo-1  echo      -        -       RUNNING  2        40         0         node1:echo-1\n"
                + "w1      worker    -        worker  RUNNING  2        40         0         node1:w1\n"
                + "2 actors on node node1\n",
            commands.list());
    }

    @Test
    void shouldMarkALocalActorWhoseNameAnotherNodeHostsToo() {
        final FakeCluster cluster = new FakeCluster("node1")
            .actor("node1", "echo-1", null).actor("node2", "echo-1", null).actor("node3", "echo-1", null)
            .actor("node1", "w1", "worker").actor("node2", "w2", "worker");
        final ActorCommands withCluster = new ActorCommands(system, () -> cluster, GRACE_MS);
        system.spawn("echo", "echo-1");
        system.spawn(new ActorSpec("w1", "worker", "worker", null));
        assertEquals(""
                + "NAME      BEHAVIOR  VERSION  GROUP   STATE    MAILBOX  PROCESSED  RESTARTS  ADDRESS\n"
                + "echo-1 *  echo      -        -       RUNNING  2        40         0         node1:echo-1\n"
                + "w1        worker    -        worker  RUNNING  2        40         0         node1:w1\n"
                + "2 actors on node node1\n"
                + "* also hosted on another node (a conflict; see cluster:actors): echo-1 on node2, node3\n",
            withCluster.list());
    }

    @Test
    void shouldListBehavioursByName() {
        final String table = commands.behaviors();
        assertTrue(table.startsWith("NAME "), table);
        assertTrue(table.contains("echo"), table);
        assertTrue(table.endsWith(" on node node1\n"), table);
    }

    @Test
    void shouldListRefusedJarsWithTheirReasonAfterTheBehaviours() {
        system.addRejected(new hamlet.api.RejectedBundle("file:/deploy/notes.jar", null, null, null,
            "not an OSGi bundle: its manifest has no Bundle-SymbolicName", java.time.Instant.EPOCH));
        final String table = commands.behaviors();
        assertTrue(table.contains("\nREFUSED JAR "), table);
        assertTrue(table.contains("file:/deploy/notes.jar"), table);
        assertTrue(table.contains("its manifest has no Bundle-SymbolicName"), table);
        assertTrue(table.endsWith("1 behaviour jar refused\n"), table);
    }

    @Test
    void shouldSayNoActorsWhenNodeHasNone() {
        assertEquals("no actors on node node1\n", commands.list());
    }

    // ------------------------------------------------------------------ spawn

    @Test
    void shouldSpawnAndSayWhere() {
        assertEquals("spawned echo-1 (echo) at node1:echo-1\n", commands.spawn("echo", "echo-1", ""));
        assertEquals("spawned w1 (worker, group worker) at node1:w1\n", commands.spawn("worker", "w1", "worker"));
        assertEquals("worker", system.actor("w1").orElseThrow().group());
    }

    @Test
    void shouldRefuseUnknownBehaviourNamingTheKnownOnes() {
        assertEquals("actor:spawn: unknown behaviour 'ecco'; known: echo, job-router, worker",
            refused(() -> commands.spawn("ecco", "e1", "")));
        assertTrue(system.actors().isEmpty());
    }

    @Test
    void shouldRefuseTakenAndInvalidNames() {
        commands.spawn("echo", "e1", "");
        assertEquals("actor:spawn: actor name 'e1' is taken on node node1",
            refused(() -> commands.spawn("echo", "e1", "")));
        assertEquals("actor:spawn: actor name 'e 1' has ' ' at position 1; only letters, digits, '_' and '-' are"
            + " allowed", refused(() -> commands.spawn("echo", "e 1", "")));
        assertEquals("actor:spawn: group name '*' must start with a letter or digit",
            refused(() -> commands.spawn("echo", "e2", "*")));
    }

    @Test
    void shouldReportBehaviourThatFailsToCreateInOneLine() {
        system.addBehavior("broken");
        assertEquals("actor:spawn: behaviour 'broken' failed to create actor 'b1': java.lang.IllegalStateException:"
            + " boom", refused(() -> commands.spawn("broken", "b1", "")));
    }

    @Test
    void shouldNotRepeatTheCauseWhenTheRuntimeAlreadyNamedIt() {
        final hamlet.api.ActorSystem wording = new FakeActorSystem() {
            @Override
            public hamlet.api.ActorRef spawn(final ActorSpec spec) {
                final Exception cause = new IllegalStateException("boom");
                throw new hamlet.api.SpawnException("cannot spawn actor 'e1': behaviour 'echo' failed to create it: "
                    + cause, cause);
            }
        };
        assertEquals("actor:spawn: cannot spawn actor 'e1': behaviour 'echo' failed to create it:"
            + " java.lang.IllegalStateException: boom",
            refused(() -> new ActorCommands(wording, GRACE_MS).spawn("echo", "e1", "")));
    }

    // ------------------------------------------------------------------ stop

    @Test
    void shouldStopKnownActor() {
        system.spawn("echo", "e1");
        assertEquals("stopped e1\n", commands.stop("e1"));
        assertFalse(system.actor("e1").isPresent());
    }

    @Test
    void shouldRefuseStopOfUnknownOrInvalidName() {
        assertEquals("actor:stop: no actor 'ghost' on node node1; see actor:list",
            refused(() -> commands.stop("ghost")));
        assertEquals("actor:stop: actor name 'a:b' has ':' at position 1; only letters, digits, '_' and '-' are"
            + " allowed", refused(() -> commands.stop("a:b")));
    }

    // ------------------------------------------------------------------ send

    @Test
    void shouldSendPlainTextAsString() {
        assertEquals("sent to e1 as text\n", commands.send("e1", "hello world"));
        assertEquals("hello world", system.sent().get(0).body());
    }

    @Test
    void shouldSendJsonObjectOrArrayAsJsonElement() {
        assertEquals("sent to *:worker as JSON\n", commands.send("*:worker", "{\"task\":\"fib\",\"n\":20}"));
        commands.send("node1:e1", "[1,2]");
        assertEquals(JsonParser.parseString("{\"task\":\"fib\",\"n\":20}"), system.sent().get(0).body());
        assertInstanceOf(JsonArray.class, system.sent().get(1).body());
    }

    @Test
    void shouldSendOtherTextAsStringEvenWhenItLooksLikeJson() {
        commands.send("e1", "42");
        commands.send("e1", "{not json");
        commands.send("e1", "\"quoted\"");
        commands.send("e1", "{\"a\":1} trailing");
        assertEquals("42", system.sent().get(0).body());
        assertEquals("{not json", system.sent().get(1).body());
        assertEquals("\"quoted\"", system.sent().get(2).body());
        assertEquals("{\"a\":1} trailing", system.sent().get(3).body());
    }

    @Test
    void shouldRefuseSendToMalformedAddressOrWithoutText() {
        assertEquals("actor:send: address 'a:b:c' has more than one ':'; expected node:name, name or *:group",
            refused(() -> commands.send("a:b:c", "x")));
        assertTrue(refused(() -> commands.send("e1", "")).startsWith("actor:send: the message TEXT is empty"));
        assertTrue(system.sent().isEmpty());
    }

    // ------------------------------------------------------------------ ask

    @Test
    void shouldPrintReplyAsJson() {
        system.spawn("echo", "e1");
        system.spawn("worker", "w1");
        assertEquals("\"hi\"\n", commands.ask("e1", "hi", "5s"));
        assertEquals("{\"a\":[1,2]}\n", commands.ask("e1", "{\"a\":[1,2]}", "5s"));
        assertEquals("{\"worker\":\"w1\",\"done\":1}\n", commands.ask("w1", "{\"task\":\"stats\"}", "5s"));
    }

    @Test
    void shouldPassTimeoutToTheRuntime() {
        system.spawn("echo", "e1");
        commands.ask("e1", "a", "250ms");
        commands.ask("e1", "a", "2");
        commands.ask("e1", "a", "1m");
        commands.ask("e1", "a", ActorCommands.DEFAULT_ASK_TIMEOUT);
        assertEquals(Duration.ofMillis(250), system.sent().get(0).timeout());
        assertEquals(Duration.ofMillis(2), system.sent().get(1).timeout());
        assertEquals(Duration.ofMinutes(1), system.sent().get(2).timeout());
        assertEquals(Duration.ofSeconds(5), system.sent().get(3).timeout());
    }

    @Test
    void shouldRefuseBadTimeout() {
        assertEquals("actor:ask: timeout '5x' must be like 500ms, 5s or 1m",
            refused(() -> commands.ask("e1", "a", "5x")));
        assertEquals("actor:ask: timeout '0s' must be from 1ms to 10m", refused(() -> commands.ask("e1", "a", "0s")));
        assertEquals("actor:ask: timeout '11m' must be from 1ms to 10m", refused(() -> commands.ask("e1", "a", "11m")));
        assertTrue(system.sent().isEmpty());
    }

    @Test
    void shouldSayWhenAskTimesOut() {
        system.addBehavior("silent");
        system.spawn("silent", "s1");
        assertEquals("actor:ask: no reply from s1 within 100 ms", refused(() -> commands.ask("s1", "a", "100ms")));
    }

    @Test
    void shouldGiveUpWhenRuntimeNeverCompletesTheAsk() {
        system.addBehavior("stuck");
        system.spawn("stuck", "s1");
        final long start = System.nanoTime();
        assertEquals("actor:ask: no reply from s1 within 50 ms", refused(() -> commands.ask("s1", "a", "50ms")));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 50 + GRACE_MS);
    }

    @Test
    void shouldSayWhyAskWasNotDelivered() {
        assertEquals("actor:ask: not delivered to ghost: UNKNOWN_ACTOR (no actor 'ghost' on node1)",
            refused(() -> commands.ask("ghost", "a", "5s")));
    }

    @Test
    void shouldStopWaitingAndKeepInterruptWhenSessionIsInterrupted() throws Exception {
        system.addBehavior("stuck");
        system.spawn("stuck", "s1");
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        final Thread session = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                commands.ask("s1", "a", "10m");
                outcome.complete("no error");
            } catch (final CommandException e) {
                outcome.complete(e.getMessage() + " / interrupted=" + Thread.currentThread().isInterrupted());
            }
        });
        session.start();
        assertEquals("actor:ask: interrupted while waiting for the reply from s1 / interrupted=true",
            outcome.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------ dead letters

    @Test
    void shouldSayNoDeadLettersWhenThereAreNone() {
        assertEquals("no dead letters on node node1\n", commands.deadLetters("20"));
    }

    @Test
    void shouldShowDeadLetterCountAndTheMostRecent() {
        for (int i = 0; i < 3; i++) {
            system.addDeadLetter(new DeadLetter("ghost" + i, null, "lost " + i, DeadLetter.Reason.UNKNOWN_ACTOR,
                "no actor 'ghost" + i + "' on node1", FakeActorSystem.AT));
        }
        final JsonObject body = new JsonObject();
        body.addProperty("task", "fib");
        system.addDeadLetter(new DeadLetter("w1", "router", body, DeadLetter.Reason.MAILBOX_FULL,
            "mailbox of w1 is at its bound", FakeActorSystem.AT, 0x00ab_cdef_0123_4567L));
        assertEquals(""
                + "4 dead letters on node node1 since start; the last 2:\n"
                + "AT                    REASON         TO      FROM    TRACE             DETAIL                   "
                + "      BODY\n"
                + "2026-01-02T03:04:05Z  UNKNOWN_ACTOR  ghost2  -       -                 no actor 'ghost2' on node1"
                + "     \"lost 2\"\n"
                + "2026-01-02T03:04:05Z  MAILBOX_FULL   w1      router  00abcdef01234567  mailbox of w1 is at its bound"
                + "  {\"task\":\"fib\"}\n",
            commands.deadLetters("2"));
    }

    @Test
    void shouldRefuseBadDeadLetterLimit() {
        assertEquals("actor:deadletters: -n must be a whole number, got 'all'",
            refused(() -> commands.deadLetters("all")));
        assertEquals("actor:deadletters: -n must be at least 1, got 0", refused(() -> commands.deadLetters("0")));
    }
}
