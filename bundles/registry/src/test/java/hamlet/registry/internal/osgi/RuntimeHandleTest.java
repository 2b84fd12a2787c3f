package hamlet.registry.internal.osgi;

import com.typesafe.config.ConfigFactory;
import hamlet.api.ActorSystem;
import hamlet.config.Sections;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's own components reach its runtime through the internal {@link RuntimeHandle}, never through the
 * ActorSystem service: another ActorSystem registered beside ours (a decorator, a fake) could be bound to such a
 * reference, and the cast to RegistryComponent threw ClassCastException.
 */
class RuntimeHandleTest {
    @Test
    void shouldReferenceTheRuntimeHandleNotTheActorSystemService() {
        for (final Class<?> component : List.of(ActorsComponent.class, BehaviorBundlesComponent.class,
            NodeSettingsValidator.class)) {
            boolean handle = false;
            // DS's @Reference is kept in the class file only, not at run time: every field is looked at.
            for (final Field field : component.getDeclaredFields()) {
                assertFalse(ActorSystem.class.isAssignableFrom(field.getType()),
                    component.getSimpleName() + "." + field.getName() + " holds the ActorSystem service");
                handle |= field.getType() == RuntimeHandle.class;
            }
            assertTrue(handle, component.getSimpleName() + " references the RuntimeHandle");
        }
    }

    @Test
    void shouldOfferTheRuntimeOnlyWhileItRuns() {
        final RegistryComponent registry = new RegistryComponent();
        final RuntimeHandle handle = registry;
        assertTrue(handle.runtime().isEmpty(), "not activated: no runtime, and no exception to catch");
        assertEquals("-", handle.nodeIdOrUnknown());
        final Map<String, Object> properties = new HashMap<>(
            Sections.toProperties(ConfigFactory.parseString("hamlet.node.id = node1"), "node"));
        registry.activate(properties);
        try {
            assertEquals("node1", handle.runtime().orElseThrow().nodeId());
            assertEquals("node1", handle.nodeIdOrUnknown());
        } finally {
            registry.deactivate();
        }
        assertTrue(handle.runtime().isEmpty());
    }
}
