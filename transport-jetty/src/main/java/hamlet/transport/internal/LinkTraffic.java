package hamlet.transport.internal;

import hamlet.api.metrics.Histogram;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One link's traffic for the metrics: frames and bytes written and read, and how many envelopes each DATA frame
 * carried. Counted once per frame (a frame carries a batch), so an atomic add here costs nothing per message.
 *
 * <p>Threading: written by the link's writer (under its lock) and its connection's reader; read by any thread.
 */
final class LinkTraffic {
    /** Envelopes per DATA frame: one (a lone request) to thousands (a burst under the 256 KiB target). */
    static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong acksOut = new AtomicLong();
    private final AtomicLong acksIn = new AtomicLong();
    private final Histogram batches = new Histogram(BATCH_BOUNDS);

    void ackWritten() {
        acksOut.incrementAndGet();
    }

    void ackRead() {
        acksIn.incrementAndGet();
    }

    long acksOut() {
        return acksOut.get();
    }

    long acksIn() {
        return acksIn.get();
    }

    /** @param frames frames handed to the connection in one write */
    void written(final List<ByteBuffer> frames) {
        long bytes = 0;
        for (final ByteBuffer frame : frames) {
            bytes += frame.remaining();
        }
        framesOut.addAndGet(frames.size());
        bytesOut.addAndGet(bytes);
    }

    /** @param envelopes envelopes in one DATA frame written */
    void batch(final int envelopes) {
        batches.observe(envelopes);
    }

    void frameRead() {
        framesIn.incrementAndGet();
    }

    void bytesRead(final int bytes) {
        bytesIn.addAndGet(bytes);
    }

    long framesOut() {
        return framesOut.get();
    }

    long bytesOut() {
        return bytesOut.get();
    }

    long framesIn() {
        return framesIn.get();
    }

    long bytesIn() {
        return bytesIn.get();
    }

    Histogram.Snapshot batches() {
        return batches.snapshot();
    }
}
