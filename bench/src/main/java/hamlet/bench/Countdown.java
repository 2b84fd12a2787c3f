package hamlet.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets one benchmark thread wait until actors have seen a number of messages. Actors call {@link #arrived()} from
 * dispatcher threads; the last arrival wakes the waiter. A wait fails, rather than hangs, when the runtime
 * dead-lettered a message or nothing completes within {@link #TIMEOUT_NS}.
 */
final class Countdown {
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long RECHECK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong remaining = new AtomicLong();
    private volatile Thread waiter;

    /** Called by the waiter before it sends: arms the count for {@code messages} arrivals. */
    void expect(final long messages) {
        waiter = Thread.currentThread();
        remaining.set(messages);
    }

    /** Called by an actor for each message it counts. */
    void arrived() {
        if (remaining.decrementAndGet() == 0) {
            LockSupport.unpark(waiter);
        }
    }

    /**
     * Parks until the count is reached: for waits long enough that a wake-up's cost does not matter.
     *
     * @param runtime the runtime whose dead letters to watch
     * @param deadLettersBefore its dead-letter count before the messages were sent
     */
    void await(final ActorRuntime runtime, final long deadLettersBefore) {
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (remaining.get() > 0) {
            // Woken early by the last arrival; the timeout only bounds how late a failure is noticed.
            LockSupport.parkNanos(this, RECHECK_NS);
            check(runtime, deadLettersBefore, deadline);
        }
    }

    /**
     * Spins until the count is reached: for a single round trip, where parking would measure the OS scheduler
     * rather than the runtime. Costs the waiter's core while it waits.
     *
     * @param runtime the runtime whose dead letters to watch
     * @param deadLettersBefore its dead-letter count before the messages were sent
     */
    void spin(final ActorRuntime runtime, final long deadLettersBefore) {
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        int spins = 0;
        while (remaining.get() > 0) {
            Thread.onSpinWait();
            if ((++spins & 0xFFFF) == 0) {
                check(runtime, deadLettersBefore, deadline);
            }
        }
    }

    private void check(final ActorRuntime runtime, final long deadLettersBefore, final long deadline) {
        final long lost = runtime.deadLetters() - deadLettersBefore;
        if (lost != 0) {
            throw new IllegalStateException(lost + " messages went to dead letters (a mailbox overflowed?); "
                    + remaining.get() + " never arrived");
        }
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(remaining.get() + " messages did not arrive within "
                    + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NS) + " s");
        }
    }
}
