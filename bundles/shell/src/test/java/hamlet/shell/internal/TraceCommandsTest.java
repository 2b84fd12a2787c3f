package hamlet.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import hamlet.api.trace.TraceHop;
import hamlet.api.trace.TraceLog;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code actor:trace ID}: one line per hop by time, a clear word for a bad id, none remembered, or no service. */
class TraceCommandsTest {
    private static final long ID = 0x0123_4567_89ab_cdefL;

    /** A TraceLog that answers with fixed hops, and remembers what it was asked. */
    private static final class FixedLog implements TraceLog {
        private final List<TraceHop> hops;
        long asked;

        FixedLog(final List<TraceHop> hops) {
            this.hops = hops;
        }

        @Override
        public List<TraceHop> local(final long traceId) {
            return hops;
        }

        @Override
        public CompletionStage<List<TraceHop>> cluster(final long traceId, final Duration timeout) {
            asked = traceId;
            return CompletableFuture.completedFuture(hops);
        }
    }

    @Test
    void shouldPrintOneLinePerHop() {
        final FixedLog log = new FixedLog(List.of(
            new TraceHop(ID, "node1", 1_767_323_045_000_001L, "sent", null, "node2:echo", "to node node2"),
            new TraceHop(ID, "node2", 1_767_323_045_000_250L, "received", "node1:temp-ask-x-1", "node2:echo",
                "from node node1"),
            new TraceHop(ID, "node2", 1_767_323_045_000_300L, "delivered", "node1:temp-ask-x-1", "node2:echo", null)));
        final String shown = new TraceCommands(() -> log).trace("0123456789ABCDEF");
        assertEquals(ID, log.asked);
        assertEquals(""
            + "trace 0123456789abcdef: 3 hops\n"
            + "TIME                         NODE   EVENT      FROM                TO          DETAIL\n"
            + "2026-01-02T03:04:05.000001Z  node1  sent       -                   node2:echo  to node node2\n"
            + "2026-01-02T03:04:05.000250Z  node2  received   node1:temp-ask-x-1  node2:echo  from node node1\n"
            + "2026-01-02T03:04:05.000300Z  node2  delivered  node1:temp-ask-x-1  node2:echo  -\n", shown);
    }

    @Test
    void shouldSayWhenNoMemberRemembersIt() {
        assertEquals("no alive member remembers trace 0000000000000042 (each node keeps its latest hops only: "
            + "hamlet.registry.trace.ring)\n", new TraceCommands(() -> new FixedLog(List.of())).trace("42"));
    }

    @Test
    void shouldRefuseABadIdAndAMissingService() {
        final TraceCommands commands = new TraceCommands(() -> new FixedLog(List.of()));
        assertEquals("actor:trace: a trace id is 16 hex digits (as logs and dead letters show it, e.g. "
            + "0123456789abcdef), got 'xyz'", assertThrows(CommandException.class, () -> commands.trace("xyz"))
            .getMessage());
        assertEquals("actor:trace: trace id 0 means no trace: no message has it",
            assertThrows(CommandException.class, () -> commands.trace("0")).getMessage());
        assertEquals("actor:trace: tracing is not available on this node (the registry's TraceLog service is not "
            + "running)", assertThrows(CommandException.class, () -> new TraceCommands(() -> null).trace("1"))
            .getMessage());
    }
}
