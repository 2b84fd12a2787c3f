package hamlet.transport.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes every peer's outbox may hold together ({@code hamlet.transport.node-outbox-max-bytes}): several peers
 * away at once must not add up to more heap than the node can spare. Each link reserves an envelope's encoded bytes
 * when it accepts it and releases them when the envelope leaves its outbox (acknowledged, given up, abandoned).
 *
 * <p>Threading: any thread; lock-free.
 */
final class OutboxBudget {
    private final AtomicLong used = new AtomicLong();
    private volatile long max;

    /** @param max the bytes all outboxes may hold together */
    OutboxBudget(final long max) {
        this.max = max;
    }

    /** @param newMax a new bound (a live edit); envelopes already held stay */
    void max(final long newMax) {
        this.max = newMax;
    }

    /**
     * @param bytes an envelope's encoded size
     * @return whether they were reserved; {@code false} leaves nothing reserved
     */
    boolean tryReserve(final long bytes) {
        final long bound = max;
        while (true) {
            final long now = used.get();
            if (now + bytes > bound) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** @param bytes released by an envelope that left an outbox */
    void release(final long bytes) {
        used.addAndGet(-bytes);
    }

    /** @return the bytes held now */
    long used() {
        return used.get();
    }
}
