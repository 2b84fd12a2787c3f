package hamlet.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainBodyTest {
    /** Stands for a class of a behaviour bundle: not loaded by the JDK's loaders. */
    record Job(String task, int n) {
    }

    @Test
    void shouldKeepStringsNumbersAndJsonTreesAsThey() {
        final JsonObject tree = new JsonObject();
        assertSame(tree, PlainBody.of(tree));
        assertSame("boo", PlainBody.of("boo"));
        final Integer three = 3;
        assertSame(three, PlainBody.of(three));
    }

    @Test
    void shouldKeepTheJsonTreeOfAnObjectOfAnotherLoadersClass() {
        assertEquals(JsonParser.parseString("{\"task\":\"fib\",\"n\":7}"), PlainBody.of(new Job("fib", 7)));
    }

    @Test
    void shouldCopyACollectionWhichMayHoldSuchObjects() {
        assertEquals(JsonParser.parseString("[{\"task\":\"a\",\"n\":1}]"), PlainBody.of(List.of(new Job("a", 1))));
    }

    @Test
    void shouldKeepTheTextOfAnObjectThatHasNoJsonForm() {
        final Object cyclic = new Object() {
            private final Object self = this;

            @Override
            public String toString() {
                return "cyclic";
            }
        };
        assertEquals(new JsonPrimitive("cyclic"), PlainBody.of(cyclic));
    }
}
