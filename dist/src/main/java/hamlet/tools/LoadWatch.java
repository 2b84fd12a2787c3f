package hamlet.tools;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Waits out the bench's warm-up and measured time a second at a time, reading after each second how many messages
 * the recorders have processed (their {@code processed} in one {@code GET /api/actors} per node, so the actors
 * themselves are never asked). That gives the progress line its running figure and the chart its throughput per
 * second. The bench's own figures still come from the recorders' stats at the end; these readings only show the
 * shape of the run.
 *
 * <p>Used by the bench's main thread only.
 */
final class LoadWatch {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private final List<BenchNode> nodes;
    private final BenchProgress progress;

    LoadWatch(final List<BenchNode> nodes, final BenchProgress progress) {
        this.nodes = nodes;
        this.progress = progress;
    }

    /** Sleeps the warm-up out, showing the throughput of the last second. */
    void warmUp(final int seconds) throws InterruptedException {
        final long startNs = System.nanoTime();
        long before = processed();
        long beforeNs = System.nanoTime();
        for (int s = 1; s <= seconds; s++) {
            sleepUntil(startNs + s * SECOND_NS);
            final long now = processed();
            final long nowNs = System.nanoTime();
            progress.show("warm-up", s, seconds, before < 0 || now < 0 ? ""
                : BenchProgress.rate((now - before) * 1e9 / (nowNs - beforeNs)) + " now");
            before = now;
            beforeNs = nowNs;
        }
    }

    /**
     * Sleeps the measured time out, showing the throughput since it began.
     *
     * @param startNs when the measured time began (System.nanoTime())
     * @return its throughput, second by second
     */
    ThroughputSeries measure(final long startNs, final int seconds) throws InterruptedException {
        final ThroughputSeries series = new ThroughputSeries();
        long first = processed();
        long firstNs = startNs;
        long last = first;
        long lastNs = System.nanoTime();
        for (int s = 1; s <= seconds; s++) {
            sleepUntil(startNs + s * SECOND_NS);
            final long now = processed();
            final long nowNs = System.nanoTime();
            if (now < 0) {
                // A node did not answer this second: the next reading covers it too.
                progress.show("measuring", s, seconds, "");
                continue;
            }
            if (last >= 0) {
                final double rate = (now - last) * 1e9 / (nowNs - lastNs);
                for (long covered = Math.max(1, Math.round((nowNs - lastNs) / 1e9)); covered > 0; covered--) {
                    series.add(rate);
                }
            } else {
                first = now;
                firstNs = nowNs;
            }
            last = now;
            lastNs = nowNs;
            progress.show("measuring", s, seconds, nowNs == firstNs ? ""
                : BenchProgress.rate((now - first) * 1e9 / (nowNs - firstNs)) + " so far");
        }
        return series;
    }

    /** @return the messages the recorders of all nodes have processed since they started, or -1 when unknown */
    private long processed() {
        long total = 0;
        for (final BenchNode node : nodes) {
            try {
                final AdminClient.Response r = node.admin.get("/api/actors");
                if (r.status() != 200 || !(r.json() instanceof List<?> actors)) {
                    return -1;
                }
                for (final Object a : actors) {
                    if (a instanceof Map<?, ?> actor && "recorder".equals(actor.get("behavior"))
                        && actor.get("processed") instanceof Number n) {
                        total += n.longValue();
                    }
                }
            } catch (final IOException | RuntimeException e) {
                return -1;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return total;
    }

    private static void sleepUntil(final long deadlineNs) throws InterruptedException {
        final long leftNs = deadlineNs - System.nanoTime();
        if (leftNs > 0) {
            TimeUnit.NANOSECONDS.sleep(leftNs);
        }
    }
}
