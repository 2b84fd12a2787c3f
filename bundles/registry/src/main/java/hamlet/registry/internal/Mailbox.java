package hamlet.registry.internal;

import org.jctools.queues.MpscChunkedArrayQueue;

/**
 * One actor's mailbox: bounded, lock-free, many producers and one consumer, FIFO.
 *
 * <p>Threading: any thread may {@link #offer}; only the thread running the actor's turn may {@link #poll} (the
 * actor's scheduled flag makes sure there is one such thread at a time, with a happens-before edge between turns).
 *
 * <p>The bound is the configured capacity rounded up to the next power of two (JCTools sizes its queues by powers
 * of two). Memory follows what is waiting, not the bound: the queue is a chain of fixed-size chunks, made when a
 * burst needs one and reused while the consumer keeps up, so ten thousand idle actors cost one small chunk each.
 *
 * @param <E> what the mailbox holds
 */
final class Mailbox<E> {
    /** Chunk length: bursts up to this size need no allocation; every idle mailbox holds one chunk. */
    private static final int MAX_CHUNK = 64;

    private final MpscChunkedArrayQueue<E> queue;
    private final int bound;

    /**
     * @param capacity the wanted bound, 4 to 2^30; rounded up to a power of two
     */
    Mailbox(final int capacity) {
        if (capacity < RegistrySettings.MIN_MAILBOX || capacity > RegistrySettings.MAX_MAILBOX) {
            throw new IllegalArgumentException("mailbox capacity must be " + RegistrySettings.MIN_MAILBOX + " to "
                + RegistrySettings.MAX_MAILBOX + ", got " + capacity);
        }
        this.bound = Integer.highestOneBit(capacity - 1) << 1;
        this.queue = new MpscChunkedArrayQueue<>(Math.min(MAX_CHUNK, bound / 2), bound);
    }

    /**
     * Adds at the tail. Any thread.
     *
     * @param element what to add, not null
     * @return false iff the mailbox holds {@link #bound()} elements
     */
    boolean offer(final E element) {
        return queue.offer(element);
    }

    /**
     * Takes the head. Consumer thread only. May return {@code null} while a producer is between claiming a slot
     * and filling it: {@link #isEmpty()} is then false, and the caller comes back later instead of spinning.
     *
     * @return the head, or {@code null}
     */
    E poll() {
        return queue.relaxedPoll();
    }

    /** @return whether nothing is waiting, counting offers still in progress as waiting */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** @return how many are waiting; exact when no thread offers or polls meanwhile */
    int size() {
        return queue.size();
    }

    /** @return the most elements it holds: a power of two */
    int bound() {
        return bound;
    }
}
