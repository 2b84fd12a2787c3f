package hamlet.registry.internal;

import java.util.Comparator;

/**
 * Orders behaviour versions as OSGi orders bundle versions: {@code major.minor.micro.qualifier}, numbers compared as
 * numbers, missing parts as 0, the qualifier as text. A version that does not parse sorts below every one that
 * does, by its text. Stateless.
 */
final class BehaviorVersion {
    /** Highest first. */
    static final Comparator<String> HIGHEST_FIRST = BehaviorVersion::compare;

    /** What a behaviour registered without a version is shown as. */
    static final String NONE = "0.0.0";

    private BehaviorVersion() {
    }

    /**
     * @param a a version, or null for {@link #NONE}
     * @param b another
     * @return negative when {@code a} is the higher (so that sorting puts the highest first), 0 when equal
     */
    static int compare(final String a, final String b) {
        return Long.signum(rank(b, a));
    }

    /** @return > 0 when {@code a} is above {@code b} */
    private static long rank(final String a, final String b) {
        final Parsed x = Parsed.of(a);
        final Parsed y = Parsed.of(b);
        if (x.valid != y.valid) {
            return x.valid ? 1 : -1;
        }
        for (int i = 0; i < 3; i++) {
            if (x.numbers[i] != y.numbers[i]) {
                return Long.compare(x.numbers[i], y.numbers[i]);
            }
        }
        return x.qualifier.compareTo(y.qualifier);
    }

    /** A version split in its parts. */
    private static final class Parsed {
        final boolean valid;
        final long[] numbers = new long[3];
        final String qualifier;

        private Parsed(final boolean valid, final String qualifier) {
            this.valid = valid;
            this.qualifier = qualifier;
        }

        static Parsed of(final String text) {
            final String version = text == null || text.isBlank() ? NONE : text.trim();
            final String[] parts = version.split("\\.", 4);
            final Parsed parsed = new Parsed(true, parts.length == 4 ? parts[3] : "");
            try {
                for (int i = 0; i < Math.min(3, parts.length); i++) {
                    parsed.numbers[i] = Long.parseLong(parts[i]);
                    if (parsed.numbers[i] < 0) {
                        return new Parsed(false, version);
                    }
                }
            } catch (final NumberFormatException e) {
                return new Parsed(false, version);
            }
            return parsed;
        }
    }
}
