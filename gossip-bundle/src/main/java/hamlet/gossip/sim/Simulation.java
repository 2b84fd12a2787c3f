package hamlet.gossip.sim;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.ActorSpec;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.gossip.internal.GossipSettings;
import hamlet.gossip.internal.Membership;
import hamlet.gossip.internal.PlacementSettings;
import hamlet.gossip.internal.Placer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Many {@link Membership} instances in one process on a virtual clock: each node ticks when its membership asks
 * ({@link Membership#nextWakeMs()}), messages cross a {@link SimNetwork} that delays, loses and partitions them, and
 * nodes crash, stall, restart and leave when told. Everything random comes from the seed (one {@link Random} per node
 * and per restart, one for the network) and every tie in time is broken by the order things were scheduled, so a
 * run is the same bit for bit from the same seed; {@link EventLog#digest()} proves it.
 *
 * <p>Nodes are {@code n1}, {@code n2}, ... at {@code ws://10.0.x.y:7701/hamlet}; all join through {@code n1}'s URL
 * unless told otherwise. Time starts at 0.
 *
 * <p>Threading: not thread-safe; one thread builds it and runs it.
 */
public final class Simulation {
    /** How often {@link #runUntil(BooleanSupplier, long)} asks its question, in virtual ms. */
    public static final long CHECK_STEP_MS = 10;

    private final long seed;
    private final GossipSettings settings;
    private final SimScheduler scheduler = new SimScheduler();
    private final SimNetwork network;
    private final EventLog log;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, SimNode> byUrl = new HashMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private List<String> seedUrls = List.of();
    private PlacementSettings placementSettings;
    private List<ClusterActorSpec> clusterActors = List.of();
    private final List<String> violations = new ArrayList<>();
    private final Set<String> reported = new java.util.HashSet<>();
    private boolean handoversHeld;
    private final Map<String, Long> activeSinceMs = new TreeMap<>();
    // Where the last allSee check failed: the next check starts there, so a check costs one view until it passes.
    private int laggard;

    /**
     * @param seed everything random derives from it
     * @param settings every node's tunables
     * @param keep which events the log keeps in memory (all are digested)
     */
    public Simulation(final long seed, final GossipSettings settings, final Predicate<ClusterEvent> keep) {
        this.seed = seed;
        this.settings = settings;
        this.network = new SimNetwork(new Random(mix(seed, -1, 0)));
        this.log = new EventLog(keep);
    }

    /** @return a simulation keeping every event, of {@code n} nodes all started and joining through {@code n1} */
    public static Simulation cluster(final long seed, final int n, final GossipSettings settings) {
        final Simulation sim = new Simulation(seed, settings, e -> true);
        sim.addNodes(n);
        sim.startAll();
        return sim;
    }

    /** @return the id of the node with this 1-based index */
    public static String id(final int index) {
        return "n" + index;
    }

    /** @return the URL of the node with this 1-based index, as a real deployment on 10.0.0.0/16 would have */
    public static String url(final int index) {
        return "ws://10.0." + (index / 250) + "." + (index % 250 + 1) + ":7701/hamlet";
    }

    /** Adds nodes, not started yet; the first one added is the seed unless {@link #seeds} says otherwise. */
    public List<String> addNodes(final int n) {
        final List<String> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int index = nodes.size() + 1;
            final SimNode node = new SimNode(id(index), url(index), index);
            nodes.put(node.id, node);
            byUrl.put(node.url, node);
            added.add(node.id);
        }
        if (seedUrls.isEmpty() && !nodes.isEmpty()) {
            seedUrls = List.of(nodes.values().iterator().next().url);
        }
        return added;
    }

    /**
     * Places cluster actors: every node started from now on declares {@code count} cluster actors {@code a1..aN}
     * of behaviour {@code b} and runs a simulated registry that activates what placement orders at once. After every
     * step the simulation checks, with global knowledge, that no actor is active on two running nodes whose leases
     * hold; a breach is kept in {@link #violations()}.
     */
    public void placeClusterActors(final int count, final PlacementSettings settings) {
        placeClusterActors(count, false, settings);
    }

    /** As {@link #placeClusterActors(int, PlacementSettings)}, as instances of a spread set when {@code spread}. */
    public void placeClusterActors(final int count, final boolean spread, final PlacementSettings settings) {
        final List<ClusterActorSpec> specs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            specs.add(new ClusterActorSpec(new ActorSpec("a" + i, "b", spread ? "a" : null, null), spread));
        }
        clusterActors = List.copyOf(specs);
        placementSettings = settings;
    }

    /** Holds every handover on its way (as a slow data lane would) until called with {@code false}. */
    public void holdHandovers(final boolean hold) {
        handoversHeld = hold;
    }

    /** Sets the load the node reports from now on (as its registry's dispatcher would). */
    public void load(final String id, final hamlet.api.cluster.MemberLoad load) {
        membership(id).localLoad(load);
    }

    /** @return every breach of "never two activations at once" seen so far, one line each */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** @return the node's placement (of its current process) */
    public Placer placer(final String id) {
        final SimNode node = node(id);
        if (node.placer == null) {
            throw new IllegalStateException(id + " places no cluster actors");
        }
        return node.placer;
    }

    /**
     * @return for each cluster actor, the nodes where it is live now: the process is running, its simulated registry
     *     runs it, and its lease holds (the registry checks the lease before each message)
     */
    public Map<String, List<String>> liveActivations() {
        final Map<String, List<String>> live = new TreeMap<>();
        for (final SimNode n : nodes.values()) {
            if (n.placer == null || n.state != SimNode.State.RUNNING || nowMs() >= n.placer.leaseUntilMs()) {
                continue;
            }
            for (final String name : n.running.keySet()) {
                live.computeIfAbsent(name, k -> new ArrayList<>()).add(n.id);
            }
        }
        return live;
    }

    /** Sets the seed URLs every node joins (and rejoins after a restart) through. */
    public void seeds(final List<String> urls) {
        seedUrls = List.copyOf(urls);
    }

    /** Starts every node not started yet, in the order added, all now, each joining through the seeds. */
    public void startAll() {
        for (final SimNode node : nodes.values()) {
            if (node.membership == null) {
                boot(node);
            }
        }
    }

    /** Starts one node added but not started yet. */
    public void start(final String id) {
        final SimNode node = node(id);
        if (node.membership != null) {
            throw new IllegalStateException(id + " is already started");
        }
        boot(node);
    }

    // --- time -----------------------------------------------------------------------------------------------------

    /** @return the virtual time in ms */
    public long nowMs() {
        return scheduler.nowMs();
    }

    /** Runs until the virtual time is {@code untilMs}. */
    public void runUntil(final long untilMs) {
        scheduler.runUntil(untilMs);
    }

    /** Runs for {@code ms} of virtual time. */
    public void runFor(final long ms) {
        scheduler.runUntil(nowMs() + ms);
    }

    /**
     * Runs until {@code done} holds (asked every {@link #CHECK_STEP_MS}) or the time is {@code deadlineMs}.
     *
     * @return whether it holds; {@link #nowMs()} is then when it was first seen to
     */
    public boolean runUntil(final BooleanSupplier done, final long deadlineMs) {
        while (!done.getAsBoolean()) {
            if (nowMs() >= deadlineMs) {
                return false;
            }
            scheduler.runUntil(Math.min(nowMs() + CHECK_STEP_MS, deadlineMs));
        }
        return true;
    }

    // --- faults -----------------------------------------------------------------------------------------------------

    /** Kills the node's process: it never ticks again and messages to it are lost (until {@link #restart}). */
    public void crash(final String id) {
        final SimNode node = node(id);
        requireUp(node, "crash");
        node.state = SimNode.State.CRASHED;
        node.held.clear();
        node.running.clear();
    }

    /**
     * Stops the node's process as SIGSTOP would, for {@code ms}: it neither ticks nor takes messages; what arrives
     * meanwhile waits and is taken on resume, before its first tick (an agent drains its inbox before its timers).
     */
    public void stall(final String id, final long ms) {
        final SimNode node = node(id);
        if (node.state != SimNode.State.RUNNING) {
            throw new IllegalStateException("cannot stall " + node + ": it is not running");
        }
        node.state = SimNode.State.STALLED;
        final int generation = node.generation;
        scheduler.at(nowMs() + ms, () -> resume(node, generation));
    }

    /** Starts a crashed or stopped node again: same id and URL, a new uid, joining through the seeds. */
    public void restart(final String id) {
        final SimNode node = node(id);
        if (node.isUp()) {
            throw new IllegalStateException("cannot restart " + node + ": it is still up");
        }
        node.generation++;
        node.held.clear();
        node.running.clear();
        boot(node);
    }

    /** Leaves gracefully now, goes on running {@code lingerMs} so the news spreads, then stops. */
    public void leave(final String id, final long lingerMs) {
        final SimNode node = node(id);
        if (node.state != SimNode.State.RUNNING) {
            throw new IllegalStateException("cannot leave from " + node + ": it is not running");
        }
        if (node.placer != null) {
            node.placer.leave(nowMs());
        }
        call(node, m -> m.leave(nowMs()), "leave");
        final int generation = node.generation;
        scheduler.at(nowMs() + lingerMs, () -> {
            if (node.generation == generation && node.isUp()) {
                node.state = SimNode.State.STOPPED;
                node.held.clear();
                node.running.clear();
            }
        });
    }

    /** Each message is lost with this probability from now on. */
    public void loss(final double probability) {
        network.loss(probability);
    }

    /** Every message takes {@code baseMs} plus a uniform 0 to {@code jitterMs} from now on (default 1 + 0..1). */
    public void delay(final long baseMs, final long jitterMs) {
        network.delay(baseMs, jitterMs);
    }

    /** Cuts the network into these sides; nodes in none form one more side. Messages across vanish. */
    @SafeVarargs
    public final void partition(final Set<String>... sides) {
        for (final Set<String> side : sides) {
            side.forEach(this::node);
        }
        network.partition(List.of(sides));
    }

    /** Ends the partition. */
    public void heal() {
        network.heal();
    }

    /** Drops every message to {@code id} for the next {@code ms}: its peers hear nothing back from it. */
    public void cutInbound(final String id, final long ms) {
        network.cutInbound(node(id).id, nowMs() + ms);
    }

    // --- what happened --------------------------------------------------------------------------------------------

    /** @return the events every node reported */
    public EventLog log() {
        return log;
    }

    /** @return the seed this run derives from */
    public long seed() {
        return seed;
    }

    /** @return every node's id, in the order added */
    public List<String> ids() {
        return List.copyOf(nodes.keySet());
    }

    /** @return the ids of the nodes whose process is up (running or stalled) */
    public List<String> upIds() {
        return nodes.values().stream().filter(SimNode::isUp).map(n -> n.id).toList();
    }

    /** @return the ids of the nodes whose process is running (not stalled) */
    public List<String> runningIds() {
        return nodes.values().stream().filter(n -> n.state == SimNode.State.RUNNING).map(n -> n.id).toList();
    }

    /** @return the node's membership (of its current process) */
    public Membership membership(final String id) {
        final SimNode node = node(id);
        if (node.membership == null) {
            throw new IllegalStateException(id + " was never started");
        }
        return node.membership;
    }

    /** @return the uid of the node's current process */
    public long uid(final String id) {
        return node(id).uid;
    }

    /** @return how {@code observer} sees {@code subject}, if at all */
    public Optional<Member> view(final String observer, final String subject) {
        return membership(observer).member(subject);
    }

    /** @return the bytes this node's processes have sent */
    public long bytesSent(final String id) {
        return node(id).bytesSent;
    }

    /** @return the bytes all nodes have sent */
    public long totalBytesSent() {
        return nodes.values().stream().mapToLong(n -> n.bytesSent).sum();
    }

    /**
     * @return the network's counts: messages sent, delivered, lost (at random), cut (partition or cut link),
     *     to-down (target crashed or stopped), unknown-url, oversize (over the control lane's limit, not delivered),
     *     misaddressed (the id given is not the node at the URL), and scheduled actions run
     */
    public Map<String, Long> networkCounters() {
        final Map<String, Long> all = new TreeMap<>(counters);
        all.put("lost", network.lost());
        all.put("cut", network.cut());
        all.put("actions", scheduler.ran());
        return all;
    }

    /**
     * @return whether every running node sees every node that is up (running or stalled) with a status that
     *     {@code ok} accepts, itself as up; cheap to ask often, as it starts where it last failed
     */
    public boolean allSee(final Predicate<MemberStatus> ok) {
        final List<SimNode> all = new ArrayList<>(nodes.values());
        for (int k = 0; k < all.size(); k++) {
            final int i = (laggard + k) % all.size();
            final SimNode observer = all.get(i);
            if (observer.state == SimNode.State.RUNNING && !sees(observer, all, ok)) {
                laggard = i;
                return false;
            }
        }
        return true;
    }

    /** @return the node's view, one member a line, for failure messages */
    public String describe(final String id) {
        final StringBuilder text = new StringBuilder(id).append(" (").append(node(id).state).append(") sees:");
        for (final Member m : membership(id).members()) {
            text.append("\n  ").append(m.id()).append(' ').append(m.status()).append(" inc ").append(m.incarnation())
                .append(" uid ").append(m.uid());
        }
        return text.toString();
    }

    // --- the machinery ----------------------------------------------------------------------------------------------

    private boolean sees(final SimNode observer, final Collection<SimNode> all, final Predicate<MemberStatus> ok) {
        for (final SimNode subject : all) {
            if (!subject.isUp()) {
                continue;
            }
            final Optional<Member> seen = observer.membership.member(subject.id);
            if (seen.isEmpty() || seen.get().uid() != subject.uid) {
                return false;
            }
            final MemberStatus status = seen.get().status();
            if (subject == observer ? !status.isUp() : !ok.test(status)) {
                return false;
            }
        }
        return true;
    }

    private void boot(final SimNode node) {
        final Random random = new Random(mix(seed, node.index, node.generation));
        node.uid = random.nextLong();
        node.state = SimNode.State.RUNNING;
        final int generation = node.generation;
        final Membership.Outbox outbox = (toNode, toUrl, message) -> send(node, generation, toNode, toUrl, message);
        try {
            node.membership = new Membership(settings, node.id, node.url, node.uid, random, outbox, nowMs());
            if (placementSettings != null) {
                node.placer = new Placer(placementSettings, node.id, node.uid, node.membership, outbox, nowMs());
                node.placer.offer(clusterActors, Set.of("b"), nowMs());
            }
        } catch (final RuntimeException e) {
            throw failure(node, "new Membership", e);
        }
        call(node, m -> m.join(seedUrls, nowMs()), "join");
    }

    private void send(final SimNode from, final int generation, final String toNode, final String toUrl,
                      final byte[] message) {
        if (from.generation != generation || !from.isUp()) {
            // Only a core that kept a reference to its outbox past its process's life could get here.
            count("sent-by-dead-process");
            return;
        }
        from.bytesSent += message.length;
        count("sent");
        if (message.length > GossipSettings.MAX_MESSAGE_BYTES) {
            count("oversize");
            return;
        }
        final SimNode to = byUrl.get(toUrl);
        if (to == null) {
            count("unknown-url");
            return;
        }
        if (toNode != null && !toNode.equals(to.id)) {
            count("misaddressed");
        }
        final long delayMs = network.route(from.id, to.id, nowMs());
        if (delayMs != SimNetwork.DROPPED) {
            final String fromId = from.id;
            scheduler.at(nowMs() + delayMs, () -> deliver(to, fromId, message));
        }
    }

    private void deliver(final SimNode to, final String from, final byte[] message) {
        switch (to.state) {
            case RUNNING -> {
                count("delivered");
                call(to, m -> take(to, m, from, message), "onMessage from " + from);
            }
            case STALLED -> to.held.add(new SimNode.Held(from, message));
            case CRASHED, STOPPED -> count("to-down");
        }
    }

    private void wake(final SimNode node, final long token) {
        if (node.wakeToken != token || node.state != SimNode.State.RUNNING) {
            return;
        }
        node.wakeAtMs = Long.MIN_VALUE;
        call(node, m -> tick(node, m), "tick");
    }

    private void take(final SimNode node, final Membership m, final String from, final byte[] message) {
        if (Placer.isPlacementMessage(message)) {
            if (node.placer != null) {
                node.placer.onMessage(from, message, nowMs());
            }
        } else {
            m.onMessage(from, message, nowMs());
        }
    }

    private void tick(final SimNode node, final Membership m) {
        if (m.nextWakeMs() <= nowMs()) {
            m.tick(nowMs());
        }
        if (node.placer != null && node.placer.nextWakeMs() <= nowMs()) {
            node.placer.tick(nowMs());
        }
    }

    /** The simulated registry: runs placement's orders at once; a handover crosses the network like data would. */
    private void carryOut(final SimNode node) {
        for (final Placer.Order order : node.placer.drainOrders()) {
            if (order instanceof Placer.Activate a) {
                node.running.put(a.activation().actor().name(), a.activation().epoch());
                node.placer.activated(a.activation().actor().name(), a.activation().epoch(), 0, "", nowMs());
            } else if (order instanceof Placer.Deactivate d) {
                node.running.remove(d.name());
                if (d.handTo() != null) {
                    handOver(node, node.generation, d.handTo(), d.name(), d.nextEpoch(), nowMs() + 10_000);
                }
            } else if (order instanceof Placer.Forward f) {
                node.running.remove(f.name());
            }
        }
        for (final ClusterEvent event : node.placer.drainEvents()) {
            log.record(nowMs(), node.id, event);
        }
        node.placer.drainNotes();
    }

    /** A handover on the data lane: retried while the link is cut (TCP resends), lost when either process dies. */
    private void handOver(final SimNode from, final int generation, final String toId, final String name,
                          final long epoch, final long giveUpMs) {
        final SimNode to = nodes.get(toId);
        if (to == null || from.generation != generation || !from.isUp() || nowMs() >= giveUpMs && !handoversHeld) {
            count("handovers-lost");
            return;
        }
        final long delay = network.route(from.id, to.id, nowMs());
        if (delay == SimNetwork.DROPPED || to.state != SimNode.State.RUNNING || handoversHeld) {
            scheduler.at(nowMs() + 100, () -> handOver(from, generation, toId, name, epoch, giveUpMs));
            return;
        }
        final int toGeneration = to.generation;
        scheduler.at(nowMs() + delay, () -> {
            if (to.generation != toGeneration || to.state != SimNode.State.RUNNING || to.placer == null) {
                handOver(from, generation, toId, name, epoch, giveUpMs);
                return;
            }
            call(to, m -> to.placer.acceptHandover(name, epoch, from.id, nowMs()), "handover from " + from.id);
        });
    }

    /** Global knowledge: no actor may be live on two nodes at once. */
    private void checkOneActivation() {
        for (final Map.Entry<String, List<String>> e : liveActivations().entrySet()) {
            final String key = e.getKey() + " on " + e.getValue();
            if (e.getValue().size() > 1 && violations.size() < 100 && reported.add(key)) {
                violations.add(nowMs() + "ms: " + e.getKey() + " is live on " + e.getValue());
            }
        }
    }

    private void resume(final SimNode node, final int generation) {
        if (node.generation != generation || node.state != SimNode.State.STALLED) {
            return;
        }
        node.state = SimNode.State.RUNNING;
        while (!node.held.isEmpty() && node.state == SimNode.State.RUNNING) {
            final SimNode.Held next = node.held.poll();
            count("delivered");
            call(node, m -> take(node, m, next.from(), next.message()), "onMessage from " + next.from());
        }
        call(node, m -> tick(node, m), "tick");
    }

    /** Calls the node's membership, records what it reported and schedules its next tick. */
    private void call(final SimNode node, final Consumer<Membership> action, final String what) {
        try {
            action.accept(node.membership);
        } catch (final RuntimeException e) {
            throw failure(node, what, e);
        }
        for (final ClusterEvent event : node.membership.drainEvents()) {
            log.record(nowMs(), node.id, event);
        }
        if (node.placer != null) {
            carryOut(node);
            checkOneActivation();
        }
        if (node.state != SimNode.State.RUNNING) {
            return;
        }
        // At least 1 ms ahead: a core that keeps saying "now" would otherwise hold the clock still for ever.
        final long wantMs = node.placer == null ? node.membership.nextWakeMs()
            : Math.min(node.membership.nextWakeMs(), node.placer.nextWakeMs());
        final long atMs = Math.max(wantMs, nowMs() + 1);
        if (node.wakeAtMs > nowMs() && node.wakeAtMs <= atMs) {
            return;
        }
        final long token = ++node.wakeToken;
        node.wakeAtMs = atMs;
        scheduler.at(atMs, () -> wake(node, token));
    }

    private IllegalStateException failure(final SimNode node, final String what, final RuntimeException e) {
        return new IllegalStateException(node.id + " threw in " + what + " at " + nowMs() + "ms of the run with seed "
            + seed + ": " + e, e);
    }

    private void requireUp(final SimNode node, final String what) {
        if (!node.isUp()) {
            throw new IllegalStateException("cannot " + what + " " + node + ": it is not up");
        }
    }

    private SimNode node(final String id) {
        final SimNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " (nodes: n1 to n" + nodes.size() + ")");
        }
        return node;
    }

    private void count(final String name) {
        counters.merge(name, 1L, Long::sum);
    }

    /** Spreads (seed, a, b) over 64 bits (SplitMix64's finaliser), so nearby seeds give unrelated streams. */
    static long mix(final long seed, final long a, final long b) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 2) + 0xD1B54A32D192ED03L * (b + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
