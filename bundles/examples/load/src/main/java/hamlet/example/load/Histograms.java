package hamlet.example.load;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * Latency histograms as they travel in a stats reply: HdrHistogram's compressed form, in Base64. Public (the
 * package is not exported) for the two benches that decode them: bin/hamlet bench and the Pekko reference.
 */
public final class Histograms {
    private Histograms() {
    }

    /** @return an auto-resizing histogram of nanoseconds with 3 significant digits */
    public static Histogram create() {
        return new Histogram(3);
    }

    public static String encode(final Histogram histogram) {
        final ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        final int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        final byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** @throws IllegalStateException when the text is not a histogram {@link #encode} wrote */
    public static Histogram decode(final String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (final DataFormatException e) {
            throw new IllegalStateException("a histogram that does not decode: " + e.getMessage(), e);
        }
    }
}
