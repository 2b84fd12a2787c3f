package hamlet.registry.internal;

import hamlet.api.ActorRef;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds back what a cluster actor sends while it handles one message, when {@code replicate = every-message}: the
 * sends (tells, replies, asks) are kept in order and released only once the replica acknowledged the state copy
 * taken after that message (output commit), so that nothing the actor told a sender is lost with its node.
 *
 * <p>Threading: a capture belongs to the thread running the actor's turn, set around one onMessage; the router asks
 * {@link #current()} on the sending thread. Node-bound actors pay one read of a static volatile per send
 * ({@code ACTIVE}), no thread-local lookup, while no capture is open anywhere in the JVM.
 */
final class OutputCapture {
    /** One send held back. */
    record Output(AddressRef ref, Object body, ActorRef sender) {
    }

    private static final ThreadLocal<OutputCapture> CURRENT = new ThreadLocal<>();
    /** Captures open now, in every runtime of the JVM: the router's cheap first test. */
    private static final java.util.concurrent.atomic.AtomicInteger ACTIVE =
        new java.util.concurrent.atomic.AtomicInteger();

    private final List<Output> outputs = new ArrayList<>(2);

    /** @return the capture open on this thread, or null (the common case, found with one volatile read) */
    static OutputCapture current() {
        return ACTIVE.get() == 0 ? null : CURRENT.get();
    }

    /** @return a capture opened on this thread, to close with {@link #close} on the same thread */
    static OutputCapture open() {
        final OutputCapture capture = new OutputCapture();
        ACTIVE.incrementAndGet();
        CURRENT.set(capture);
        return capture;
    }

    /** @return what was sent while it was open, in order */
    List<Output> close() {
        CURRENT.remove();
        ACTIVE.decrementAndGet();
        return outputs;
    }

    void add(final AddressRef ref, final Object body, final ActorRef sender) {
        outputs.add(new Output(ref, body, sender));
    }
}
