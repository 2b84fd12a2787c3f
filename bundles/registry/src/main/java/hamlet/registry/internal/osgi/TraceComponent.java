package hamlet.registry.internal.osgi;

import hamlet.api.trace.TraceHop;
import hamlet.api.trace.TraceLog;
import hamlet.api.transport.ControlReceiver;
import hamlet.registry.internal.LocalActorSystem;
import hamlet.registry.internal.TraceQueries;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Offers the runtime's trace ring as the {@link TraceLog} service, and takes other nodes' trace questions on the
 * control lane's channel {@value TraceQueries#CHANNEL}. It reaches the transport and the membership through the
 * runtime (which binds both), not by references of its own: the transport binds every ControlReceiver, so a
 * reference back to it would make a cycle of activations.
 *
 * <p>Threading: any thread; the runtime in force is read at each call (a registry restart makes a new ring).
 */
@Component(service = {TraceLog.class, ControlReceiver.class}, immediate = true)
public final class TraceComponent implements TraceLog, ControlReceiver {
    @Reference
    private RuntimeHandle handle;

    /** The queries of the runtime they were made for: a new runtime gets new ones. */
    private volatile TraceQueries queries;
    private volatile LocalActorSystem queriesOf;

    private Optional<TraceQueries> queries() {
        final Optional<LocalActorSystem> runtime = handle.runtime();
        if (runtime.isEmpty()) {
            return Optional.empty();
        }
        final LocalActorSystem system = runtime.get();
        synchronized (this) {
            if (queriesOf != system) {
                queries = system.traceQueries();
                queriesOf = system;
            }
            return Optional.of(queries);
        }
    }

    @Override
    public List<TraceHop> local(final long traceId) {
        return queries().map(q -> q.local(traceId)).orElse(List.of());
    }

    @Override
    public CompletionStage<List<TraceHop>> cluster(final long traceId, final Duration timeout) {
        return queries().map(q -> q.cluster(traceId, timeout))
            .orElseGet(() -> CompletableFuture.completedFuture(List.of()));
    }

    @Override
    public int channel() {
        return TraceQueries.CHANNEL;
    }

    @Override
    public void onControl(final String fromNode, final byte[] payload) {
        queries().ifPresent(q -> q.onControl(fromNode, payload));
    }
}
