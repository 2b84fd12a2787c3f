package hamlet.admin.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BearerTokenTest {
    private static final String TOKEN = "s3cr3t-Tok3n";
    private final BearerToken token = BearerToken.of(TOKEN);

    @Test
    void shouldCompareSecretsEqualOnlyWhenTheyAreTheSameWhateverTheirLengths() {
        assertTrue(BearerToken.sameSecret(TOKEN, "s3cr3t-Tok3n"));
        assertFalse(BearerToken.sameSecret(TOKEN, "s3cr3t-Tok3N"), "same length, last character differs");
        assertFalse(BearerToken.sameSecret(TOKEN, "x3cr3t-Tok3n"), "same length, first character differs");
        assertFalse(BearerToken.sameSecret(TOKEN, "s3cr3t-Tok3"), "a prefix");
        assertFalse(BearerToken.sameSecret(TOKEN, "s3cr3t-Tok3n-and-more"), "longer, starting the same");
        assertFalse(BearerToken.sameSecret(TOKEN, ""));
    }

    @Test
    void shouldAcceptOnlyTheRightBearerToken() {
        assertEquals(BearerToken.Verdict.ACCEPTED, token.check("Bearer " + TOKEN));
        assertEquals(BearerToken.Verdict.ACCEPTED, token.check("bearer   " + TOKEN + " "), "scheme in any case");
        assertEquals(BearerToken.Verdict.MISSING, token.check(null));
        assertEquals(BearerToken.Verdict.MALFORMED, token.check("Basic dXNlcjpwYXNz"));
        assertEquals(BearerToken.Verdict.MALFORMED, token.check("Bearer"));
        assertEquals(BearerToken.Verdict.MALFORMED, token.check("Bearer   "));
        assertEquals(BearerToken.Verdict.MALFORMED, token.check(TOKEN), "the token without the scheme");
        assertEquals(BearerToken.Verdict.WRONG, token.check("Bearer s3cr3t-Tok3"));
        assertEquals(BearerToken.Verdict.WRONG, token.check("Bearer " + TOKEN.toUpperCase()));
    }

    @Test
    void shouldLetEverythingInWithoutAToken() {
        assertFalse(BearerToken.of("").required());
        assertEquals(BearerToken.Verdict.ACCEPTED, BearerToken.NONE.check(null));
        assertEquals(BearerToken.Verdict.ACCEPTED, BearerToken.NONE.check("Bearer anything"));
        assertTrue(token.required());
    }

    @Test
    void shouldNotShowTheTokenWhenPrinted() {
        assertFalse(token.toString().contains(TOKEN));
        assertFalse(BearerToken.Verdict.WRONG.reason().contains(TOKEN));
    }
}
