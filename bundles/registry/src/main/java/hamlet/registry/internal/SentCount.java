package hamlet.registry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Messages one actor sent. Written by whoever sends with the actor as sender (its turn, nearly always), with a
 * release store as the cell's {@code processed}: no atomic add per message, so a send from another thread racing
 * the turn may lose one count, which a rate does not notice. Read by the metrics.
 */
final class SentCount {
    private static final VarHandle COUNT;
    private volatile long count;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(SentCount.class, "count", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Counts a send from the cell the ref remembers, when the sender is an actor's ref. Any thread. */
    static void countFrom(final hamlet.api.ActorRef sender) {
        if (sender instanceof AddressRef ref) {
            final ActorCell cell = ref.cell;
            if (cell != null) {
                cell.sent.increment();
            }
        }
    }

    void increment() {
        COUNT.setRelease(this, (long) COUNT.getOpaque(this) + 1);
    }

    long get() {
        return count;
    }
}
