package hamlet.kernel;

import org.osgi.framework.BundleException;

/**
 * Turns the exception Felix reports for a bundle that cannot start into the short reason an operator needs.
 *
 * <p>A resolution failure reads "Unable to resolve b [7](R 7.0): missing requirement [b [7](R 7.0)]
 * osgi.wiring.package; (osgi.wiring.package=x) [caused by: Unable to resolve c ...] Unresolved requirements: [...]".
 * Only the requirement matters, and when the chain names another bundle, the deepest one is the real culprit.
 */
public final class StartFailure {
    private static final String MISSING = "missing requirement ";
    private static final String CAUSED_BY = "[caused by: ";
    private static final String UNRESOLVED = " Unresolved requirements:";
    private static final String UNABLE = "Unable to resolve ";

    private StartFailure() {
    }

    /** The reason a bundle did not start, on one line. */
    public static String reason(final Throwable failure) {
        final String message = failure.getMessage();
        if (message != null && message.contains(MISSING)) {
            return requirement(message);
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String first = message != null ? message : failure.toString();
        return oneLine(root == failure ? first : first + ": " + root);
    }

    /** True when the failure is about a bundle that could not resolve (as opposed to one whose activator failed). */
    public static boolean isResolution(final Throwable failure) {
        return failure instanceof BundleException be && be.getType() == BundleException.RESOLVE_ERROR
            || failure.getMessage() != null && failure.getMessage().startsWith(UNABLE);
    }

    /** The bundle a resolution chain really fails on ("c" above), or null when the failing bundle is that one. */
    public static String culprit(final Throwable failure) {
        final String message = failure.getMessage();
        if (message == null) {
            return null;
        }
        final int deepest = message.lastIndexOf(CAUSED_BY + UNABLE);
        if (deepest < 0) {
            return null;
        }
        final int start = deepest + CAUSED_BY.length() + UNABLE.length();
        final int end = message.indexOf(':', start);
        return end < 0 ? null : bundleName(message.substring(start, end));
    }

    /**
     * The deepest "missing requirement" of a Felix resolution message, without the bracketed requirer, e.g.
     * "missing requirement osgi.wiring.package; (&(osgi.wiring.package=x)(version>=1.0.0))".
     */
    static String requirement(final String message) {
        final int at = message.lastIndexOf(MISSING);
        String rest = message.substring(at + MISSING.length()).trim();
        if (rest.startsWith("[")) {
            final int close = closingBracket(rest);
            rest = close < 0 ? rest : rest.substring(close + 1).trim();
        }
        rest = cut(rest, UNRESOLVED);
        rest = cut(rest, " " + CAUSED_BY);
        while (rest.endsWith("]") && count(rest, '[') < count(rest, ']')) {
            rest = rest.substring(0, rest.length() - 1).trim();
        }
        return oneLine(MISSING + rest);
    }

    /** "c [7](R 7.0)" -> "c". */
    private static String bundleName(final String requirer) {
        final int bracket = requirer.indexOf(" [");
        return (bracket < 0 ? requirer : requirer.substring(0, bracket)).trim();
    }

    private static int closingBracket(final String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String cut(final String text, final String marker) {
        final int at = text.indexOf(marker);
        return at < 0 ? text : text.substring(0, at).trim();
    }

    private static int count(final String text, final char c) {
        return (int) text.chars().filter(ch -> ch == c).count();
    }

    private static String oneLine(final String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
