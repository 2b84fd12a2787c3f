package hamlet.config.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What one look at the config file saw. Immutable. Two looks that saw the same {@link #fingerprint()} saw the same
 * file: same kind, last-modified time, size and content hash.
 *
 * @param kind whether the file was there and readable
 * @param lastModifiedMs the file's last-modified time, 0 unless present
 * @param size the file's size in bytes, 0 unless present
 * @param hash the SHA-256 of the content, hex; empty unless present
 * @param text the content as UTF-8 text; empty unless present
 * @param error why the file could not be read; empty unless unreadable
 */
record FileState(Kind kind, long lastModifiedMs, long size, String hash, String text, String error) {
    enum Kind { PRESENT, MISSING, UNREADABLE }

    /** The part of a look that tells whether the file changed. */
    record Fingerprint(Kind kind, long lastModifiedMs, long size, String hash, String error) {
    }

    static FileState present(final long lastModifiedMs, final long size, final byte[] content) {
        return new FileState(Kind.PRESENT, lastModifiedMs, size, sha256(content),
            new String(content, StandardCharsets.UTF_8), "");
    }

    static FileState missing() {
        return new FileState(Kind.MISSING, 0, 0, "", "", "");
    }

    static FileState unreadable(final String error) {
        return new FileState(Kind.UNREADABLE, 0, 0, "", "", error);
    }

    Fingerprint fingerprint() {
        return new Fingerprint(kind, lastModifiedMs, size, hash, error);
    }

    private static String sha256(final byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
