package hamlet.registry.internal.osgi;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorSystem;
import hamlet.api.SpawnException;
import hamlet.config.Sections;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DS component, driven as Declarative Services would: properties in, behaviours bound, edits applied live. */
class RegistryComponentTest {
    private static final ActorBehavior ECHO = spec -> (message, ctx) -> ctx.reply(message.body());

    /** What Configuration Admin hands the component: both PIDs' properties, keyed by full path. */
    private static Map<String, Object> properties(final String hocon) {
        final Config config = ConfigFactory.parseString(hocon);
        final Map<String, Object> properties = new HashMap<>();
        properties.putAll(Sections.toProperties(config, "node"));
        properties.putAll(Sections.toProperties(config, "registry"));
        properties.put("service.pid", "hamlet.registry");
        properties.put("component.name", RegistryComponent.class.getName());
        return properties;
    }

    private static Map<String, Object> named(final String name) {
        return Map.of(ActorBehavior.NAME_PROPERTY, name, "service.id", 42L);
    }

    @Test
    void shouldRunTheRuntimeWithBehavioursBoundBeforeAndAfterActivation() throws Exception {
        final RegistryComponent component = new RegistryComponent();
        component.bindBehavior(ECHO, named("echo"));
        component.bindBehavior(spec -> (message, ctx) -> { }, Map.of("service.id", 43L));
        component.activate(properties("hamlet.node.id = osgi-node"));
        try {
            assertEquals("osgi-node", component.nodeId());
            assertEquals(Set.of("echo"), component.behaviors(), "a behaviour without a name is ignored");

            final ActorBehavior later = spec -> (message, ctx) -> ctx.reply("later");
            component.bindBehavior(later, named("later"));
            assertEquals(Set.of("echo", "later"), component.behaviors());
            assertEquals("hi", component.spawn("echo", "e").ask("hi", Duration.ofSeconds(20))
                .toCompletableFuture().get(20, TimeUnit.SECONDS));

            component.updatedBehavior(later, named("renamed"));
            assertEquals(Set.of("echo", "renamed"), component.behaviors());
            component.unbindBehavior(later, named("renamed"));
            assertEquals(Set.of("echo"), component.behaviors());
            assertThrows(SpawnException.class, () -> component.spawn("renamed", "r"));
        } finally {
            component.deactivate();
        }
        assertThrows(IllegalStateException.class, component::nodeId, "a deactivated component runs no node");
    }

    @Test
    void shouldApplyAnEditLiveAndKeepTheSettingsInForceWhenTheNodeIdChanges() {
        final RegistryComponent component = new RegistryComponent();
        component.activate(properties("hamlet.node.id = live\nhamlet.registry.dead-letters.keep = 5"));
        try {
            final ActorSystem service = component;
            component.modified(properties("hamlet.node.id = live\nhamlet.registry.dead-letters.keep = 2"));
            for (int i = 0; i < 4; i++) {
                service.ref("nobody").tell(i);
            }
            assertEquals(2, service.deadLetters().size());
            assertEquals(4, service.deadLetterCount());

            component.modified(properties("hamlet.node.id = other\nhamlet.registry.dead-letters.keep = 3"));
            assertEquals("live", service.nodeId(), "a node id edit is refused, nothing of it applied");
            service.ref("nobody").tell(4);
            assertEquals(2, service.deadLetters().size());
        } finally {
            component.deactivate();
        }
    }

    @Test
    void shouldRefuseToActivateWithBadSettingsNamingTheKey() {
        final RegistryComponent component = new RegistryComponent();
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> component.activate(properties("hamlet.registry.dispatcher.throughput = -1")));
        assertEquals("hamlet.registry.dispatcher.throughput must be > 0, got -1", refused.getMessage());
    }

    @Test
    void shouldValidateTheRegistrySectionNamingTheKey() {
        final RegistrySettingsValidator validator = new RegistrySettingsValidator();
        assertDoesNotThrow(() -> validator.validate(
            ConfigFactory.parseString("hamlet.registry.mailbox.capacity = 64")));
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> validator.validate(ConfigFactory.parseString("hamlet.registry.mailbox.capacity = -5")));
        assertTrue(refused.getMessage().startsWith("hamlet.registry.mailbox.capacity must be"), refused.getMessage());
    }

    @Test
    void shouldRefuseANodeIdChangeWhileTheNodeRuns() {
        final RegistryComponent running = new RegistryComponent();
        running.activate(properties("hamlet.node.id = node1"));
        try {
            final Config same = ConfigFactory.parseString("hamlet.node { id = node1, port = 7702 }");
            final Config changed = ConfigFactory.parseString("hamlet.node.id = node9");
            assertDoesNotThrow(() -> NodeSettingsValidator.check(same, running));
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> NodeSettingsValidator.check(changed, running));
            assertEquals("hamlet.node.id cannot change while the node runs (it is node1); restart the node to "
                + "change it", refused.getMessage());
            assertDoesNotThrow(() -> NodeSettingsValidator.check(changed, null), "no node runs: any id goes");
            assertThrows(IllegalArgumentException.class,
                () -> NodeSettingsValidator.check(ConfigFactory.parseString("hamlet.node.port = 0"), running));
        } finally {
            running.deactivate();
        }
        assertDoesNotThrow(() -> NodeSettingsValidator.check(ConfigFactory.parseString("hamlet.node.id = node9"),
            running), "a stopped node holds no id");
    }
}
