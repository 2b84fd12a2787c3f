package hamlet.gossip.internal.osgi;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.gossip.internal.GossipSettings;
import hamlet.gossip.internal.Membership;
import hamlet.gossip.internal.Placer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one thread that owns the {@link Membership}: takes the control lane's messages and the operator's commands
 * from bounded queues, ticks the state machine when it is due, samples this node's load and directory, hands events
 * to the notifier and publishes a snapshot for readers. It catches and counts whatever one round throws, and goes on.
 *
 * <p>Time: {@code nowMs} is wall-clock milliseconds at start plus monotonic time since, so that a clock step does not
 * fire or stall timers, and the times shown to operators are still dates.
 */
final class GossipAgent implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(GossipAgent.class);
    /** Control-lane messages waiting for the agent: beyond this many, or these many bytes, they are dropped. */
    static final int INBOX_LIMIT = 4_096;
    static final long INBOX_MAX_BYTES = 8L * 1024 * 1024;
    private static final long MAX_PARK_MS = 20;

    /** A snapshot for readers on other threads. */
    record View(List<Member> members, List<DirectoryEntry> directory, boolean majority, String majorityDetail,
                Set<String> stable, Map<String, Long> counters, PlacementView placement) {
    }

    private record Inbound(String from, byte[] bytes, Consumer<Membership> command) {
    }

    private final String nodeId;
    private final Membership membership;
    private final LongSupplier clockMs;
    private final BlockingQueue<Inbound> inbox = new ArrayBlockingQueue<>(INBOX_LIMIT);
    private final AtomicLong inboxBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final LoadSampler sampler;
    private final Consumer<List<ClusterEvent>> notifier;
    private final Placer placer;
    private final Consumer<List<Placer.Order>> orders;
    private volatile GossipSettings settings;
    private volatile View view;
    private volatile boolean running = true;
    private long nextSampleMs;
    private long nextPublishMs;
    private long lastFailureLogMs;
    private long publishedTableVersion;
    private boolean publishedLease;

    GossipAgent(final String nodeId, final Membership membership, final GossipSettings settings,
                final LongSupplier clockMs, final LoadSampler sampler, final Consumer<List<ClusterEvent>> notifier) {
        this(nodeId, membership, null, settings, clockMs, sampler, notifier, o -> { });
    }

    GossipAgent(final String nodeId, final Membership membership, final Placer placer, final GossipSettings settings,
                final LongSupplier clockMs, final LoadSampler sampler, final Consumer<List<ClusterEvent>> notifier,
                final Consumer<List<Placer.Order>> orders) {
        this.nodeId = nodeId;
        this.membership = membership;
        this.placer = placer;
        this.orders = orders;
        this.settings = settings;
        this.clockMs = clockMs;
        this.sampler = sampler;
        this.notifier = notifier;
        publish();
    }

    /** Any thread: a control-lane message; dropped and counted when the inbox is full. */
    void offer(final String from, final byte[] bytes) {
        if (inboxBytes.addAndGet(bytes.length) > INBOX_MAX_BYTES || !inbox.offer(new Inbound(from, bytes, null))) {
            inboxBytes.addAndGet(-bytes.length);
            dropped.incrementAndGet();
        }
    }

    /** Any thread: something to do with the membership on its own thread; false when the inbox is full. */
    boolean command(final Consumer<Membership> command) {
        return inbox.offer(new Inbound(null, null, command));
    }

    /** Any thread: something to do with placement on the agent's thread; false when the inbox is full. */
    boolean placement(final Consumer<Placer> command) {
        return placer != null && command(m -> command.accept(placer));
    }

    void settings(final GossipSettings next) {
        settings = next;
        command(m -> m.reconfigure(next));
    }

    View view() {
        return view;
    }

    long dropped() {
        return dropped.get();
    }

    long failures() {
        return failures.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try {
                doWork();
            } catch (final Throwable t) {
                failures.incrementAndGet();
                final long now = clockMs.getAsLong();
                if (now - lastFailureLogMs >= 1_000) {
                    lastFailureLogMs = now;
                    LOG.error("[{}] gossip agent: a round failed ({} so far); going on", nodeId, failures.get(), t);
                }
            }
        }
    }

    private void doWork() throws InterruptedException {
        final long now = clockMs.getAsLong();
        final long park = Math.max(0, Math.min(MAX_PARK_MS, nextWakeMs() - now));
        Inbound in = park == 0 ? inbox.poll() : inbox.poll(park, TimeUnit.MILLISECONDS);
        int handled = 0;
        while (in != null && handled < 1_024) {
            handle(in);
            handled++;
            in = inbox.poll();
        }
        if (in != null) {
            handle(in);
        }
        final long t = clockMs.getAsLong();
        if (t >= nextSampleMs) {
            nextSampleMs = t + settings.loadIntervalMs();
            sampler.sample(membership);
        }
        if (membership.nextWakeMs() <= t) {
            membership.tick(t);
        }
        if (placer != null && placer.nextWakeMs() <= t) {
            placer.tick(t);
        }
        final List<ClusterEvent> events = new java.util.ArrayList<>(membership.drainEvents());
        for (final String note : membership.drainNotes()) {
            LOG.warn("[{}] gossip: {}", nodeId, note);
        }
        List<Placer.Order> due = List.of();
        boolean placementChanged = false;
        if (placer != null) {
            events.addAll(placer.drainEvents());
            due = placer.drainOrders();
            for (final String note : placer.drainNotes()) {
                LOG.info("[{}] placement: {}", nodeId, note);
            }
            placementChanged = placer.tableVersion() != publishedTableVersion || placer.leaseHeld() != publishedLease;
        }
        // Before the orders go out: the registry reads this snapshot (owner, replica) when it carries them out, and
        // a snapshot from before a takeover would name a replica that is gone.
        if (!events.isEmpty() || !due.isEmpty() || placementChanged || t >= nextPublishMs) {
            nextPublishMs = t + 100;
            publish();
        }
        if (!due.isEmpty()) {
            orders.accept(due);
        }
        if (!events.isEmpty()) {
            notifier.accept(events);
        }
    }

    private long nextWakeMs() {
        return placer == null ? membership.nextWakeMs() : Math.min(membership.nextWakeMs(), placer.nextWakeMs());
    }

    private void handle(final Inbound in) {
        final long now = clockMs.getAsLong();
        if (in.command() != null) {
            in.command().accept(membership);
        } else {
            inboxBytes.addAndGet(-in.bytes().length);
            if (Placer.isPlacementMessage(in.bytes())) {
                if (placer != null) {
                    placer.onMessage(in.from(), in.bytes(), now);
                }
            } else {
                membership.onMessage(in.from(), in.bytes(), now);
            }
        }
    }

    private void publish() {
        final Map<String, Long> counters = new java.util.TreeMap<>(membership.counters());
        counters.put("inbox.dropped", dropped.get());
        counters.put("agent.failures", failures.get());
        view = new View(membership.members(), membership.directory(), membership.inMajority(),
            membership.majorityDetail(), Set.copyOf(membership.stableMembership()), counters,
            placer == null ? PlacementView.NONE : PlacementView.of(placer));
        if (placer != null) {
            publishedTableVersion = placer.tableVersion();
            publishedLease = placer.leaseHeld();
        }
    }
}
