package hamlet.api.trace;

import java.util.Locale;

/**
 * One thing that happened to a traced message on one node.
 *
 * @param traceId the message's trace id, not 0
 * @param node the node it happened on
 * @param epochMicros when, in microseconds since the epoch, by that node's clock (nodes' clocks differ a little:
 *     hops of different nodes are ordered by these times, so a skew can swap two close hops)
 * @param event what happened, in a word: {@code sent}, {@code delivered}, {@code dead-letter},
 *     {@code replied}; new words may come
 * @param from the sender's address, or {@code null} for none
 * @param to where the message went
 * @param detail more, or {@code null}: for {@code sent}, the node it went to when that is another; for
 *     {@code dead-letter}, the reason
 */
public record TraceHop(long traceId, String node, long epochMicros, String event, String from, String to,
                       String detail) {
    /**
     * @param traceId a trace id
     * @return it as operators see it: 16 lowercase hex digits
     */
    public static String hex(final long traceId) {
        final String digits = Long.toHexString(traceId);
        return "0000000000000000".substring(digits.length()) + digits;
    }

    /**
     * Reads a trace id as operators write it: 1 to 16 hex digits, either case, not all zero.
     *
     * @param text the text
     * @return the trace id
     * @throws IllegalArgumentException saying what a trace id looks like when {@code text} is not one
     */
    public static long parse(final String text) {
        final String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.isEmpty() || trimmed.length() > 16 || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9'
            || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("a trace id is 16 hex digits (as logs and dead letters show it, "
                + "e.g. 0123456789abcdef), got '" + (text == null ? "" : text.strip()) + "'");
        }
        final long id = Long.parseUnsignedLong(trimmed, 16);
        if (id == 0) {
            throw new IllegalArgumentException("trace id 0 means no trace: no message has it");
        }
        return id;
    }

    /** @return one line: time, node, event, from, to and detail */
    @Override
    public String toString() {
        return epochMicros + " " + node + " " + event + " " + (from == null ? "-" : from) + " -> " + to
            + (detail == null ? "" : " (" + detail + ")");
    }
}
