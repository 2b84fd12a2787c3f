package hamlet.api.trace;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The hops of traced messages that the nodes still remember. An OSGi service of the registry bundle.
 *
 * <p>Each node keeps its latest hops in a bounded ring ({@code hamlet.registry.trace.ring}): a trace whose hops
 * were overwritten by newer traffic is gone, and an empty answer means "not remembered", not "never sent".
 *
 * <p>Threading: any thread; {@link #local} does not block; {@link #cluster} never blocks the caller.
 */
public interface TraceLog {
    /** Most hops one node answers for one trace id: an answer must fit a control-lane message. */
    int MAX_HOPS_PER_NODE = 64;

    /**
     * @param traceId a trace id
     * @return this node's remembered hops of it, oldest first; empty when none
     */
    List<TraceHop> local(long traceId);

    /**
     * Asks every alive member of the cluster (this node included) for its hops of a trace id, and merges the
     * answers that come within the timeout. A node that does not answer in time (or runs a version without
     * tracing) is left out.
     *
     * @param traceId a trace id
     * @param timeout how long to wait for the other nodes' answers
     * @return completes, after at most {@code timeout}, with the hops sorted by time (then node)
     */
    CompletionStage<List<TraceHop>> cluster(long traceId, Duration timeout);
}
