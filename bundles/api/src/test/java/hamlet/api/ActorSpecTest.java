package hamlet.api;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActorSpecTest {
    @Test
    void shouldDefaultConfigToAnEmptyObject() {
        final ActorSpec spec = ActorSpec.of("echo", "echo-1");
        assertEquals("echo-1", spec.name());
        assertEquals("echo", spec.behavior());
        assertNull(spec.group());
        assertEquals(new JsonObject(), spec.config());
    }

    @Test
    void shouldRejectInvalidNameGroupOrBehavior() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ActorSpec.of("echo", "bad name"))
            .getMessage().contains("actor name 'bad name'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ActorSpec("a", "echo", "g:x", null))
            .getMessage().contains("group name 'g:x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ActorSpec.of(" ", "a"))
            .getMessage().contains("behavior is empty"));
    }
}
