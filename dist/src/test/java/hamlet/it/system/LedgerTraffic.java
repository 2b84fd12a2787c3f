package hamlet.it.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * A steady stream of numbered asks to ledger actors (the ledger example: it replies with its count, the last number
 * it had seen from that sender, and the node that runs it) through one node's admin API, and the checks a user would
 * make of the replies. One thread per (sender id, actor): each asks {@code {"from": id, "seq": n}} with n = 1, 2,
 * 3..., the next once the previous ask ended (answered, timed out or refused), every {@code paceMs} at most.
 *
 * <p>What the checks say, per actor:
 * <ul>
 * <li><b>acknowledged lost</b>: a reply whose {@code prev} is below the highest number of that sender answered
 * before: the actor's state no longer holds a message it had answered (a takeover from an older copy);</li>
 * <li><b>seen twice</b>: a reply saying {@code duplicate}, or a final state counting any (a number that came after a
 * higher one but had not been seen is {@code late}, not a duplicate: an ask that timed out while its message waited
 * on a stalled owner may be delivered after the sender's next one);</li>
 * <li><b>count went back</b>: a reply whose count is not above the count of a reply received before its ask was
 * sent (another activation answering with another state).</li>
 * </ul>
 * An ask that ended without a reply (a timeout while nobody ran the actor, a message the old owner took and died with
 * before its copy was acknowledged) is allowed: at most once for what was not acknowledged.
 */
public final class LedgerTraffic implements AutoCloseable {
    /** One ask: {@code count}, {@code prev} are -1 without a reply. */
    public record Ask(String sender, String to, long seq, long sentNs, long doneNs, int status, long count, long prev,
                      String node, boolean duplicate, String body) {
        public boolean answered() {
            return status == 200 && count >= 0;
        }

        @Override
        public String toString() {
            return to + " " + sender + "#" + seq + " -> " + (answered() ? "count " + count + " prev " + prev + " from "
                + node + (duplicate ? " DUPLICATE" : "") : status + " " + body);
        }
    }

    /** What the checks found for one actor; the lists are empty when all is well. */
    public record Report(String to, int asked, int answered, List<Ask> unanswered, List<String> lost,
                         List<String> duplicates, List<String> wentBack) {
        public boolean clean() {
            return lost.isEmpty() && duplicates.isEmpty() && wentBack.isEmpty();
        }

        @Override
        public String toString() {
            return to + ": " + asked + " asked, " + answered + " answered, " + unanswered.size() + " without a reply"
                + (unanswered.isEmpty() ? "" : " " + brief(unanswered)) + "; acknowledged lost " + lost.size() + brief(
                lost) + ", seen twice " + duplicates.size() + brief(duplicates) + ", count went back " + wentBack.size()
                + brief(wentBack);
        }

        private static String brief(final List<?> items) {
            return items.isEmpty() ? "" : " " + items.subList(0, Math.min(5, items.size()))
                + (items.size() > 5 ? " ..." : "");
        }
    }

    private final Supplier<NodeProcess> via;
    private final long paceNs;
    private final long askTimeoutMs;
    private final ConcurrentLinkedQueue<Ask> asks = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * Starts the stream.
     *
     * @param name         a prefix of the sender ids (ids are {@code name-i})
     * @param via          the node whose admin API the asks go through (asked before each ask)
     * @param targets      the actors' addresses, e.g. {@code ledger}
     * @param senders      how many sender threads per actor
     * @param paceMs       the least time between two asks of one thread
     * @param askTimeoutMs each ask's {@code timeoutMs}
     */
    public static LedgerTraffic start(final String name, final Supplier<NodeProcess> via, final List<String> targets,
                                      final int senders, final long paceMs, final long askTimeoutMs) {
        final LedgerTraffic traffic = new LedgerTraffic(via, paceMs, askTimeoutMs);
        for (final String to : targets) {
            for (int i = 1; i <= senders; i++) {
                final String sender = name + "-" + i;
                final Thread t = new Thread(() -> traffic.run(sender, to), "ledger-traffic-" + sender + "-" + to);
                t.setDaemon(true);
                traffic.threads.add(t);
            }
        }
        traffic.threads.forEach(Thread::start);
        return traffic;
    }

    private LedgerTraffic(final Supplier<NodeProcess> via, final long paceMs, final long askTimeoutMs) {
        this.via = via;
        this.paceNs = TimeUnit.MILLISECONDS.toNanos(paceMs);
        this.askTimeoutMs = askTimeoutMs;
    }

    private void run(final String sender, final String to) {
        long seq = 0;
        long next = System.nanoTime();
        while (running) {
            seq++;
            final long sent = System.nanoTime();
            asks.add(ask(sender, to, seq, sent));
            next = Math.max(next + paceNs, System.nanoTime());
            final long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private Ask ask(final String sender, final String to, final long seq, final long sent) {
        final String request = "{\"to\":\"" + to + "\",\"body\":{\"from\":\"" + sender + "\",\"seq\":" + seq
            + "},\"timeoutMs\":" + askTimeoutMs + "}";
        try {
            final NodeProcess.Reply r = via.get().post("/api/ask", request);
            final JsonElement reply = r.at("reply");
            if (r.status() == 200 && reply != null && reply.isJsonObject() && reply.getAsJsonObject().has("count")) {
                final JsonObject o = reply.getAsJsonObject();
                return new Ask(sender, to, seq, sent, System.nanoTime(), 200, o.get("count").getAsLong(),
                    o.has("prev") ? o.get("prev").getAsLong() : -1, o.has("node") ? o.get("node").getAsString() : "?",
                    o.has("duplicate") && o.get("duplicate").getAsBoolean(), "");
            }
            return new Ask(sender, to, seq, sent, System.nanoTime(), r.status(), -1, -1, null, false, r.body());
        } catch (final IOException e) {
            return new Ask(sender, to, seq, sent, System.nanoTime(), -1, -1, -1, null, false, e.toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return new Ask(sender, to, seq, sent, System.nanoTime(), -1, -1, -1, null, false, "interrupted");
        }
    }

    /** @return every ask ended so far, in the order they ended */
    public List<Ask> asks() {
        return List.copyOf(asks);
    }

    /** @return how many asks were answered so far */
    public long answered() {
        return asks.stream().filter(Ask::answered).count();
    }

    /** @return the first answered ask (by when it ended) that ended after {@code afterNs} and matches */
    public Optional<Ask> firstAnsweredAfter(final long afterNs, final Predicate<Ask> matching) {
        return asks.stream().filter(a -> a.answered() && a.doneNs() - afterNs > 0 && matching.test(a))
            .min(Comparator.comparingLong(Ask::doneNs));
    }

    /** @return the asks sent at or after {@code fromNs} and ended by {@code toNs} */
    public List<Ask> between(final long fromNs, final long toNs) {
        return asks.stream().filter(a -> a.sentNs() - fromNs >= 0 && toNs - a.doneNs() >= 0).toList();
    }

    /** Waits (polling) until {@code more} more asks were answered; fails after {@code deadlineMs}. */
    public void awaitAnswers(final long more, final long deadlineMs, final String what) throws InterruptedException {
        final long target = answered() + more;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        while (answered() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not " + more + " more answers within " + deadlineMs + " ms (" + what
                    + "); the last asks: " + last(10));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** @return the last asks ended, for a failure message */
    public List<Ask> last(final int n) {
        final List<Ask> all = asks();
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** Stops the senders and waits for each one's ask in flight to end. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (final Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** @return the checks for each actor asked, by address */
    public Map<String, Report> check() {
        final Map<String, List<Ask>> byTarget = new TreeMap<>();
        for (final Ask a : asks()) {
            byTarget.computeIfAbsent(a.to(), k -> new ArrayList<>()).add(a);
        }
        final Map<String, Report> reports = new LinkedHashMap<>();
        byTarget.forEach((to, list) -> reports.put(to, check(to, list)));
        return reports;
    }

    static Report check(final String to, final List<Ask> all) {
        final List<Ask> unanswered = all.stream().filter(a -> !a.answered()).toList();
        final List<String> lost = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        final Map<String, List<Ask>> bySender = new TreeMap<>();
        for (final Ask a : all) {
            bySender.computeIfAbsent(a.sender(), k -> new ArrayList<>()).add(a);
        }
        for (final List<Ask> stream : bySender.values()) {
            stream.sort(Comparator.comparingLong(Ask::seq));
            long highestAnswered = 0;
            for (final Ask a : stream) {
                if (!a.answered()) {
                    continue;
                }
                if (a.duplicate()) {
                    duplicates.add(a.toString());
                }
                if (a.prev() < highestAnswered) {
                    lost.add(a + ": " + a.sender() + "#" + highestAnswered + " was answered before");
                }
                highestAnswered = Math.max(highestAnswered, a.seq());
            }
        }
        final List<Ask> answered = all.stream().filter(Ask::answered).sorted(Comparator.comparingLong(Ask::doneNs))
            .toList();
        final List<String> wentBack = new ArrayList<>();
        for (final Ask b : answered) {
            Ask highest = null;
            for (final Ask a : answered) {
                if (a.doneNs() - b.sentNs() >= 0) {
                    break;
                }
                if (highest == null || a.count() > highest.count()) {
                    highest = a;
                }
            }
            if (highest != null && b.count() <= highest.count()) {
                wentBack.add(b + " after " + highest);
            }
        }
        return new Report(to, all.size(), answered.size(), unanswered, lost, duplicates, wentBack);
    }

    /**
     * @return the ledger's own account ({@code "?"}): {@code {"count","duplicates","gaps","senders":{...},"node"}}
     */
    public static JsonObject state(final NodeProcess via, final String to) throws IOException, InterruptedException {
        final NodeProcess.Reply r = via.post("/api/ask", "{\"to\":\"" + to + "\",\"body\":\"?\",\"timeoutMs\":5000}");
        final JsonElement reply = r.at("reply");
        if (r.status() != 200 || reply == null || !reply.isJsonObject()) {
            throw new AssertionError("ask " + to + " for its state: " + r.status() + " " + r.body());
        }
        return reply.getAsJsonObject();
    }

    /**
     * The checks of an actor's final account against the replies: it saw nothing twice, holds every number that was
     * answered (the highest, and none of them among its missing ones).
     *
     * @param state what {@link #state} returned
     * @return what is wrong, empty when all is well
     */
    public List<String> checkState(final String to, final JsonObject state) {
        return checkState(to, state, asks());
    }

    static List<String> checkState(final String to, final JsonObject state, final List<Ask> asks) {
        final List<String> wrong = new ArrayList<>();
        if (state.get("duplicates").getAsLong() != 0) {
            wrong.add("it saw " + state.get("duplicates") + " message(s) twice");
        }
        final JsonObject missing = state.has("missing") ? state.getAsJsonObject("missing") : new JsonObject();
        final Map<String, List<Long>> answered = new TreeMap<>();
        for (final Ask a : asks) {
            if (a.to().equals(to) && a.answered()) {
                answered.computeIfAbsent(a.sender(), k -> new ArrayList<>()).add(a.seq());
            }
        }
        answered.forEach((sender, seqs) -> {
            final long highest = seqs.stream().mapToLong(Long::longValue).max().orElse(0);
            final JsonElement seen = state.getAsJsonObject("senders").get(sender);
            if (seen == null || seen.getAsLong() < highest) {
                wrong.add("it does not hold " + sender + "#" + highest + ", the last answered");
            }
            if (missing.has(sender)) {
                final List<Long> lost = new ArrayList<>();
                missing.getAsJsonArray(sender).forEach(n -> {
                    if (seqs.contains(n.getAsLong())) {
                        lost.add(n.getAsLong());
                    }
                });
                if (!lost.isEmpty()) {
                    wrong.add("it misses " + sender + "#" + lost + ", answered");
                }
            }
        });
        return wrong;
    }

    /** @return the highest number each sender got an answer for from this actor */
    public Map<String, Long> highestAnswered(final String to) {
        final Map<String, Long> highest = new TreeMap<>();
        for (final Ask a : asks()) {
            if (a.to().equals(to) && a.answered()) {
                highest.merge(a.sender(), a.seq(), Math::max);
            }
        }
        return highest;
    }
}
