package hamlet.gossip.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The updates waiting to be piggybacked: one per member (newer news about a member replaces the older), each sent
 * until it has gone out {@code limit} times, the least-sent and then the newest first, as many as fit in a byte
 * budget per message.
 *
 * <p>Threading: owned by the membership's thread.
 */
final class Broadcasts {
    private static final class Entry {
        final String key;
        final byte[] bytes;
        final long order;
        int transmits;

        Entry(final String key, final byte[] bytes, final long order) {
            this.key = key;
            this.bytes = bytes;
            this.order = order;
        }
    }

    private final TreeSet<Entry> queue = new TreeSet<>(Comparator.<Entry>comparingInt(e -> e.transmits)
        .thenComparing(e -> -e.order));
    private final Map<String, Entry> byKey = new HashMap<>();
    private long nextOrder;

    /** Queues an update, replacing what was queued about the same member. */
    void queue(final Update update) {
        final WireWriter out = new WireWriter();
        update.write(out);
        final Entry old = byKey.remove(update.id());
        if (old != null) {
            queue.remove(old);
        }
        final Entry e = new Entry(update.id(), out.toBytes(), nextOrder++);
        byKey.put(e.key, e);
        queue.add(e);
    }

    int size() {
        return queue.size();
    }

    /**
     * Writes a count and as many updates as fit in the budget, after {@code first} when there is one (a probe's
     * target told that it is suspected, Lifeguard's buddy system: it goes out whether or not the queue still holds
     * that news, and in place of whatever the queue says about the same member).
     *
     * @param out the message being written
     * @param budget the most bytes of updates
     * @param limit how many times an update goes out before it is dropped
     * @param first an update to write first, or null
     * @return how many updates were written
     */
    int fill(final WireWriter out, final int budget, final int limit, final Update first) {
        final int countAt = out.size();
        out.u16(0);
        int used = 0;
        int extra = 0;
        final Entry skip = first == null ? null : byKey.get(first.id());
        if (first != null) {
            final int before = out.size();
            first.write(out);
            used += out.size() - before;
            extra = 1;
        }
        final List<Entry> taken = new ArrayList<>();
        for (final Entry e : queue) {
            if (used + Update.MIN_BYTES > budget || taken.size() >= 0xfff0) {
                break;
            }
            if (e != skip && used + e.bytes.length <= budget) {
                taken.add(e);
                used += e.bytes.length;
            }
        }
        for (final Entry e : taken) {
            queue.remove(e);
            writeRaw(out, e.bytes);
            e.transmits++;
            if (e.transmits < limit) {
                queue.add(e);
            } else {
                byKey.remove(e.key);
            }
        }
        out.patchU16(countAt, taken.size() + extra);
        return taken.size() + extra;
    }

    private static void writeRaw(final WireWriter out, final byte[] bytes) {
        for (final byte b : bytes) {
            out.u8(b);
        }
    }
}
