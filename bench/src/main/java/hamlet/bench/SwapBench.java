package hamlet.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.typesafe.config.ConfigFactory;
import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorContext;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import hamlet.api.Message;
import hamlet.registry.internal.LocalActorSystem;
import hamlet.registry.internal.RegistrySettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Hot swap under load (not JMH: one long scenario, not a steady state). 1,000 actors take continuous traffic from
 * sender threads while their behaviour is swapped 20 times, alternating a registration of a higher version with the
 * removal of the previous one. Each actor checks its sequence numbers (state carried across swaps by
 * snapshot/restore), so the run prints messages sent, received, lost (sent and never handled) and duplicated (a
 * sequence number handled twice), and the pause each actor saw at each swap: from the last message its old
 * instance handled to the first its new instance handled.
 *
 * <p>A second group of actors, of another behaviour that is never swapped, takes the same traffic: its throughput
 * during each swap (register to every swapped actor running the new version) is compared with its throughput in a
 * window of the same length right after, without a swap. A swap that holds dispatcher threads shows there.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar hamlet.bench.SwapBench [actors] [swaps] [senders] [others]}.
 */
public final class SwapBench {
    private static final LongAdder RECEIVED = new LongAdder();
    private static final LongAdder DUPLICATED = new LongAdder();
    private static final LongAdder GAPS = new LongAdder();
    /** Messages handled by the actors never swapped (also counted in RECEIVED). */
    private static final LongAdder OTHER = new LongAdder();

    private SwapBench() {
    }

    /** Counts sequence numbers; carries them, and the time of its last message, across a swap. */
    static final class SeqActor implements Actor {
        private final long[] pauses;
        private final int index;
        private long last;
        private long lastAt;
        private long restoredLastAt;

        SeqActor(final long[] pauses, final int index) {
            this.pauses = pauses;
            this.index = index;
        }

        @Override
        public void onMessage(final Message message, final ActorContext context) {
            final long n = (Long) message.body();
            final long now = System.nanoTime();
            if (restoredLastAt != 0) {
                synchronized (pauses) {
                    pauses[index] = Math.max(pauses[index], now - restoredLastAt);
                }
                restoredLastAt = 0;
            }
            if (n <= last) {
                DUPLICATED.increment();
            } else if (n != last + 1) {
                GAPS.add(n - last - 1);
            }
            last = Math.max(last, n);
            lastAt = now;
            RECEIVED.increment();
        }

        @Override
        public JsonElement snapshot() {
            final JsonObject state = new JsonObject();
            state.addProperty("last", last);
            state.addProperty("lastAt", lastAt);
            return state;
        }

        @Override
        public void restore(final JsonElement state) {
            last = state.getAsJsonObject().get("last").getAsLong();
            restoredLastAt = state.getAsJsonObject().get("lastAt").getAsLong();
        }
    }

    /** An actor of the group never swapped: checks its sequence numbers too. */
    static final class OtherActor implements Actor {
        private long last;

        @Override
        public void onMessage(final Message message, final ActorContext context) {
            final long n = (Long) message.body();
            if (n <= last) {
                DUPLICATED.increment();
            } else if (n != last + 1) {
                GAPS.add(n - last - 1);
            }
            last = Math.max(last, n);
            OTHER.increment();
            RECEIVED.increment();
        }
    }

    /**
     * Runs the scenario and prints its figures.
     *
     * @param args actors swapped, swaps, sender threads, actors never swapped
     * @throws Exception when a wait exceeds 120 s
     */
    public static void main(final String[] args) throws Exception {
        final int actors = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        final int swaps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        final int senders = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        final int others = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        final RegistrySettings settings = RegistrySettings.from(ConfigFactory.parseString(
            "hamlet.node.id = bench\nhamlet.registry.mailbox.capacity = 65536\n"));
        final org.slf4j.Logger quiet = org.slf4j.LoggerFactory.getLogger(SwapBench.class);
        quiet.debug("logging initialised");
        try (LocalActorSystem system = new LocalActorSystem(settings)) {
            final long[][] pausesBySwap = new long[swaps + 1][actors];
            final ActorBehavior[] versions = new ActorBehavior[swaps + 1];
            for (int v = 0; v <= swaps; v++) {
                final long[] pauses = pausesBySwap[v];
                versions[v] = spec -> new SeqActor(pauses, Integer.parseInt(spec.name().substring(2)));
            }
            system.registerBehavior("seq", versions[0], "1.0.0", "bench");
            final List<ActorRef> refs = new ArrayList<>(actors);
            for (int i = 0; i < actors; i++) {
                refs.add(system.spawn("seq", "a-" + i));
            }
            system.registerBehavior("other", spec -> new OtherActor(), "1.0.0", "bench");
            for (int i = 0; i < others; i++) {
                refs.add(system.spawn("other", "o-" + i));
            }
            final long[] sent = new long[actors + others];
            final AtomicLong sentTotal = new AtomicLong();
            final AtomicBoolean go = new AtomicBoolean(true);
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < senders; t++) {
                final int first = t;
                final Thread sender = new Thread(() -> {
                    long local = 0;
                    while (go.get()) {
                        for (int i = first; i < actors; i += senders) {
                            refs.get(i).tell(++sent[i]);
                            local++;
                        }
                        // Keep what is in flight bounded: the mailboxes must not overflow (that would be a loss
                        // of the sender's making, not the swap's).
                        while (local - (RECEIVED.sum() - OTHER.sum()) / senders > 200_000 && go.get()) {
                            LockSupport.parkNanos(100_000L);
                        }
                    }
                    sentTotal.addAndGet(local);
                }, "sender-" + t);
                sender.start();
                threads.add(sender);
            }
            // The group never swapped has a sender of its own, bounded by what that group handled: a pause of the
            // swapped actors must not slow its traffic, only a dispatcher taken from it may.
            final Thread otherSender = new Thread(() -> {
                long local = 0;
                while (go.get()) {
                    for (int i = actors; i < actors + others; i++) {
                        refs.get(i).tell(++sent[i]);
                        local++;
                    }
                    while (local - OTHER.sum() > 20_000 && go.get()) {
                        LockSupport.parkNanos(100_000L);
                    }
                }
                sentTotal.addAndGet(local);
            }, "sender-others");
            if (others > 0) {
                otherSender.start();
                threads.add(otherSender);
            }
            final long[] swapWall = new long[swaps];
            long otherDuring = 0;
            long otherWithout = 0;
            long withoutNs = 0;
            waitFor(() -> RECEIVED.sum() > 100_000);
            for (int s = 1; s <= swaps; s++) {
                final String version = s + 1 + ".0.0";
                final long otherBefore = OTHER.sum();
                final long start = System.nanoTime();
                system.registerBehavior("seq", versions[s], version, "bench");
                system.unregisterBehavior("seq", versions[s - 1]);
                waitFor(() -> allOn(system, version));
                swapWall[s - 1] = System.nanoTime() - start;
                otherDuring += OTHER.sum() - otherBefore;
                final long before = RECEIVED.sum();
                waitFor(() -> RECEIVED.sum() > before + 50_000);
                // The same length of time with no swap, for the group never swapped; polled the same way, so that
                // the polling costs both windows alike.
                final long quietBefore = OTHER.sum();
                final long quietStart = System.nanoTime();
                final long quietEnd = quietStart + swapWall[s - 1];
                waitFor(() -> allOn(system, version) && System.nanoTime() - quietEnd >= 0);
                withoutNs += System.nanoTime() - quietStart;
                otherWithout += OTHER.sum() - quietBefore;
            }
            final long duringNs = Arrays.stream(swapWall).sum();
            go.set(false);
            for (final Thread thread : threads) {
                thread.join();
            }
            waitFor(() -> RECEIVED.sum() + GAPS.sum() >= sentTotal.get()
                || system.actors().stream().allMatch(info -> info.mailboxSize() == 0));
            waitFor(() -> system.actors().stream().allMatch(info -> info.mailboxSize() == 0));
            final long received = RECEIVED.sum();
            final long total = sentTotal.get();
            final long[] all = new long[swaps * actors];
            for (int s = 1; s <= swaps; s++) {
                System.arraycopy(pausesBySwap[s], 0, all, (s - 1) * actors, actors);
            }

            Arrays.sort(all);
            Arrays.sort(swapWall);
            System.out.printf("actors %d swapped + %d never swapped, swaps %d, sender threads %d, dispatcher threads "
                + "%d%n", actors, others, swaps, senders, settings.effectiveParallelism());
            System.out.printf("sent %d%nreceived %d%nlost %d%nduplicated %d%ndead letters %d%n", total, received,
                total - received + DUPLICATED.sum(), DUPLICATED.sum(), system.deadLetterCount());
            System.out.printf("pause per actor per swap (last message on the old version -> first on the new), "
                + "%d samples: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", all.length, ms(pct(all, 50)),
                ms(pct(all, 99)), ms(all[all.length - 1]));
            System.out.printf("whole swap (register -> all %d actors on the new version): p50 %.2f ms, p99 %.2f ms, "
                + "max %.2f ms%n", actors, ms(pct(swapWall, 50)), ms(pct(swapWall, 99)),
                ms(swapWall[swapWall.length - 1]));
            final double during = otherDuring * 1e9 / Math.max(1, duringNs);
            final double without = otherWithout * 1e9 / Math.max(1, withoutNs);
            System.out.printf("actors never swapped: %.0f msgs/s during swaps (%d over %.1f ms), %.0f msgs/s "
                + "without (%d over %.1f ms): %.0f%% of without%n", during, otherDuring, ms(duringNs), without,
                otherWithout, ms(withoutNs), without == 0 ? 0 : 100 * during / without);
        }
    }

    private static boolean allOn(final LocalActorSystem system, final String version) {
        return system.actors().stream().allMatch(info -> !"seq".equals(info.behavior())
            || version.equals(info.behaviorVersion()) && info.state() == ActorInfo.State.RUNNING);
    }

    private static long pct(final long[] sorted, final int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(final long nanos) {
        return nanos / 1e6;
    }

    private static void waitFor(final java.util.function.BooleanSupplier condition) {
        final long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within 120 s");
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
