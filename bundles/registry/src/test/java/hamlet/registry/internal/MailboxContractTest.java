package hamlet.registry.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mailbox's contract: FIFO, bounded at a power of two, many producers and one consumer without loss. */
class MailboxContractTest {
    @ParameterizedTest
    @CsvSource({"4,4", "5,8", "16,16", "1000,1024", "8192,8192", "1073741824,1073741824"})
    void shouldRoundTheBoundUpToAPowerOfTwo(final int capacity, final int bound) {
        assertEquals(bound, new Mailbox<Integer>(capacity).bound());
        assertEquals(bound, TestNode.settings("hamlet.registry.mailbox.capacity = " + capacity).mailboxBound());
    }

    @Test
    void shouldRefuseCapacitiesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new Mailbox<Integer>(3));
        assertThrows(IllegalArgumentException.class, () -> new Mailbox<Integer>((1 << 30) + 1));
    }

    @Test
    void shouldRefuseAnOfferExactlyWhenFullAndTakeOneAgainAfterAPoll() {
        final Mailbox<Integer> mailbox = new Mailbox<>(16);
        for (int i = 0; i < 16; i++) {
            assertTrue(mailbox.offer(i), "offer " + i + " of 16");
        }
        assertFalse(mailbox.offer(16), "the 17th offer to a mailbox of 16");
        assertEquals(16, mailbox.size());
        assertEquals(0, mailbox.poll());
        assertTrue(mailbox.offer(16));
        assertFalse(mailbox.offer(17));
    }

    @Test
    void shouldGiveBackInOfferOrderAcrossChunks() {
        final Mailbox<Integer> mailbox = new Mailbox<>(1024);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1000; i++) {
                assertTrue(mailbox.offer(i));
            }
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, mailbox.poll());
            }
        }
        assertNull(mailbox.poll());
        assertTrue(mailbox.isEmpty());
        assertEquals(0, mailbox.size());
    }

    @Test
    void shouldLoseNothingAndKeepEachProducersOrderWithManyProducers() throws Exception {
        final int producers = 4;
        final int each = 50_000;
        final Mailbox<long[]> mailbox = new Mailbox<>(1024);
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int producer = p;
            final Thread thread = new Thread(() -> {
                awaitQuietly(start);
                for (int seq = 0; seq < each; seq++) {
                    final long[] item = {producer, seq};
                    while (!mailbox.offer(item)) {
                        // Yield, not spin: five threads on two loaded cores, spinning, starve the consumer.
                        Thread.yield();
                    }
                }
            }, "producer-" + p);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        final int[] next = new int[producers];
        final long deadline = System.nanoTime() + TestNode.DEADLINE.toNanos();
        int received = 0;
        while (received < producers * each) {
            final long[] item = mailbox.poll();
            if (item == null) {
                assertTrue(System.nanoTime() - deadline < 0, "received only " + received);
                Thread.yield();
                continue;
            }
            assertEquals(next[(int) item[0]], item[1], "order of producer " + item[0]);
            next[(int) item[0]]++;
            received++;
        }
        for (final Thread thread : threads) {
            thread.join(TestNode.DEADLINE.toMillis());
        }
        assertTrue(mailbox.isEmpty());
        for (int p = 0; p < producers; p++) {
            assertEquals(each, next[p], "all of producer " + p);
        }
    }

    private static void awaitQuietly(final CountDownLatch latch) {
        try {
            latch.await(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
