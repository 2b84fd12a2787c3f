package hamlet.gossip.internal;

import java.nio.charset.StandardCharsets;

/**
 * Reads a gossip message, checking every length and count against what is left before allocating anything: a
 * malformed message costs a {@link Malformed}, never an allocation it announces.
 */
final class WireReader {
    /** The longest string on the wire (node ids, URLs, actor and group names), in bytes. */
    static final int MAX_STRING_BYTES = 1024;

    private final byte[] bytes;
    private int position;

    WireReader(final byte[] bytes) {
        this.bytes = bytes;
    }

    int remaining() {
        return bytes.length - position;
    }

    int u8() throws Malformed {
        need(1);
        return bytes[position++] & 0xff;
    }

    int u16() throws Malformed {
        need(2);
        final int v = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
        position += 2;
        return v;
    }

    int i32() throws Malformed {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (bytes[position++] & 0xff);
        }
        return v;
    }

    long i64() throws Malformed {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[position++] & 0xff);
        }
        return v;
    }

    /** @return a count of items that each take at least {@code minItemBytes}, checked against what is left */
    int count(final int minItemBytes) throws Malformed {
        final int n = u16();
        if ((long) n * minItemBytes > remaining()) {
            throw new Malformed("a count of " + n + " items does not fit in the " + remaining() + " bytes left");
        }
        return n;
    }

    String string() throws Malformed {
        final int length = u16();
        if (length > MAX_STRING_BYTES) {
            throw new Malformed("a string of " + length + " bytes is longer than " + MAX_STRING_BYTES);
        }
        need(length);
        final String s = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return s;
    }

    /** @return a string, or null when the wire said absent (length 0xffff) */
    String optionalString() throws Malformed {
        need(2);
        if ((bytes[position] & 0xff) == 0xff && (bytes[position + 1] & 0xff) == 0xff) {
            position += 2;
            return null;
        }
        return string();
    }

    void end() throws Malformed {
        if (remaining() != 0) {
            throw new Malformed(remaining() + " bytes after the end of the message");
        }
    }

    private void need(final int n) throws Malformed {
        if (n > remaining()) {
            throw new Malformed("truncated: " + n + " bytes needed, " + remaining() + " left");
        }
    }
}
