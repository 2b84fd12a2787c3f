package hamlet.example.load;

import java.nio.ByteBuffer;
import java.util.Base64;

import org.HdrHistogram.Histogram;

/** Latency histograms as they travel in a stats reply: HdrHistogram's compressed form, in Base64. */
final class Histograms {
    private Histograms() {
    }

    /** @return an auto-resizing histogram of nanoseconds with 3 significant digits */
    static Histogram create() {
        return new Histogram(3);
    }

    static String encode(final Histogram histogram) {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        final byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
