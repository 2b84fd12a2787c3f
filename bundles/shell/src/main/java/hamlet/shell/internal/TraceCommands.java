package hamlet.shell.internal;

import hamlet.api.trace.TraceHop;
import hamlet.api.trace.TraceLog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code actor:trace ID}: the hops of one trace id on every member that still remembers them, one line each, by
 * time, through the registry's {@link TraceLog} service (optional: without it, a clear message).
 *
 * <p>Threading: the shell's thread; waits at most {@link #WAIT} and a second for the members' answers.
 */
final class TraceCommands {
    /** How long the other members are given to answer. */
    static final Duration WAIT = Duration.ofSeconds(2);
    private static final String COMMAND = "actor:trace";

    private final Supplier<TraceLog> traces;

    /** @param traces the registry's trace service, or a supplier of {@code null} while it is absent */
    TraceCommands(final Supplier<TraceLog> traces) {
        this.traces = traces;
    }

    /**
     * @param id the trace id, as logs and dead letters show it
     * @return a table of its hops, or a line saying none is remembered
     */
    String trace(final String id) {
        final long traceId;
        try {
            traceId = TraceHop.parse(id);
        } catch (final IllegalArgumentException e) {
            throw new CommandException(COMMAND, e.getMessage());
        }
        final TraceLog log = traces.get();
        if (log == null) {
            throw new CommandException(COMMAND, "tracing is not available on this node (the registry's TraceLog "
                + "service is not running)");
        }
        final List<TraceHop> hops;
        try {
            hops = log.cluster(traceId, WAIT).toCompletableFuture().get(WAIT.toMillis() + 1_000,
                TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException(COMMAND, "interrupted");
        } catch (final ExecutionException | TimeoutException e) {
            throw new CommandException(COMMAND, "the members' answers did not come: " + e);
        }
        if (hops.isEmpty()) {
            return "no alive member remembers trace " + TraceHop.hex(traceId) + " (each node keeps its latest hops "
                + "only: hamlet.registry.trace.ring)\n";
        }
        final Table table = new Table("TIME", "NODE", "EVENT", "FROM", "TO", "DETAIL");
        for (final TraceHop hop : hops) {
            table.row(time(hop.epochMicros()), hop.node(), hop.event(), hop.from(), hop.to(), hop.detail());
        }
        return "trace " + TraceHop.hex(traceId) + ": " + hops.size() + " hops\n" + table;
    }

    /** @return the time with its microseconds: hops of one message are often within a millisecond */
    static String time(final long epochMicros) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
            Math.floorMod(epochMicros, 1_000_000L) * 1_000L).toString();
    }
}
