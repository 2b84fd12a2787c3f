package hamlet.transport.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Control-lane messages for a URL that is being dialed (a node heard of but not linked yet): they wait for the link,
 * a few per URL and for a bounded number of URLs; more are dropped, as the lane is unreliable by contract.
 *
 * <p>Owned by the transport's agent thread.
 */
final class ControlWaiting {
    /** One message waiting. */
    record Message(int channel, byte[] payload) {
    }

    private final int perUrl;
    private final Map<String, List<Message>> byUrl = new HashMap<>();

    /** @param perUrl messages that may wait for one URL */
    ControlWaiting(final int perUrl) {
        this.perUrl = perUrl;
    }

    /**
     * @param url where it goes
     * @param message the message
     * @param maxUrls URLs that may have messages waiting
     * @return whether it waits now; {@code false} when dropped
     */
    boolean add(final String url, final Message message, final int maxUrls) {
        final List<Message> queued = byUrl.get(url);
        if (queued == null) {
            if (byUrl.size() >= maxUrls) {
                return false;
            }
            final List<Message> first = new ArrayList<>();
            first.add(message);
            byUrl.put(url, first);
            return true;
        }
        if (queued.size() >= perUrl) {
            return false;
        }
        queued.add(message);
        return true;
    }

    /**
     * @param url a URL whose node is now linked
     * @return what waited for it, oldest first; nothing waits for it any more
     */
    List<Message> take(final String url) {
        final List<Message> queued = url == null ? null : byUrl.remove(url);
        return queued == null ? List.of() : queued;
    }

    /**
     * Drops what waits for URLs that are not dialed any more (the dialer forgot them), so that they do not hold the
     * places of URLs that are.
     *
     * @param dialed whether a URL is still dialed
     * @return how many messages were dropped
     */
    int retain(final Predicate<String> dialed) {
        int dropped = 0;
        for (final Iterator<Map.Entry<String, List<Message>>> it = byUrl.entrySet().iterator(); it.hasNext(); ) {
            final Map.Entry<String, List<Message>> e = it.next();
            if (!dialed.test(e.getKey())) {
                dropped += e.getValue().size();
                it.remove();
            }
        }
        return dropped;
    }
}
