package hamlet.it.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorInfo;
import hamlet.api.ActorRef;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * No class-loader leak across hot swaps: counter 2.0.0 is installed next to 1.0.0 and uninstalled again 25 times
 * (50 swaps) under traffic, with dead letters whose bodies are objects of 2.0.0's classes on the way; afterwards
 * no class loader of any 2.0.0 revision is reachable, and the heap used after a GC does not grow with the number
 * of swaps.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SwapLeakIT extends ContainerTestSupport {
    private static final int COUNTERS = 10;
    private static final int SWAPS = 50;
    /** Generous: one leaked revision of the counter would not show, but one per swap would, and weak refs do. */
    private static final long HEAP_GROWTH_BOUND = 24L * 1024 * 1024;
    private static final Duration GC_DEADLINE = Duration.ofSeconds(60);

    @Override
    protected String nodeConf() {
        return super.nodeConf() + "hamlet.registry.mailbox.capacity = 1048576\n";
    }

    @Test
    public void shouldLeaveNoClassLoaderOfAnOldRevisionReachableAfterFiftySwapsUnderTraffic() throws Exception {
        final Bundle v1 = context.installBundle(HotSwapIT.example("hamlet-example-counter-v1.jar").toURI().toString());
        v1.start();
        awaitTrue("counter registered", () -> system.behaviors().contains("counter"));
        final List<ActorRef> counters = new ArrayList<>();
        for (int i = 1; i <= COUNTERS; i++) {
            counters.add(system.spawn("counter", "counter-" + i));
        }
        final long[] sent = new long[COUNTERS];
        final AtomicBoolean go = new AtomicBoolean(true);
        final AtomicBoolean hold = new AtomicBoolean();
        final AtomicBoolean holding = new AtomicBoolean();
        final Thread traffic = new Thread(() -> {
            while (go.get()) {
                // Held while the heap is measured, so that what waits in mailboxes is not taken for a leak.
                holding.set(hold.get());
                if (holding.get()) {
                    LockSupport.parkNanos(1_000_000L);
                    continue;
                }
                for (int i = 0; i < COUNTERS; i++) {
                    counters.get(i).tell("tick");
                    sent[i]++;
                }
                if (system.actors().stream().mapToInt(ActorInfo::mailboxSize).max().orElse(0) > 10_000) {
                    LockSupport.parkNanos(1_000_000L);
                }
            }
        }, "swap-leak-traffic");
        traffic.start();
        final List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        final AtomicLong deadBefore = new AtomicLong(system.deadLetterCount());
        long heapAt10 = 0;
        long heapAt50 = 0;
        try {
            for (int swap = 1; swap <= SWAPS; swap += 2) {
                final String location = HotSwapIT.example("hamlet-example-counter-v2.jar").toURI() + "#" + swap;
                swapUpAndDown(location, loaders);
                if (swap + 1 == 10) {
                    heapAt10 = quietHeapAfterGc(hold, holding);
                }
            }
            heapAt50 = quietHeapAfterGc(hold, holding);
        } finally {
            go.set(false);
            traffic.join();
        }
        assertEquals(SWAPS / 2, loaders.size());
        awaitCleared(loaders, () -> "removal pending: " + context.getBundle(0).adapt(FrameworkWiring.class)
            .getRemovalPendingBundles());
        System.out.printf("SwapLeakIT: %d swaps; heap used after GC: %,d bytes after swap 10, %,d after swap %d;"
            + " the class loaders of all %d revisions of 2.0.0 collected%n", SWAPS, heapAt10, heapAt50, SWAPS,
            loaders.size());
        assertTrue("heap after GC grew from " + heapAt10 + " (swap 10) to " + heapAt50 + " (swap 50)",
            heapAt50 - heapAt10 < HEAP_GROWTH_BOUND);

        for (int i = 0; i < COUNTERS; i++) {
            final JsonObject reply = (JsonObject) counters.get(i).ask("?", Duration.ofSeconds(10))
                .toCompletableFuture().join();
            assertEquals("counter-" + (i + 1) + " counted every message once", sent[i] + 1,
                reply.get("count").getAsLong());
        }
        assertEquals("the only dead letters are the ones the test made", SWAPS / 2,
            system.deadLetterCount() - deadBefore.get());
        counters.forEach(ref -> system.stop(ref.address().name()));
        v1.uninstall();
    }

    /** Two swaps: to a fresh 2.0.0 and back to 1.0.0 when it is uninstalled. Holds nothing of it strongly after. */
    private void swapUpAndDown(final String location, final List<WeakReference<ClassLoader>> loaders)
        throws Exception {
        final Bundle v2 = context.installBundle(location, HotSwapIT.stream(java.nio.file.Files.readAllBytes(
            HotSwapIT.example("hamlet-example-counter-v2.jar").toPath())));
        v2.start();
        awaitTrue("every counter on 2.0.0", () -> allOn("2.0.0"));
        final ClassLoader wiringLoader = v2.adapt(BundleWiring.class).getClassLoader();
        loaders.add(new WeakReference<>(wiringLoader));
        final Collection<ServiceReference<ActorBehavior>> refs =
            context.getServiceReferences(ActorBehavior.class, "(" + ActorBehavior.NAME_PROPERTY + "=counter)");
        for (final ServiceReference<ActorBehavior> ref : refs) {
            if (ref.getBundle() == v2) {
                final ActorBehavior behavior = context.getService(ref);
                assertTrue("2.0.0's behaviour comes from its bundle's loader",
                    behavior.getClass().getClassLoader() == wiringLoader);
                // A dead letter whose body is an object of 2.0.0's classes: the ring must not keep the object.
                system.ref("nobody-" + location.hashCode()).tell(behavior);
                context.ungetService(ref);
            }
        }
        v2.uninstall();
        awaitTrue("every counter back on 1.0.0", () -> allOn("1.0.0"));
    }

    private boolean allOn(final String version) {
        for (final ActorInfo info : system.actors()) {
            if (!version.equals(info.behaviorVersion()) || info.state() != ActorInfo.State.RUNNING) {
                return false;
            }
        }
        return !system.actors().isEmpty();
    }

    private static void awaitCleared(final List<WeakReference<ClassLoader>> loaders,
                                     final java.util.function.Supplier<String> diagnosis) {
        final long deadline = System.nanoTime() + GC_DEADLINE.toNanos();
        while (true) {
            System.gc();
            final long left = loaders.stream().filter(ref -> ref.get() != null).count();
            if (left == 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                fail(left + " of " + loaders.size() + " class loaders of old counter revisions still reachable after "
                    + GC_DEADLINE.toSeconds() + " s of GCs; first: " + loaders.stream().map(WeakReference::get)
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null) + "; " + diagnosis.get());
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** Holds the traffic, waits until every mailbox is empty, measures, and lets the traffic go on. */
    private long quietHeapAfterGc(final AtomicBoolean hold, final AtomicBoolean holding) {
        hold.set(true);
        try {
            awaitTrue("the traffic held and every mailbox empty", () -> holding.get()
                && system.actors().stream().allMatch(info -> info.mailboxSize() == 0));
            return usedHeapAfterGc();
        } finally {
            hold.set(false);
        }
    }

    private static long usedHeapAfterGc() {
        final Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            LockSupport.parkNanos(50_000_000L);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
