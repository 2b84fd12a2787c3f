package hamlet.gossip.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes a gossip message; grows as needed, and the caller keeps it under the control lane's limit. */
final class WireWriter {
    private byte[] bytes = new byte[256];
    private int position;

    int size() {
        return position;
    }

    WireWriter u8(final int v) {
        ensure(1);
        bytes[position++] = (byte) v;
        return this;
    }

    WireWriter u16(final int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        ensure(2);
        bytes[position++] = (byte) (v >>> 8);
        bytes[position++] = (byte) v;
        return this;
    }

    WireWriter i32(final int v) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            bytes[position++] = (byte) (v >>> shift);
        }
        return this;
    }

    WireWriter i64(final long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[position++] = (byte) (v >>> shift);
        }
        return this;
    }

    WireWriter string(final String s) {
        final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > WireReader.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string longer than " + WireReader.MAX_STRING_BYTES + " bytes");
        }
        u16(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, position, utf8.length);
        position += utf8.length;
        return this;
    }

    WireWriter optionalString(final String s) {
        return s == null ? u16(0xffff) : string(s);
    }

    /** Overwrites a u16 written earlier (a count known only at the end). */
    void patchU16(final int at, final int v) {
        bytes[at] = (byte) (v >>> 8);
        bytes[at + 1] = (byte) v;
    }

    /** Drops everything written after a mark (an item that did not fit). */
    void truncate(final int at) {
        position = at;
    }

    byte[] toBytes() {
        return Arrays.copyOf(bytes, position);
    }

    private void ensure(final int n) {
        if (position + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, position + n));
        }
    }
}
