package hamlet.admin.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The bearer token the API requires, and the check of a request's {@code Authorization} header against it.
 * Only the token's SHA-256 is kept. The presented value is hashed too and the two digests compared with
 * {@link MessageDigest#isEqual}, which takes the same time wherever they differ: since both digests are 32 bytes
 * whatever was sent, neither the position of a wrong character nor the token's length shows in the time a
 * refusal takes. Immutable and thread-safe.
 */
final class BearerToken {
    /** No token: every request is let in (the API on a loopback address). */
    static final BearerToken NONE = new BearerToken(null);

    private static final String SCHEME = "bearer";

    /** What a request's header came to. */
    enum Verdict {
        /** The right token, or none required. */
        ACCEPTED(null),
        /** No Authorization header. */
        MISSING("no bearer token"),
        /** An Authorization header of another scheme, or an empty token. */
        MALFORMED("an Authorization header that is not 'Bearer <token>'"),
        /** A bearer token, but not this one. */
        WRONG("a wrong bearer token");

        private final String reason;

        Verdict(final String reason) {
            this.reason = reason;
        }

        /** @return what the request lacked, for the log and the answer; never the value it presented */
        String reason() {
            return reason;
        }
    }

    private final byte[] digest;

    private BearerToken(final byte[] digest) {
        this.digest = digest;
    }

    /**
     * @param token the token, {@code ""} for none
     * @return the check for it
     */
    static BearerToken of(final String token) {
        return token == null || token.isEmpty() ? NONE : new BearerToken(sha256(token));
    }

    /** @return whether requests must carry a token */
    boolean required() {
        return digest != null;
    }

    /**
     * @param authorization the request's {@code Authorization} header, {@code null} when absent
     * @return whether it carries this token, and if not, why
     */
    Verdict check(final String authorization) {
        if (digest == null) {
            return Verdict.ACCEPTED;
        }
        if (authorization == null) {
            return Verdict.MISSING;
        }
        final String header = authorization.strip();
        final int space = header.indexOf(' ');
        // RFC 7235: the scheme is case-insensitive; one or more spaces follow it.
        if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return Verdict.MALFORMED;
        }
        final String presented = header.substring(space + 1).strip();
        if (presented.isEmpty()) {
            return Verdict.MALFORMED;
        }
        return MessageDigest.isEqual(digest, sha256(presented)) ? Verdict.ACCEPTED : Verdict.WRONG;
    }

    /**
     * The comparison, on its own: equal strings are equal, and anything else, of any length, is not, in the time
     * two SHA-256 digests take to compare.
     *
     * @param expected the secret
     * @param presented what was sent
     * @return whether they are the same
     */
    static boolean sameSecret(final String expected, final String presented) {
        return MessageDigest.isEqual(sha256(expected), sha256(presented));
    }

    private static byte[] sha256(final String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return digest == null ? "no token" : "a bearer token";
    }
}
