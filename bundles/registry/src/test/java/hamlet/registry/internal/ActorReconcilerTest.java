package hamlet.registry.internal;

import com.google.gson.JsonObject;
import com.typesafe.config.ConfigFactory;
import hamlet.api.Actor;
import hamlet.api.ActorContext;
import hamlet.api.ActorInfo;
import hamlet.api.DeadLetter;
import hamlet.api.Message;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static hamlet.registry.internal.TestNode.ask;
import static hamlet.registry.internal.TestNode.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Actors declared in hamlet.actors: parsing, refusals, and live reconciliation. */
class ActorReconcilerTest {
    private final AtomicInteger created = new AtomicInteger();

    /** Replies with its config's "greeting"; takes a new config without a restart. */
    private final class Greeter implements Actor {
        private String greeting;

        Greeter(final JsonObject config) {
            greeting = config.has("greeting") ? config.get("greeting").getAsString() : "hello";
        }

        @Override
        public void onMessage(final Message message, final ActorContext context) {
            context.reply(greeting);
        }

        @Override
        public void onConfig(final JsonObject config, final ActorContext context) {
            greeting = config.get("greeting").getAsString();
        }
    }

    private static ActorsSettings declared(final String hocon) {
        return ActorsSettings.from(ConfigFactory.parseString(hocon));
    }

    private TestNode node() {
        return new TestNode().behavior("greeter", spec -> {
            created.incrementAndGet();
            return new Greeter(spec.config());
        });
    }

    private static List<String> names(final TestNode node) {
        return node.system.actors().stream().map(ActorInfo::name).toList();
    }

    @Test
    void shouldExpandInstancesIntoNumberedActorsOfTheGroup() {
        final ActorsSettings settings = declared("hamlet.actors { g { behavior = greeter, group = team, instances = 3,"
            + " config { greeting = hi } }, solo { behavior = greeter } }");

        assertEquals(List.of("g-1", "g-2", "g-3", "solo"), List.copyOf(settings.specs().keySet()));
        assertEquals("team", settings.specs().get("g-2").group());
        assertEquals("hi", settings.specs().get("g-3").config().get("greeting").getAsString());
        assertEquals(0, settings.specs().get("solo").config().size());
    }

    @Test
    void shouldRefuseMalformedEntriesNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> declared("hamlet.actors.a.instances = 2"))
            .getMessage().contains("hamlet.actors.a.behavior is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> declared("hamlet.actors.a { behavior = x, instances = -1 }")).getMessage()
            .contains("hamlet.actors.a.instances must be 1 to"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> declared("hamlet.actors.a { behavior = x, colour = red }")).getMessage()
            .contains("hamlet.actors.a.colour is not a known key"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> declared("hamlet.actors.a = 3")).getMessage()
            .contains("hamlet.actors.a must be an object"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> declared("hamlet.actors { a { behavior = x, instances = 2 }, a-1 { behavior = x } }")).getMessage()
            .contains("declares actor 'a-1', which another entry"));
        assertEquals(0, declared("hamlet.actors = {}").specs().size());
    }

    @Test
    void shouldSpawnScaleReconfigureAndStopLive() {
        try (TestNode node = node()) {
            final ActorReconciler reconciler = new ActorReconciler(node.system);
            reconciler.apply(declared("hamlet.actors.g { behavior = greeter, group = team, instances = 2 }"));
            assertEquals(List.of("g-1", "g-2"), names(node));
            assertEquals("team", node.system.actor("g-1").orElseThrow().group());

            reconciler.apply(declared("hamlet.actors.g { behavior = greeter, group = team, instances = 4 }"));
            assertEquals(List.of("g-1", "g-2", "g-3", "g-4"), names(node));

            final int before = created.get();
            reconciler.apply(declared("hamlet.actors.g { behavior = greeter, group = team, instances = 2,"
                + " config { greeting = bonjour } }"));
            assertEquals(List.of("g-1", "g-2"), names(node));
            assertEquals("bonjour", ask(node.system.ref("g-1"), "?"));
            assertEquals(before, created.get(), "a changed config block restarts nothing");
            assertEquals("bonjour", node.system.spec("g-2").orElseThrow().config().get("greeting").getAsString());

            reconciler.apply(declared("hamlet.actors = {}"));
            awaitTrue("all stopped", () -> node.system.actors().isEmpty());
        }
    }

    @Test
    void shouldDeadLetterTheWaitingMessagesOfARemovedActorWithTheReason() {
        try (TestNode node = new TestNode()) {
            final java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            node.behavior("slow", spec -> (message, ctx) -> hold.await());
            final ActorReconciler reconciler = new ActorReconciler(node.system);
            reconciler.apply(declared("hamlet.actors.s { behavior = slow }"));
            node.system.ref("s").tell("busy");
            node.system.ref("s").tell("waits");
            awaitTrue("one waits", () -> node.system.actor("s").orElseThrow().mailboxSize() == 1);

            reconciler.apply(declared("hamlet.actors = {}"));
            hold.countDown();

            awaitTrue("dead-lettered", () -> node.system.deadLetterCount() == 1);
            final DeadLetter letter = node.system.deadLetters().get(0);
            assertEquals(DeadLetter.Reason.ACTOR_STOPPED, letter.reason());
            assertTrue(letter.detail().contains("removed from hamlet.actors"), letter.detail());
        }
    }

    @Test
    void shouldSpawnADeclaredActorWhenItsBehaviourComesLater() {
        try (TestNode node = new TestNode()) {
            final ActorReconciler reconciler = new ActorReconciler(node.system);
            node.system.onBehaviorRegistered(reconciler::behaviorRegistered);
            reconciler.apply(declared("hamlet.actors.late { behavior = greeter, config { greeting = finally } }"));
            assertTrue(node.system.actors().isEmpty());

            node.behavior("greeter", spec -> new Greeter(spec.config()));

            assertEquals("finally", ask(node.system.ref("late"), "?"));
        }
    }

    @Test
    void shouldLeaveAloneAnActorOfTheSameNameStartedByHand() {
        try (TestNode node = node()) {
            node.system.spawn("greeter", "taken");
            final ActorReconciler reconciler = new ActorReconciler(node.system);
            reconciler.apply(declared("hamlet.actors.taken { behavior = greeter, config { greeting = mine } }"));
            reconciler.apply(declared("hamlet.actors = {}"));

            assertEquals("hello", ask(node.system.ref("taken"), "?"));
        }
    }
}
