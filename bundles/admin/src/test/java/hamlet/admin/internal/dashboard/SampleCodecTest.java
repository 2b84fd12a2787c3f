package hamlet.admin.internal.dashboard;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleCodecTest {
    private static NodeSample sample(final List<NodeSample.DeadLetterLine> letters) {
        return new NodeSample("node2", 1_000, 1234.5, 0.25, 3.5, 100 << 20, 512 << 20, 0.42, 17, 104, 9, letters);
    }

    @Test
    void shouldRoundTripASampleTakingTheNodeFromTheSenderAndTheTimeFromTheReceiver() {
        final NodeSample sent = sample(List.of(new NodeSample.DeadLetterLine(900, "node2:nobody", "UNKNOWN_ACTOR",
            "no actor 'nobody' on node2")));
        final NodeSample got = SampleCodec.decode("node2", 5_000, SampleCodec.encode(sent));
        assertEquals(new NodeSample("node2", 5_000, 1234.5, 0.25, 3.5, 100 << 20, 512 << 20, 0.42, 17, 104, 9,
            sent.deadLetters()), got);
    }

    @Test
    void shouldStayWellUnderTheControlLaneLimitWhateverTheDeadLettersSay() {
        final List<NodeSample.DeadLetterLine> letters = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            letters.add(new NodeSample.DeadLetterLine(i, "x".repeat(10_000), "R".repeat(10_000), "d".repeat(10_000)));
        }
        final byte[] bytes = SampleCodec.encode(sample(letters));
        assertTrue(bytes.length <= SampleCodec.MAX_BYTES, bytes.length + " bytes");
        final NodeSample got = SampleCodec.decode("node2", 1, bytes);
        assertEquals(SampleCodec.MAX_DEAD_LETTERS, got.deadLetters().size());
        assertTrue(got.deadLetters().get(0).to().length() <= SampleCodec.MAX_TEXT);
    }

    @Test
    void shouldRefuseWhatIsNotASample() {
        for (final String bad : List.of("", "not json", "[1,2]", "{}", "{\"v\":1}",
            "{\"v\":0,\"r\":1,\"p50\":1,\"p99\":1,\"hu\":1,\"hm\":1,\"cpu\":0,\"bl\":0,\"a\":0,\"dc\":0}",
            "{\"v\":1,\"r\":-5,\"p50\":1,\"p99\":1,\"hu\":1,\"hm\":1,\"cpu\":0,\"bl\":0,\"a\":0,\"dc\":0}",
            "{\"v\":1,\"r\":1,\"p50\":1,\"p99\":1,\"hu\":1,\"hm\":1,\"cpu\":7,\"bl\":0,\"a\":0,\"dc\":0}",
            "{\"v\":1,\"r\":\"fast\",\"p50\":1,\"p99\":1,\"hu\":1,\"hm\":1,\"cpu\":0,\"bl\":0,\"a\":0,\"dc\":0}",
            "{\"v\":1,\"r\":1,\"p50\":1,\"p99\":1,\"hu\":1,\"hm\":1,\"cpu\":0,\"bl\":0,\"a\":0,\"dc\":0,\"dl\":{}}")) {
            assertThrows(IllegalArgumentException.class,
                () -> SampleCodec.decode("node2", 1, bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
        assertThrows(IllegalArgumentException.class,
            () -> SampleCodec.decode("node2", 1, new byte[SampleCodec.MAX_BYTES + 1]));
    }

    @Test
    void shouldReadANewerVersionIgnoringFieldsItDoesNotKnow() {
        final String newer = "{\"v\":2,\"r\":1,\"p50\":-1,\"p99\":-1,\"hu\":1,\"hm\":2,\"cpu\":-1,\"bl\":0,\"a\":3,"
            + "\"dc\":0,\"gc\":12}";
        final NodeSample got = SampleCodec.decode("node3", 7, newer.getBytes(StandardCharsets.UTF_8));
        assertEquals(3, got.actors());
        assertEquals(-1, got.p99Ms());
    }
}
