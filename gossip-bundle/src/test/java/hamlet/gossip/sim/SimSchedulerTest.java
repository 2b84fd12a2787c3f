package hamlet.gossip.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SimSchedulerTest {
    private final SimScheduler scheduler = new SimScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void shouldRunByTimeThenByTheOrderScheduled() {
        scheduler.at(20, () -> ran.add("b@20"));
        scheduler.at(10, () -> ran.add("a@10"));
        scheduler.at(20, () -> ran.add("c@20"));
        scheduler.at(15, () -> scheduler.at(20, () -> ran.add("d@20, scheduled at 15")));

        scheduler.runUntil(100);

        assertEquals(List.of("a@10", "b@20", "c@20", "d@20, scheduled at 15"), ran);
        assertEquals(100, scheduler.nowMs());
    }

    @Test
    void shouldLeaveWhatIsDueLaterAndNeverGoBack() {
        scheduler.at(50, () -> ran.add("x@" + scheduler.nowMs()));
        scheduler.runUntil(49);
        assertEquals(List.of(), ran);
        assertEquals(49, scheduler.nowMs());

        scheduler.at(10, () -> ran.add("late@" + scheduler.nowMs()));
        scheduler.runUntil(50);

        assertEquals(List.of("late@49", "x@50"), ran, "a time in the past runs now");
    }
}
