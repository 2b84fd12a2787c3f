package hamlet.config.internal;

import java.util.OptionalInt;

/**
 * Finds HOCON text nested too deeply to hand to Typesafe Config. Its parser, resolver and renderer recurse once or
 * more per level of objects and lists: about 2,000 levels overflow a thread's default stack, and a
 * {@link StackOverflowError} is not an exception the loader can report with a line. Counting levels first, the way
 * the tokenizer sees them, refuses such a file with the line where it goes too deep, long before that.
 *
 * <p>Only what can open or close a level is lexed exactly: quoted and triple-quoted strings (their braces are
 * text) and comments ({@code #} and {@code //}, which HOCON ends at the line's end even after unquoted text). A
 * substitution's {@code ${...}} counts as a level while open, which changes nothing at real depths. Stateless.
 */
final class NestingDepth {
    /**
     * Deepest nesting accepted. Far beyond any real node config (the deepest reference key is 4 levels, an actor's
     * config block adds a few), far below where the parser's recursion needs more than the default 1 MiB stack.
     */
    static final int MAX = 256;

    private NestingDepth() {
    }

    /**
     * @param text HOCON text
     * @return the 1-based line where nesting first goes deeper than {@link #MAX}, or empty when it never does
     */
    static OptionalInt tooDeepAt(final String text) {
        int depth = 0;
        int line = 1;
        int i = 0;
        final int n = text.length();
        while (i < n) {
            final char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (c == '#' || c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (text.startsWith("\"\"\"", i)) {
                i += 3;
                while (i < n && !text.startsWith("\"\"\"", i)) {
                    line += text.charAt(i) == '\n' ? 1 : 0;
                    i++;
                }
                i += 3;
                while (i < n && text.charAt(i) == '"') {
                    i++; // """a"""" ends with its last three quotes
                }
            } else if (c == '"') {
                i++;
                while (i < n && text.charAt(i) != '"' && text.charAt(i) != '\n') {
                    i += text.charAt(i) == '\\' && i + 1 < n && text.charAt(i + 1) != '\n' ? 2 : 1;
                }
                if (i < n && text.charAt(i) == '"') {
                    i++; // an unclosed string ends at the line's end, which the loop above counts
                }
            } else {
                if (c == '{' || c == '[') {
                    depth++;
                    if (depth > MAX) {
                        return OptionalInt.of(line);
                    }
                } else if ((c == '}' || c == ']') && depth > 0) {
                    depth--;
                }
                i++;
            }
        }
        return OptionalInt.empty();
    }
}
