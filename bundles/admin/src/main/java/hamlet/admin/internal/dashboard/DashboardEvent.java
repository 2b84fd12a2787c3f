package hamlet.admin.internal.dashboard;

/**
 * One line of the dashboard's event list.
 *
 * @param seq its number on this node, from 1, so that the page never shows one twice
 * @param atMillis when this node saw it, epoch milliseconds
 * @param kind a short word the page colours by ({@code joined}, {@code suspect}, {@code dead}, {@code takeover}, ...)
 * @param node the member it is about
 * @param text a sentence
 */
public record DashboardEvent(long seq, long atMillis, String kind, String node, String text) {
}
