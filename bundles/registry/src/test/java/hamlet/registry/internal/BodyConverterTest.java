package hamlet.registry.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Message.body(Class): the very object when it fits, JSON conversion otherwise, a clear error when neither. */
class BodyConverterTest {
    record Job(String task, int n) {
    }

    /** The same shape from "another bundle": what a body looks like after a hot swap. */
    static final class OldJob {
        final String task;
        final int n;

        OldJob(final String task, final int n) {
            this.task = task;
            this.n = n;
        }
    }

    private static <T> T body(final Object body, final Class<T> type) {
        return new Envelope(body, null, hamlet.api.Address.named("x")).body(type);
    }

    @Test
    void shouldReturnTheVeryObjectWhenItIsOfTheType() {
        final Job job = new Job("fib", 10);
        assertSame(job, body(job, Job.class));
        assertSame(job, body(job, Object.class));
        assertEquals("text", body("text", String.class));
    }

    @Test
    void shouldConvertJsonTextJsonTreesAndOtherObjects() {
        assertEquals(new Job("fib", 10), body("{\"task\":\"fib\",\"n\":10}", Job.class));
        final JsonElement tree = JsonParser.parseString("{\"task\":\"words\",\"n\":2}");
        assertEquals(new Job("words", 2), body(tree, Job.class));
        assertEquals(new Job("fib", 7), body(new OldJob("fib", 7), Job.class));
        assertEquals(5, body(5, int.class));
        assertEquals(5L, body(5, Long.class));
        final JsonObject object = body(new Job("fib", 1), JsonObject.class);
        assertEquals("fib", object.get("task").getAsString());
    }

    @Test
    void shouldNameBothTypesWhenTheBodyCannotBeConverted() {
        final IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
            () -> body("{not json", Job.class));
        assertTrue(notJson.getMessage().startsWith("cannot convert a message body of type java.lang.String to "
            + Job.class.getName()), notJson.getMessage());
        final IllegalArgumentException wrongShape = assertThrows(IllegalArgumentException.class,
            () -> body(JsonParser.parseString("[1,2]"), Job.class));
        assertTrue(wrongShape.getMessage().contains("com.google.gson.JsonArray to " + Job.class.getName()),
            wrongShape.getMessage());
        final IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class,
            () -> body("null", Job.class));
        assertTrue(nothing.getMessage().endsWith("it reads as JSON null"), nothing.getMessage());
    }
}
