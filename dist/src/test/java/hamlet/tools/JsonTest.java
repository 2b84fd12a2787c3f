package hamlet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldParseAnAdminReplyIntoMapsListsAndNumbers() {
        final Object json = Json.parse("{\"reply\": {\"worker\":\"worker-2\",\"task\":\"fib\",\"result\":"
            + "2880067194370816120,\"done\":3}, \"list\":[1, 2.5, true, null, \"a\\\"b\\u0041\"]}");

        assertEquals("worker-2", Json.at(json, "reply", "worker"));
        assertEquals(2880067194370816120L, Json.at(json, "reply", "result"));
        assertEquals(Arrays.asList(1L, 2.5d, true, null, "a\"bA"), Json.at(json, "list"));
        assertNull(Json.at(json, "reply", "nothing", "deeper"));
    }

    @Test
    void shouldWriteWhatItParses() {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", "job-router");
        body.put("body", Map.of("text", "line\none \"quoted\""));
        body.put("n", List.of(1, 2));

        final String text = Json.write(body);

        assertEquals("{\"to\":\"job-router\",\"body\":{\"text\":\"line\\none \\\"quoted\\\"\"},\"n\":[1,2]}", text);
        assertEquals(Json.parse(text), Json.parse(Json.write(Json.parse(text))));
    }

    @Test
    void shouldSayWhereTheTextIsNotJson() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Json.parse("{\"a\": 1,}"));

        assertTrue(e.getMessage().startsWith("not JSON: ") && e.getMessage().contains("line 1 column 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse(""));
    }
}
