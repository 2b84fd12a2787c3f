package hamlet.registry.internal;

import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorSpec;
import hamlet.api.SpawnException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static hamlet.registry.internal.TestNode.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spawning: behaviours by name, and every way a spawn is refused, with a message that says why. */
class SpawnTest {
    private static final ActorBehavior ECHO = spec -> (message, ctx) -> ctx.reply(message.body());

    @Test
    void shouldRefuseAnUnknownBehaviourNamingItAndTheKnownOnes() {
        try (TestNode node = new TestNode().behavior("echo", ECHO)) {
            final SpawnException refused = assertThrows(SpawnException.class,
                () -> node.system.spawn("no-such-behaviour", "x"));
            assertEquals("cannot spawn actor 'x': unknown behaviour 'no-such-behaviour' on node1 (known: echo)",
                refused.getMessage());
            assertTrue(node.system.actors().isEmpty());
        }
    }

    @Test
    void shouldRefuseATakenName() {
        try (TestNode node = new TestNode().behavior("echo", ECHO)) {
            node.system.spawn("echo", "taken");
            final SpawnException refused = assertThrows(SpawnException.class, () -> node.system.spawn("echo", "taken"));
            assertEquals("cannot spawn actor 'taken': the name is taken on node1", refused.getMessage());
            assertEquals(1, node.system.actors().size());
        }
    }

    @Test
    void shouldRefuseInvalidNamesSayingWhatIsWrong() {
        try (TestNode node = new TestNode().behavior("echo", ECHO)) {
            for (final String bad : List.of("", "has space", "-leading-dash", "a:b", "x".repeat(129))) {
                final SpawnException refused = assertThrows(SpawnException.class, () -> node.system.spawn("echo", bad));
                assertTrue(refused.getMessage().startsWith("cannot spawn actor '" + bad + "' of behaviour 'echo' on "
                    + "node1: actor name"), refused.getMessage());
                assertTrue(refused.getCause() instanceof IllegalArgumentException);
            }
            assertThrows(SpawnException.class, () -> node.system.spawn("", "fine"));
            assertThrows(SpawnException.class, () -> node.system.spawn(null, "fine"));
            assertTrue(node.system.actors().isEmpty());
        }
    }

    @Test
    void shouldRefuseASpawnWhoseBehaviourFailsWithTheCause() {
        final IllegalStateException cause = new IllegalStateException("no database");
        try (TestNode node = new TestNode()) {
            node.behavior("broken", spec -> {
                throw cause;
            });
            node.behavior("empty", spec -> null);
            final SpawnException refused = assertThrows(SpawnException.class, () -> node.system.spawn("broken", "b"));
            assertSame(cause, refused.getCause());
            assertEquals("cannot spawn actor 'b': behaviour 'broken' failed to create it: "
                + "java.lang.IllegalStateException: no database", refused.getMessage());
            assertThrows(SpawnException.class, () -> node.system.spawn("empty", "e"));
            assertTrue(node.system.actors().isEmpty(), "a failed spawn leaves nothing, and frees the name");
            node.behavior("echo", ECHO);
            node.system.spawn("echo", "b");
        }
    }

    @Test
    void shouldGiveTheSpecToTheBehaviour() {
        try (TestNode node = new TestNode()) {
            node.behavior("spec-echo", spec -> (message, ctx) -> ctx.reply(spec.name() + "/" + spec.group() + "/"
                + spec.config().get("size")));
            final com.google.gson.JsonObject config = new com.google.gson.JsonObject();
            config.addProperty("size", 3);
            assertEquals("s/g/3", ask(node.system.spawn(new ActorSpec("s", "spec-echo", "g", config)), "?"));
        }
    }

    @Test
    void shouldUseTheNewestBehaviourOfANameAndFallBackWhenItGoes() {
        try (TestNode node = new TestNode()) {
            final ActorBehavior first = spec -> (message, ctx) -> ctx.reply("first");
            final ActorBehavior second = spec -> (message, ctx) -> ctx.reply("second");
            node.system.registerBehavior("versioned", first);
            node.system.registerBehavior("versioned", second);
            assertEquals(Set.of("versioned"), node.system.behaviors());
            assertEquals("second", ask(node.system.spawn("versioned", "v1"), "?"));
            node.system.unregisterBehavior("versioned", second);
            assertEquals("first", ask(node.system.spawn("versioned", "v2"), "?"));
            node.system.unregisterBehavior("versioned", first);
            assertTrue(node.system.behaviors().isEmpty());
            assertThrows(SpawnException.class, () -> node.system.spawn("versioned", "v3"));
            TestNode.awaitTrue("v1 suspended with no version left",
                () -> node.system.actor("v1").orElseThrow().state() == ActorInfo.State.SUSPENDED);
            assertThrows(IllegalArgumentException.class, () -> node.system.registerBehavior(" ", first));
        }
    }

    @Test
    void shouldSuspendAnActorWhoseBehaviourIsGoneUntilAVersionComesBack() {
        try (TestNode node = new TestNode()) {
            final ActorBehavior failing = spec -> (Actor) (message, ctx) -> {
                throw new IllegalStateException("fails");
            };
            node.system.registerBehavior("gone", failing);
            node.system.spawn("gone", "orphan");
            node.system.unregisterBehavior("gone", failing);
            node.system.ref("orphan").tell("waits");
            TestNode.awaitTrue("suspended for want of its behaviour",
                () -> node.system.actor("orphan").orElseThrow().state() == ActorInfo.State.SUSPENDED);
            assertEquals(1, node.system.actor("orphan").orElseThrow().mailboxSize());
            node.system.registerBehavior("gone", spec -> (message, ctx) -> ctx.reply("back"));
            assertEquals("back", ask(node.system.ref("orphan"), "?"));
        }
    }
}
