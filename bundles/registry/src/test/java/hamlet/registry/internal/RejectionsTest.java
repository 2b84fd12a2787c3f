package hamlet.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hamlet.api.RejectedBundle;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RejectionsTest {
    private final Rejections rejections = new Rejections(() -> "node1");

    @Test
    void shouldListRefusalsOldestFirstKeepingTheFirstTimeOfARepeatedOne() {
        rejections.refuse(refused("file:/d/b.jar", "bad", 2));
        rejections.refuse(refused("file:/d/a.jar", "worse", 1));
        rejections.refuse(refused("file:/d/b.jar", "bad", 9));
        assertEquals(List.of("file:/d/a.jar", "file:/d/b.jar"),
            rejections.list().stream().map(RejectedBundle::location).toList());
        assertEquals(Instant.ofEpochSecond(2), rejections.list().get(1).at());
    }

    @Test
    void shouldTakeANewReasonAndForgetAFixedJar() {
        rejections.refuse(refused("file:/d/b.jar", "bad", 2));
        rejections.refuse(refused("file:/d/b.jar", "other", 3));
        assertEquals("other", rejections.list().get(0).reason());
        assertTrue(rejections.isRefused("file:/d/b.jar"));
        rejections.forget("file:/d/b.jar");
        assertFalse(rejections.isRefused("file:/d/b.jar"));
        assertTrue(rejections.list().isEmpty());
    }

    private static RejectedBundle refused(final String location, final String reason, final long at) {
        return new RejectedBundle(location, null, null, null, reason, Instant.ofEpochSecond(at));
    }
}
