package hamlet.it.system;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The activations of cluster actors as the nodes' own logs tell them: each activation's start line and stop line,
 * with their timestamps (bin/hamlet logs {@code yyyy-MM-dd HH:mm:ss.SSS}; the nodes of a test share one clock), so
 * that a test can check that no two activations of one actor ever ran at the same time.
 *
 * <p>An activation starts at the registry's {@code [nodeN] cluster actor NAME activated, epoch E (cause): ...}, or at
 * placement's {@code [nodeN] placement: resume of NAME under epoch E} (a fenced activation that runs again logs no
 * activation line: its start is taken at the decision, which is earlier). It stops at the first of: {@code cluster
 * actor NAME (epoch E) fenced: ...} (nothing is delivered after the fence is set, and the lease check stopped
 * delivery earlier still), {@code cluster actor NAME handed over to M (epoch E -> F)} (logged once its last message
 * was handled and its state sent), {@code cluster actor NAME: epoch F replaces the activation of epoch E still
 * here}, or the end of the process (killed), else it is still running. Every bound is taken on the late side for a
 * stop and the early side for a start, so that an overlap can only be missed by less than the logs' millisecond.
 */
public final class ActivationLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final String AT = "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*?";
    private static final Pattern ACTIVATED = Pattern.compile(AT
        + "\\[(\\S+)\\] cluster actor (\\S+) activated, epoch (\\d+) \\((\\w+)\\)");
    private static final Pattern RESUMED = Pattern.compile(AT
        + "\\[(\\S+)\\] placement: resume of (\\S+) under epoch (\\d+)");
    private static final Pattern FENCED = Pattern.compile(AT
        + "\\[(\\S+)\\] cluster actor (\\S+) \\(epoch (\\d+)\\) fenced: ");
    private static final Pattern HANDED = Pattern.compile(AT
        + "\\[(\\S+)\\] cluster actor (\\S+) handed over to (\\S+) \\(epoch (\\d+) -> (\\d+)\\)");
    private static final Pattern REPLACED = Pattern.compile(AT
        + "\\[(\\S+)\\] cluster actor (\\S+): epoch (\\d+) replaces the activation of epoch (\\d+) still here");
    /** Still running at the end of the observation. */
    public static final long RUNNING = Long.MAX_VALUE;

    private ActivationLog() {
    }

    /** One activation: {@code stopMillis} is {@link #RUNNING} while it runs. */
    public record Interval(String node, String actor, long epoch, String cause, long startMillis, String startLine,
                           long stopMillis, String stopLine) {
        boolean overlaps(final Interval other) {
            return startMillis < other.stopMillis && other.startMillis < stopMillis;
        }

        @Override
        public String toString() {
            return actor + " on " + node + " epoch " + epoch + " (" + cause + ") " + time(startMillis) + " .. "
                + (stopMillis == RUNNING ? "running" : time(stopMillis));
        }
    }

    /**
     * @param log      a node's output (both streams may be given: lines without a timestamp are skipped)
     * @param endMillis when the process ended (wall clock), or {@link #RUNNING} when it still runs
     * @return the activations that log tells of, in the order they started
     */
    public static List<Interval> parse(final String log, final long endMillis) {
        final List<Interval> done = new ArrayList<>();
        final Map<String, Interval> open = new HashMap<>();
        for (final String line : log.lines().toList()) {
            Matcher m = ACTIVATED.matcher(line);
            if (m.find()) {
                start(open, m.group(2), m.group(3), Long.parseLong(m.group(4)), m.group(5), millis(m.group(1)), line);
                continue;
            }
            m = RESUMED.matcher(line);
            if (m.find()) {
                start(open, m.group(2), m.group(3), Long.parseLong(m.group(4)), "resume", millis(m.group(1)), line);
                continue;
            }
            m = FENCED.matcher(line);
            if (!m.find()) {
                m = HANDED.matcher(line);
                if (!m.find()) {
                    m = REPLACED.matcher(line);
                    if (!m.find()) {
                        continue;
                    }
                }
            }
            final Interval running = open.remove(m.group(3));
            if (running != null) {
                done.add(new Interval(running.node(), running.actor(), running.epoch(), running.cause(),
                    running.startMillis(), running.startLine(), millis(m.group(1)), line));
            }
        }
        for (final Interval running : open.values()) {
            done.add(new Interval(running.node(), running.actor(), running.epoch(), running.cause(),
                running.startMillis(), running.startLine(), endMillis,
                endMillis == RUNNING ? null : "(process ended)"));
        }
        done.sort(Comparator.comparingLong(Interval::startMillis));
        return done;
    }

    /** A start while one runs on the same node (the registry's activation line after a resume decision) is the same. */
    private static void start(final Map<String, Interval> open, final String node, final String actor,
                              final long epoch, final String cause, final long at, final String line) {
        open.putIfAbsent(actor, new Interval(node, actor, epoch, cause, at, line, RUNNING, null));
    }

    /**
     * A process stopped by SIGSTOP runs nothing: an activation of {@code node} that ran when it was stopped and
     * whose stop line was only logged after SIGCONT is cut at the SIGSTOP. What the process did between SIGCONT and
     * that line (it must deliver nothing: the registry checks the lease before each message) is for the test to
     * check by other means, such as the replies it sent.
     *
     * @return the activations, those cut in this way replaced
     */
    public static List<Interval> stalled(final List<Interval> all, final String node, final long stoppedMillis,
                                         final long resumedMillis) {
        final List<Interval> out = new ArrayList<>();
        for (final Interval i : all) {
            if (i.node().equals(node) && i.startMillis() <= stoppedMillis && i.stopMillis() >= resumedMillis
                && i.stopMillis() != RUNNING) {
                out.add(new Interval(i.node(), i.actor(), i.epoch(), i.cause(), i.startMillis(), i.startLine(),
                    stoppedMillis, "(stopped by SIGSTOP; after SIGCONT: " + i.stopLine() + ")"));
            } else {
                out.add(i);
            }
        }
        return out;
    }

    /** @return the activations by actor, each list in the order they started */
    public static Map<String, List<Interval>> byActor(final Collection<Interval> all) {
        final Map<String, List<Interval>> by = new TreeMap<>();
        for (final Interval i : all) {
            by.computeIfAbsent(i.actor(), k -> new ArrayList<>()).add(i);
        }
        by.values().forEach(l -> l.sort(Comparator.comparingLong(Interval::startMillis)));
        return by;
    }

    /** @return every pair of activations of one actor that ran at the same time, described; empty when none */
    public static List<String> overlaps(final Collection<Interval> all) {
        final List<String> found = new ArrayList<>();
        for (final List<Interval> list : byActor(all).values()) {
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    if (list.get(i).overlaps(list.get(j))) {
                        found.add(list.get(i) + " and " + list.get(j) + "\n    " + list.get(i).startLine() + "\n    "
                            + list.get(i).stopLine() + "\n    " + list.get(j).startLine() + "\n    "
                            + list.get(j).stopLine());
                    }
                }
            }
        }
        return found;
    }

    /** @return the activations of one actor whose epoch is not above that of the one started before it */
    public static List<String> epochsNotRising(final Collection<Interval> all) {
        final List<String> found = new ArrayList<>();
        for (final List<Interval> list : byActor(all).values()) {
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i).epoch() <= list.get(i - 1).epoch()) {
                    found.add(list.get(i - 1) + " then " + list.get(i));
                }
            }
        }
        return found;
    }

    /**
     * @return for each activation by handover, the time from its predecessor's stop line (the old owner's last
     *     message handled and its state sent) to its start line (restored on the new owner), in ms, by actor and in
     *     order: the pause a handover puts into an actor's work, the transfer and the activation
     */
    public static Map<String, List<Long>> handoverPauses(final Collection<Interval> all) {
        final Map<String, List<Long>> pauses = new TreeMap<>();
        for (final Map.Entry<String, List<Interval>> e : byActor(all).entrySet()) {
            final List<Interval> list = e.getValue();
            for (int i = 1; i < list.size(); i++) {
                if ("handover".equals(list.get(i).cause()) && list.get(i - 1).stopMillis() != RUNNING) {
                    pauses.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(list.get(i).startMillis() - list.get(i - 1).stopMillis());
                }
            }
        }
        return pauses;
    }

    /** @return wall-clock milliseconds of a log timestamp (this machine's zone, as the nodes log it) */
    static long millis(final String timestamp) {
        return LocalDateTime.parse(timestamp, TIME).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    static String time(final long millis) {
        return TIME.format(java.time.Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()));
    }
}
