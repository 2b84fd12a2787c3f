package hamlet.config.internal;

import com.typesafe.config.ConfigOrigin;

/**
 * Why a proposed config was refused, and where the fault is.
 *
 * @param file the file (or override, or bundle reference) that holds the fault
 * @param line the line of the fault, or -1 when unknown
 * @param message what is wrong, naming the key when there is one
 */
record Refusal(String file, int line, String message) {

    /**
     * Places a fault by the origin Typesafe Config gives it. The config file is parsed from text with its path as
     * the origin description, so an origin from it reads "path: line"; other origins keep their description
     * ("environment variable HAMLET_X", "hamlet.registry/reference.conf").
     *
     * @param origin where the fault came from, may be null
     * @param fallbackFile the file to name when the origin says nothing
     * @param message what is wrong; the line is appended when known
     * @return the refusal
     */
    static Refusal at(final ConfigOrigin origin, final String fallbackFile, final String message) {
        if (origin == null) {
            return new Refusal(fallbackFile, -1, message);
        }
        final int line = origin.lineNumber();
        final String file = source(origin, fallbackFile);
        return new Refusal(file, line, line >= 0 ? message + " (line " + line + ")" : message);
    }

    /** @return the origin's file or description, without the line number Typesafe Config appends */
    static String source(final ConfigOrigin origin, final String fallbackFile) {
        if (origin.filename() != null) {
            return origin.filename();
        }
        final String description = origin.description().replaceFirst(": \\d+(-\\d+)?$", "");
        return description.isEmpty() ? fallbackFile : description;
    }

    /** @return "file:line" or just "file" when the line is unknown */
    String where() {
        return line >= 0 ? file + ":" + line : file;
    }
}
