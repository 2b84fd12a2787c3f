package hamlet.gossip.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BroadcastsTest {
    private static List<Update> fill(final Broadcasts b, final int budget, final int limit) throws Malformed {
        final WireWriter out = new WireWriter();
        b.fill(out, budget, limit, null);
        final WireReader in = new WireReader(out.toBytes());
        final int n = in.count(Update.MIN_BYTES);
        final List<Update> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(Update.read(in));
        }
        in.end();
        return list;
    }

    @Test
    void shouldSendTheLeastSentFirstThenTheNewestAndDropAfterTheLimit() throws Malformed {
        final Broadcasts b = new Broadcasts();
        final Update a = Update.suspect("a", 1, 1, "x");
        final Update c = Update.suspect("c", 1, 1, "x");
        b.queue(a);
        assertEquals(List.of(a), fill(b, 4096, 2));
        b.queue(c);
        assertEquals(List.of(c, a), fill(b, 4096, 2), "c never sent goes before a sent once");
        assertEquals(List.of(c), fill(b, 4096, 2), "a went out twice, the limit: dropped");
        assertEquals(List.of(), fill(b, 4096, 2));
        assertEquals(0, b.size());
    }

    @Test
    void shouldReplaceOlderNewsOfTheSameMember() throws Malformed {
        final Broadcasts b = new Broadcasts();
        b.queue(Update.suspect("a", 1, 1, "x"));
        final Update dead = Update.dead("a", 1, 1, "x");
        b.queue(dead);
        assertEquals(List.of(dead), fill(b, 4096, 5));
    }

    @Test
    void shouldKeepToTheByteBudget() throws Malformed {
        final Broadcasts b = new Broadcasts();
        for (int i = 0; i < 100; i++) {
            b.queue(Update.alive("member-" + i, i, 1, "ws://10.0.0." + i + ":7701/hamlet", 0));
        }
        final WireWriter out = new WireWriter();
        final int written = b.fill(out, 1_000, 5, null);
        assertTrue(out.size() <= 1_000 + 2, "within the budget: " + out.size());
        assertTrue(written > 5 && written < 100, "as many as fit: " + written);
        final WireReader in = new WireReader(out.toBytes());
        assertEquals(written, in.count(Update.MIN_BYTES), "the count says what was written");
    }
}
