package hamlet.gossip.internal;

import hamlet.api.cluster.Activation;
import hamlet.api.cluster.ClusterActorInfo;
import hamlet.api.cluster.ClusterActorSpec;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberStatus;
import hamlet.gossip.internal.PlacementWire.Claim;
import hamlet.gossip.internal.PlacementWire.ClaimState;
import hamlet.gossip.internal.PlacementWire.Heartbeat;
import hamlet.gossip.internal.PlacementWire.Propose;
import hamlet.gossip.internal.PlacementWire.Reply;
import hamlet.gossip.internal.PlacementWire.Table;
import hamlet.gossip.internal.PlacementWire.TableRequest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides where cluster actors run, safely: the placement state machine of one node, beside its {@link Membership}
 * and driven by the same thread, with the same injected clock and outbox.
 *
 * <p><b>Lease.</b> Every {@code heartbeat} this node sends each up member a heartbeat with a sequence number; a member
 * that grants it a lease echoes the latest sequence it took in its own next heartbeat. This node holds a lease while
 * a majority of the last stable membership (itself included) echoed heartbeats it sent within {@code lease}. Without
 * a lease it runs no cluster actor: it fences them (the registry stops delivering at once, and also checks the lease
 * before every message, for a process woken from a stall).
 *
 * <p><b>Release.</b> A member grants a lease only to members it sees up. Once it sees a member dead or left and has
 * not echoed it for {@code lease * (1 + drift) + margin}, it vouches in its heartbeats that the member's lease ran
 * out ("released"). A dead owner's actors are taken over only once members that together leave the owner short of a
 * majority vouch so: whatever lease the owner still counted on has run out, and it fenced itself.
 *
 * <p><b>Claims.</b> Each activation has an epoch, higher than any before it for that actor. A node's table (fetched
 * by version) carries what it can run and the highest claim it knows for every actor; the highest epoch wins
 * everywhere. A node decides an activation only with up-to-date tables from every member that renews its lease,
 * which is a majority, so it knows of any activation a majority knows of.
 *
 * <p><b>Rank.</b> Candidates for an actor are the stable, up members that have its behaviour, ranked by rendezvous
 * hashing; overloaded ones only when all are. The first activates it when nobody claims it (FIRST) or when its owner
 * is released or abandoned it (TAKEOVER); an owner hands it to a member that ranks above it (a member joined or
 * came back) or, for a spread instance, off itself when it has been overloaded for {@code rebalance-after}, at most
 * {@code max-moves-per-second}.
 *
 * <p>Threading: not thread-safe; owned by the gossip agent's thread (or the simulator's).
 */
public final class Placer {
    /** What placement asks of the registry; drained by the agent and carried out on another thread, in order. */
    public sealed interface Order permits Activate, Deactivate, Forward {
    }

    /** Run it here. */
    public record Activate(Activation activation) implements Order {
    }

    /** Stop it here; hand it to {@code handTo} under {@code nextEpoch}, or keep it fenced when {@code handTo} is null. */
    public record Deactivate(String name, long epoch, String handTo, long nextEpoch, String reason) implements Order {
    }

    /** A fenced activation was taken over: send what waited here to the new owner. */
    public record Forward(String name, String owner, long epoch) implements Order {
    }

    /** An activation of this node, as this node runs it. */
    private static final class Own {
        Claim claim;
        ClusterActorSpec spec;
        final long decidedMs;
        final Activation.Cause cause;
        final String previous;

        Own(final Claim claim, final ClusterActorSpec spec, final long decidedMs, final Activation.Cause cause,
            final String previous) {
            this.claim = claim;
            this.spec = spec;
            this.decidedMs = decidedMs;
            this.cause = cause;
            this.previous = previous;
        }
    }

    /** What this node knows of another member's placement. */
    private static final class Peer {
        long uid;
        long lastSeq;
        /** When {@link #lastSeq} arrived: it was sent no later, so a lease it renews ends by then plus the lease. */
        long lastSeqArrivedMs = NEVER;
        long lastHeartbeatMs = NEVER;
        long echoedSentMs = NEVER;
        long lastGrantMs = NEVER;
        long announcedVersion;
        long tableRequestedMs = NEVER;
        Table table;
        /** Since when its table says it takes no placements (it just joined, or holds no lease). */
        long ineligibleSinceMs = NEVER;
        List<String> released = List.of();
    }

    /** An epoch this node promised to one owner: it promises no other owner that epoch or a lower one. */
    private record Promise(long epoch, String owner) {
    }

    /** An activation or a move this node proposes, waiting for a majority's promises. */
    private static final class Proposal {
        final String name;
        final long epoch;
        final String owner;
        final Activation.Cause cause;
        final String previous;
        final String detail;
        final long basedOnEpoch;
        /** Who held {@link #basedOnEpoch} when this was decided ({@code null} for a first activation). */
        final String basedOnNode;
        final long startedMs;
        final Set<String> promised = new TreeSet<>();

        Proposal(final String name, final long epoch, final String owner, final Activation.Cause cause,
                 final String previous, final String detail, final long basedOnEpoch, final String basedOnNode,
                 final long startedMs) {
            this.name = name;
            this.epoch = epoch;
            this.owner = owner;
            this.cause = cause;
            this.previous = previous;
            this.detail = detail;
            this.basedOnEpoch = basedOnEpoch;
            this.basedOnNode = basedOnNode;
            this.startedMs = startedMs;
        }
    }

    /** The last change of one actor, for operators. */
    private record History(String kind, long atMs, long tookMs, String detail, long stateBytes) {
    }

    /** "Never" for times: far enough in the past to be older than anything, near enough that {@code now - NEVER}
     * does not overflow. */
    private static final long NEVER = Long.MIN_VALUE / 4;
    private static final int SENT_RING = 1024;
    /**
     * The most cluster actors placement handles: every node's table of claims must fit one control message (16 KiB),
     * and a claim a table leaves out is one a majority might not know of, so placement refuses more rather than
     * truncate. Paging tables would lift it.
     */
    public static final int MAX_CLUSTER_ACTORS = 128;
    private static final long TABLE_RETRY_MS = 200;
    private static final long PROPOSAL_TIMEOUT_MS = 500;

    private PlacementSettings settings;
    private final String selfId;
    private final long selfUid;
    private final Membership membership;
    private final Membership.Outbox outbox;

    private final Map<String, Peer> peers = new HashMap<>();
    private final long[] sentSeq = new long[SENT_RING];
    private final long[] sentMs = new long[SENT_RING];
    private long seq;
    private long nextHeartbeatMs;
    private long leaseUntilMs = NEVER;
    private boolean leaseHeld;
    private final Set<String> releasedHere = new TreeSet<>();

    private long tableVersion = 1;
    private List<String> behaviors = List.of();
    private final Map<String, ClusterActorSpec> declared = new TreeMap<>();
    private final Map<String, Own> own = new TreeMap<>();
    /** The other members' specs by name, or {@code null} when a table changed since they were gathered. */
    private Map<String, ClusterActorSpec> peerSpecs;
    private final Map<String, Claim> known = new TreeMap<>();
    private final Map<String, Long> abandonedSeenMs = new HashMap<>();
    private final Map<String, Long> stateBytes = new HashMap<>();
    private final Map<String, History> history = new HashMap<>();
    /** Since when each member has not been alive here (suspect, dead, left, gone): a takeover's outage starts there. */
    private final Map<String, Long> downSinceMs = new HashMap<>();
    private final Deque<Long> moveTimes = new ArrayDeque<>();
    private final Map<String, Promise> promises = new HashMap<>();
    private final Map<String, Proposal> proposals = new TreeMap<>();
    private long overloadedSinceMs = NEVER;
    private String blocked = "has not joined a cluster yet";
    /** Since when this process has been in a cluster: it is a candidate only after stable-after, as others see it. */
    private long joinedSinceMs = NEVER;
    private boolean advertisedEligible;

    private final List<Order> orders = new ArrayList<>();
    private final List<ClusterEvent> events = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, long[]> counters = new TreeMap<>();
    private long now;
    private final long startedMs;

    public Placer(final PlacementSettings settings, final String selfId, final long selfUid,
                  final Membership membership, final Membership.Outbox outbox, final long nowMs) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.selfId = selfId;
        this.selfUid = selfUid;
        this.membership = membership;
        this.outbox = outbox;
        this.now = nowMs;
        this.startedMs = nowMs;
        this.nextHeartbeatMs = nowMs;
    }

    public void reconfigure(final PlacementSettings next) {
        settings = Objects.requireNonNull(next, "settings");
    }

    // --- inputs -----------------------------------------------------------------------------------------------------

    /** What this node declares and can run (from the registry). */
    public void offer(final List<ClusterActorSpec> specs, final Set<String> installed, final long nowMs) {
        now = nowMs;
        final Map<String, ClusterActorSpec> next = new TreeMap<>();
        specs.forEach(s -> next.put(s.name(), s));
        if (next.size() > MAX_CLUSTER_ACTORS) {
            count("offers.over-limit");
            note("this node declares " + next.size() + " cluster actors; placement handles at most "
                + MAX_CLUSTER_ACTORS + " (each node's table of claims must fit one control message): only the first "
                + MAX_CLUSTER_ACTORS + " by name are placed");
            while (next.size() > MAX_CLUSTER_ACTORS) {
                next.remove(((TreeMap<String, ClusterActorSpec>) next).lastKey());
            }
        }
        final List<String> nextBehaviors = List.copyOf(new TreeSet<>(installed));
        if (!next.equals(declared) || !nextBehaviors.equals(behaviors)) {
            declared.clear();
            declared.putAll(next);
            behaviors = nextBehaviors;
            tableVersion++;
        }
    }

    /** @return whether the message was placement's (first byte {@code 'P'}) and so taken here */
    public static boolean isPlacementMessage(final byte[] bytes) {
        return bytes.length > 0 && (bytes[0] & 0xff) == PlacementWire.MAGIC;
    }

    public void onMessage(final String fromNode, final byte[] bytes, final long nowMs) {
        now = nowMs;
        count("messages.in");
        final Optional<Member> from = membership.member(fromNode);
        if (from.isEmpty() || fromNode.equals(selfId)) {
            count("refused.not-a-member");
            return;
        }
        try {
            switch (PlacementWire.type(bytes)) {
                case PlacementWire.HEARTBEAT -> onHeartbeat(fromNode, PlacementWire.readHeartbeat(bytes));
                case PlacementWire.TABLE_REQUEST -> onTableRequest(fromNode, PlacementWire.readTableRequest(bytes));
                case PlacementWire.TABLE -> onTable(fromNode, PlacementWire.readTable(bytes));
                case PlacementWire.PROPOSE -> onPropose(fromNode, PlacementWire.readPropose(bytes));
                case PlacementWire.REPLY -> onReply(fromNode, PlacementWire.readReply(bytes));
                default -> count("messages.unknown");
            }
        } catch (final Malformed e) {
            count("messages.malformed");
            note("dropped a malformed placement message from " + fromNode + ": " + e.getMessage());
        }
    }

    /**
     * A handover arrived: takes it when its epoch is newer than any claim known here and this node holds a lease.
     *
     * @return {@code null} when taken (an {@link Activate} follows), else why refused
     */
    public String acceptHandover(final String name, final long epoch, final String from, final long nowMs) {
        now = nowMs;
        final Claim best = known.get(name);
        final String refusal;
        if (!leaseHeld) {
            refusal = "this node holds no lease: " + blocked;
        } else if (membership.member(from).map(m -> !m.status().isUp()).orElse(true)) {
            refusal = from + " is not an up member";
        } else if (best != null && best.epoch() >= epoch) {
            refusal = "epoch " + epoch + " is not newer than " + best.node() + "'s epoch " + best.epoch();
        } else if (promises.containsKey(name) && (promises.get(name).epoch() > epoch
            || promises.get(name).epoch() == epoch && !promises.get(name).owner().equals(selfId))) {
            refusal = "epoch " + epoch + " was promised to " + promises.get(name).owner() + " or overtaken";
        } else if (spec(name) == null) {
            refusal = "no spec known for " + name;
        } else {
            activate(name, epoch, Activation.Cause.HANDOVER, from, "handed over by " + from);
            return null;
        }
        count("refused.handover");
        events.add(new ClusterEvent(ClusterEvent.Type.REFUSED, selfId, name, "handover from " + from + " under epoch "
            + epoch + " refused: " + refusal));
        final Promise promised = promises.get(name);
        if (promised != null && promised.epoch() == epoch && promised.owner().equals(selfId)
            && (best == null || best.epoch() < epoch)) {
            // The epoch was promised to this node, and its old owner has stopped: say this node runs nothing under
            // it, so that the others take the actor over (from their copies) instead of waiting for ever.
            final Claim abandoned = new Claim(name, selfId, epoch, 1, ClaimState.ABANDONED, null, 0);
            final Own o = new Own(abandoned, spec(name), now, Activation.Cause.FIRST, from);
            own.put(name, o);
            known.put(name, abandoned);
            tableVersion++;
        }
        return refusal;
    }

    /** The registry ran an activation. */
    public void activated(final String name, final long epoch, final long bytes, final String detail,
                          final long nowMs) {
        now = nowMs;
        final Own o = own.get(name);
        if (o == null || o.claim.epoch() != epoch) {
            count("reports.stale");
            return;
        }
        final String kind = o.cause.name().toLowerCase();
        // A takeover's actor answered nobody from when this node first saw its owner stop answering.
        final long since = o.cause == Activation.Cause.TAKEOVER && o.previous != null
            ? Math.min(o.decidedMs, downSinceMs.getOrDefault(o.previous, o.decidedMs)) : o.decidedMs;
        history.put(name, new History(kind, nowMs, nowMs - since, detail, bytes));
        setClaim(o, o.claim.with(new PlacementWire.Change(o.cause.ordinal() + 1, nowMs, nowMs - since, bytes)));
        events.add(new ClusterEvent(ClusterEvent.Type.ACTIVATED, selfId, name, kind + " under epoch " + epoch
            + (o.claim.epoch() > 1 && o.cause != Activation.Cause.FIRST ? " after " + (nowMs - o.decidedMs) + " ms"
            : "") + (detail == null || detail.isEmpty() ? "" : ": " + detail)));
    }

    public void stateSize(final String name, final long bytes) {
        stateBytes.put(name, bytes);
    }

    /** Leaving: runs nothing from now on and says so, so that the others take over without waiting for verdicts. */
    public void leave(final long nowMs) {
        now = nowMs;
        for (final Own o : own.values()) {
            if (o.claim.state() == ClaimState.ACTIVE) {
                orders.add(new Deactivate(o.claim.name(), o.claim.epoch(), null, 0, "this node leaves the cluster"));
            }
            if (o.claim.state() != ClaimState.ABANDONED && o.claim.state() != ClaimState.MOVING) {
                setClaim(o, o.claim.with(ClaimState.ABANDONED, null, 0));
            }
        }
        leaseHeld = false;
        blocked = "this node left the cluster";
    }

    // --- time -------------------------------------------------------------------------------------------------------

    public void tick(final long nowMs) {
        now = nowMs;
        if (nowMs >= nextHeartbeatMs) {
            nextHeartbeatMs = nowMs + settings.heartbeatMs();
            sendHeartbeats();
            judgeReleases();
            requestStaleTables();
            judgeLease();
            place();
        } else {
            judgeLease();
        }
    }

    public long nextWakeMs() {
        return leaseHeld ? Math.min(nextHeartbeatMs, leaseUntilMs) : nextHeartbeatMs;
    }

    // --- outputs ----------------------------------------------------------------------------------------------------

    public List<Order> drainOrders() {
        return drain(orders);
    }

    public List<ClusterEvent> drainEvents() {
        return drain(events);
    }

    public List<String> drainNotes() {
        return drain(notes);
    }

    /** @return the version of this node's table: it changes with every claim known here, so a reader's snapshot is
     * stale when it has another */
    public long tableVersion() {
        return tableVersion;
    }

    /** @return until when (ms on this clock) the lease holds; in the past when it does not */
    public long leaseUntilMs() {
        return leaseHeld ? leaseUntilMs : Long.MIN_VALUE;
    }

    public boolean leaseHeld() {
        return leaseHeld;
    }

    /** @return {@code null} when this node may run cluster actors, else why not */
    public String blockedReason() {
        return blocked;
    }

    /** @return whether this node runs the actor now (active here, under its lease) */
    public boolean runs(final String name) {
        final Own o = own.get(name);
        return o != null && o.claim.state() == ClaimState.ACTIVE && leaseHeld;
    }

    /** @return the names of the actors this node runs now */
    public Set<String> running() {
        final Set<String> names = new TreeSet<>();
        for (final Own o : own.values()) {
            if (o.claim.state() == ClaimState.ACTIVE) {
                names.add(o.claim.name());
            }
        }
        return names;
    }

    /** @return the highest claim known for the actor, if any */
    public Optional<Claim> claim(final String name) {
        return Optional.ofNullable(known.get(name));
    }

    /** @return every cluster actor known: declared here or anywhere, or claimed */
    public Set<String> names() {
        final Set<String> names = new TreeSet<>(declared.keySet());
        names.addAll(peerSpecs().keySet());
        names.addAll(known.keySet());
        while (names.size() > MAX_CLUSTER_ACTORS) {
            ((TreeSet<String>) names).pollLast();
        }
        return names;
    }

    /** @return the member the actor's state is copied to: the first candidate other than its owner */
    public String replicaOf(final String name) {
        final Claim c = known.get(name);
        final String owner = c == null ? selfId : c.effectiveOwner();
        for (final String node : ranked(name, false, false)) {
            if (!node.equals(owner)) {
                return node;
            }
        }
        // No candidate but the owner (the others just came back and take no placements yet): a member that is up
        // still keeps a copy, and a takeover gathers the newest copy from every member.
        final ClusterActorSpec s = spec(name);
        final List<String> up = new ArrayList<>();
        for (final Member m : membership.members()) {
            if (!m.id().equals(owner) && (m.status() == MemberStatus.ALIVE || m.status() == MemberStatus.JOINING)
                && s != null && hasBehavior(m.id(), s.spec().behavior())) {
                up.add(m.id());
            }
        }
        return first(Rendezvous.rank(name, up));
    }

    public List<ClusterActorInfo> actors() {
        final List<ClusterActorInfo> all = new ArrayList<>();
        for (final String name : names()) {
            final ClusterActorSpec s = spec(name);
            final Claim c = known.get(name);
            final History h = history.containsKey(name) ? history.get(name) : fromClaim(c);
            final String state;
            final String detail;
            if (c == null) {
                state = "unplaced";
                detail = blocked != null ? "nobody runs it; this node may not because it " + blocked
                    : "nobody runs it yet; first candidate " + first(ranked(name, true, true));
            } else if (c.state() == ClaimState.MOVING) {
                state = "moving";
                detail = "handed over by " + c.node() + " to " + c.movingTo();
            } else if (c.state() == ClaimState.ACTIVE && isUp(c.node())) {
                state = "active";
                detail = "runs on " + c.node() + " under epoch " + c.epoch();
            } else {
                state = "waiting";
                detail = c.node() + " " + (c.state() == ClaimState.FENCED ? "fenced it (lost its lease)"
                    : c.state() == ClaimState.ABANDONED ? "abandoned it" : "is " + statusOf(c.node()))
                    + "; messages wait until it is back or taken over"
                    + (blocked != null ? " (this node may not take it: it " + blocked + ")" : "");
            }
            all.add(new ClusterActorInfo(name, s == null ? null : s.spec().behavior(),
                s == null ? null : s.spec().group(), s != null && s.spread(), c == null ? null : c.node(),
                c == null ? 0 : c.epoch(), state, c == null ? null : c.movingTo(), replicaOf(name),
                stateBytes.getOrDefault(name, h == null ? -1 : h.stateBytes()), h == null ? null : h.kind(),
                h == null ? 0 : h.atMs(), h == null ? -1 : h.tookMs(), detail));
        }
        return all;
    }

    private static History fromClaim(final Claim c) {
        if (c == null || c.change().cause() == 0) {
            return null;
        }
        return new History(Activation.Cause.values()[c.change().cause() - 1].name().toLowerCase(), c.change().atMs(),
            c.change().tookMs(), null, c.change().stateBytes());
    }

    public Map<String, Long> counters() {
        final Map<String, Long> all = new TreeMap<>();
        counters.forEach((k, v) -> all.put(k, v[0]));
        all.put("lease.held", leaseHeld ? 1L : 0L);
        all.put("actors.running", (long) running().size());
        return all;
    }

    // --- lease ------------------------------------------------------------------------------------------------------

    private void sendHeartbeats() {
        seq++;
        final int slot = (int) (seq % SENT_RING);
        sentSeq[slot] = seq;
        sentMs[slot] = now;
        final List<String> released = List.copyOf(releasedHere);
        for (final Member m : membership.members()) {
            if (m.id().equals(selfId) || !m.status().isUp()) {
                continue;
            }
            final Peer p = peer(m.id());
            final boolean grant = !releasedHere.contains(m.id()) && p.lastSeq > 0;
            if (grant) {
                p.lastGrantMs = p.lastSeqArrivedMs;
            }
            outbox.send(m.id(), m.url(), PlacementWire.heartbeat(new Heartbeat(selfUid, seq, tableVersion,
                grant ? p.lastSeq : 0, released)));
            count("heartbeats.out");
        }
    }

    private void onHeartbeat(final String from, final Heartbeat h) {
        final Peer p = peer(from);
        if (p.uid != h.uid()) {
            final Peer fresh = new Peer();
            fresh.uid = h.uid();
            peers.put(from, fresh);
            peerSpecs = null;
            if (p.uid != 0) {
                count("peers.restarted");
            }
            onHeartbeat(from, h);
            return;
        }
        if (h.seq() > p.lastSeq) {
            p.lastSeq = h.seq();
            p.lastSeqArrivedMs = now;
        }
        p.lastHeartbeatMs = now;
        p.released = h.released();
        p.announcedVersion = Math.max(p.announcedVersion, h.tableVersion());
        if (h.echo() > 0) {
            final int slot = (int) (h.echo() % SENT_RING);
            if (sentSeq[slot] == h.echo()) {
                p.echoedSentMs = Math.max(p.echoedSentMs, sentMs[slot]);
            } else {
                count("echoes.too-old");
            }
        }
        if (p.table == null || p.table.version() < p.announcedVersion) {
            requestTable(from, p);
        }
    }

    private void judgeLease() {
        final boolean was = leaseHeld;
        final Set<String> stable = electorate();
        final int majority = quorumBase(stable) / 2 + 1;
        final int needed = stable.contains(selfId) ? majority - 1 : majority;
        final List<Long> echoes = new ArrayList<>();
        for (final String id : stable) {
            if (!id.equals(selfId)) {
                final Peer p = peers.get(id);
                echoes.add(p == null ? NEVER : p.echoedSentMs);
            }
        }
        echoes.sort((a, b) -> Long.compare(b, a));
        if (needed <= 0) {
            leaseUntilMs = Long.MAX_VALUE;
        } else if (echoes.size() >= needed && echoes.get(needed - 1) != NEVER) {
            leaseUntilMs = echoes.get(needed - 1) + settings.leaseMs();
        } else {
            leaseUntilMs = NEVER;
        }
        if (!membership.joined()) {
            joinedSinceMs = NEVER;
        } else if (joinedSinceMs == NEVER) {
            joinedSinceMs = now;
        }
        final String why;
        if (!membership.joined()) {
            why = "has not joined a cluster yet";
        } else if (!membership.inMajority()) {
            why = "is in the minority (" + membership.majorityDetail() + ")";
        } else if (now >= leaseUntilMs) {
            long fresh = echoes.stream().filter(t -> t != NEVER && now - t < settings.leaseMs()).count();
            why = "holds no lease: " + fresh + " of the " + needed + " other members of the stable membership "
                + stable + " needed echoed a heartbeat within the last " + settings.leaseMs() + " ms";
        } else {
            why = null;
        }
        leaseHeld = why == null;
        blocked = why;
        final boolean eligibleNow = eligible();
        if (eligibleNow != advertisedEligible) {
            advertisedEligible = eligibleNow;
            tableVersion++;
        }
        if (was && !leaseHeld) {
            count("lease.lost");
            note("lost the placement lease: it " + why + "; fencing " + running().size() + " cluster actor(s)");
            fenceAll(why);
        } else if (!was && leaseHeld) {
            count("lease.gained");
        }
    }

    private void fenceAll(final String why) {
        for (final Own o : own.values()) {
            if (o.claim.state() == ClaimState.ACTIVE) {
                orders.add(new Deactivate(o.claim.name(), o.claim.epoch(), null, 0, "fenced: this node " + why));
                events.add(new ClusterEvent(ClusterEvent.Type.DEACTIVATED, selfId, o.claim.name(),
                    "fenced under epoch " + o.claim.epoch() + ": this node " + why));
                setClaim(o, o.claim.with(ClaimState.FENCED, null, 0));
            }
        }
    }

    private void judgeReleases() {
        if (now - startedMs < settings.releaseAfterMs()) {
            // This process's predecessor (same node, restarted) may have echoed a member until it died: vouch for
            // nobody until such an echo would have run out.
            releasedHere.clear();
            return;
        }
        final Set<String> next = new TreeSet<>();
        final Set<String> ids = new HashSet<>();
        for (final Member m : membership.members()) {
            ids.add(m.id());
            if (m.status() == MemberStatus.ALIVE || m.status() == MemberStatus.JOINING) {
                downSinceMs.remove(m.id());
            } else {
                downSinceMs.putIfAbsent(m.id(), now);
            }
            if (!m.status().isUp() && !m.id().equals(selfId)) {
                final Peer p = peers.get(m.id());
                if (p == null || p.lastGrantMs == NEVER || now - p.lastGrantMs >= settings.releaseAfterMs()) {
                    next.add(m.id());
                }
            }
        }
        // A member forgotten after remove-after stays released: nothing here grants it a lease until it is back.
        for (final String id : releasedHere) {
            if (!ids.contains(id)) {
                next.add(id);
            }
        }
        for (final Claim c : known.values()) {
            if (!ids.contains(c.node()) && !c.node().equals(selfId)) {
                final Peer p = peers.get(c.node());
                if (p == null || p.lastGrantMs == NEVER || now - p.lastGrantMs >= settings.releaseAfterMs()) {
                    next.add(c.node());
                }
            }
        }
        releasedHere.clear();
        releasedHere.addAll(next);
    }

    /** @return whether enough members vouch that {@code node}'s lease ran out that it cannot hold one now */
    private boolean releasedByQuorum(final String node) {
        final Set<String> voters = new TreeSet<>(electorate());
        voters.add(node);
        final int n = quorumBase(voters);
        final int needed = n - (n / 2 + 1) + 1;
        int vouching = 0;
        for (final String v : voters) {
            if (v.equals(node)) {
                continue;
            }
            if (v.equals(selfId)) {
                vouching += releasedHere.contains(node) ? 1 : 0;
            } else {
                final Peer p = peers.get(v);
                if (p != null && now - p.lastHeartbeatMs <= 3 * settings.heartbeatMs() && p.released.contains(node)) {
                    vouching++;
                }
            }
        }
        return vouching >= needed;
    }

    // --- tables -----------------------------------------------------------------------------------------------------

    private void requestStaleTables() {
        for (final Map.Entry<String, Peer> e : peers.entrySet()) {
            final Peer p = e.getValue();
            if (p.announcedVersion > 0 && (p.table == null || p.table.version() < p.announcedVersion)) {
                requestTable(e.getKey(), p);
            }
        }
    }

    private void requestTable(final String node, final Peer p) {
        if (now - p.tableRequestedMs < TABLE_RETRY_MS) {
            return;
        }
        p.tableRequestedMs = now;
        membership.member(node).ifPresent(m -> {
            outbox.send(node, m.url(), PlacementWire.tableRequest(new TableRequest(selfUid, p.announcedVersion)));
            count("tables.requested");
        });
    }

    private void onTableRequest(final String from, final TableRequest r) {
        membership.member(from).ifPresent(m -> {
            final Table t = new Table(selfUid, tableVersion, eligible(), behaviors, List.copyOf(declared.values()),
                List.copyOf(known.values()));
            final byte[] bytes = PlacementWire.table(t, Membership.CHUNK_BYTES);
            outbox.send(from, m.url(), bytes);
            count("tables.sent");
        });
    }

    private void onTable(final String from, final Table t) {
        final Peer p = peer(from);
        if (p.uid != t.uid()) {
            count("tables.other-process");
            return;
        }
        if (p.table != null && p.table.version() >= t.version()) {
            return;
        }
        p.table = t;
        peerSpecs = null;
        if (t.eligible()) {
            p.ineligibleSinceMs = NEVER;
        } else if (p.ineligibleSinceMs == NEVER) {
            p.ineligibleSinceMs = now;
        }
        boolean changed = false;
        for (final Claim c : t.claims()) {
            final Claim mine = known.get(c.name());
            if (mine != null && mine.epoch() == c.epoch() && !mine.node().equals(c.node())) {
                count("claims.same-epoch-conflict");
                note("two claims on " + c.name() + " under epoch " + c.epoch() + ": " + mine.node() + " and "
                    + c.node());
            }
            if (c.node().equals(selfId)) {
                if (!own.containsKey(c.name()) && c.state() != ClaimState.ABANDONED
                    && (mine == null || mine.epoch() <= c.epoch())) {
                    // An earlier process of this node ran it: this one runs nothing for it, and says so.
                    final Own o = new Own(c, spec(c.name()), now, Activation.Cause.FIRST, null);
                    own.put(c.name(), o);
                    setClaim(o, c.with(ClaimState.ABANDONED, null, 0));
                    count("claims.abandoned-from-earlier-process");
                }
                continue;
            }
            // Two claims under one epoch (a member restarted and forgot a promise): the one that runs wins over one
            // that was fenced or abandoned, here and in what this node tells others.
            final boolean yieldsTo = mine != null && mine.epoch() == c.epoch() && !mine.node().equals(c.node())
                && !live(mine) && live(c);
            if (c.newerThan(mine) || yieldsTo) {
                known.put(c.name(), c);
                changed = true;
            }
        }
        if (changed) {
            tableVersion++;
        }
    }

    /** @return whether this node holds the newest table of every member that renews its lease */
    private boolean tablesFresh() {
        for (final String id : electorate()) {
            if (id.equals(selfId)) {
                continue;
            }
            final Peer p = peers.get(id);
            if (p == null || p.echoedSentMs == NEVER || now - p.echoedSentMs >= settings.leaseMs()) {
                continue;
            }
            if (p.table == null || p.table.version() < p.announcedVersion) {
                return false;
            }
        }
        return true;
    }

    // --- deciding ---------------------------------------------------------------------------------------------------

    private void place() {
        if (!leaseHeld) {
            return;
        }
        final boolean fresh = tablesFresh();
        pruneMoves();
        proposals.values().removeIf(p -> now - p.startedMs >= PROPOSAL_TIMEOUT_MS);
        for (final String name : names()) {
            if (proposals.containsKey(name)) {
                continue;
            }
            final Claim c = known.get(name);
            final Own mine = own.get(name);
            if (mine != null && c != null && !c.node().equals(selfId)) {
                superseded(mine, c);
                continue;
            }
            if (mine != null && mine.claim.state() == ClaimState.ACTIVE) {
                considerMove(mine);
                continue;
            }
            if (!fresh || spec(name) == null) {
                continue;
            }
            if (mine != null && mine.claim.state() == ClaimState.FENCED) {
                resume(mine);
            } else if (c == null) {
                if (selfId.equals(first(ranked(name, true, true))) && eligible()) {
                    propose(name, 1, selfId, Activation.Cause.FIRST, null, "first activation", 0, null);
                }
            } else if (mayTakeOver(c) && (selfId.equals(first(ranked(name, true, false))) || handedHereBy(c))) {
                // A move's epoch was promised to its receiver: this proposal is based on it, not on the move's old
                // epoch, or the promise would make every takeover of an interrupted move give up.
                final long basedOn = Math.max(c.epoch(), c.nextEpoch());
                propose(name, basedOn + 1, selfId, Activation.Cause.TAKEOVER, c.effectiveOwner(),
                    "took over from " + (handedHereBy(c) ? c.node() + ", which died handing it over here"
                        : c.effectiveOwner()), basedOn, c.effectiveOwner());
            }
        }
    }

    /** An owner whose lease ran out: released by a quorum, or abandoned (a restarted process, a node that left). */
    private boolean mayTakeOver(final Claim c) {
        return switch (c.state()) {
            // The old owner stopped it when it handed it over: the receiver's lease matters, unless this node is the
            // receiver and the old owner died before its handover arrived (nobody else may take it then).
            case MOVING -> releasedByQuorum(c.movingTo()) || handedHereBy(c);
            case ABANDONED -> {
                final long seen = abandonedSeenMs.computeIfAbsent(c.name() + "@" + c.epoch(), k -> now);
                yield now - seen >= settings.marginMs();
            }
            case ACTIVE, FENCED -> releasedByQuorum(c.node());
        };
    }

    /** Nobody took it over while this node was fenced: run it again here (a move follows if another ranks first). */
    private static boolean live(final Claim c) {
        return c.state() == ClaimState.ACTIVE || c.state() == ClaimState.MOVING;
    }

    /** @return whether the claim is a move to this node whose sender died before the handover arrived */
    private boolean handedHereBy(final Claim c) {
        return c.state() == ClaimState.MOVING && selfId.equals(c.movingTo()) && !own.containsKey(c.name())
            && releasedByQuorum(c.node());
    }

    private void resume(final Own mine) {
        final String name = mine.claim.name();
        propose(name, mine.claim.epoch() + 1, selfId, Activation.Cause.RESUME, selfId,
            "lease regained; nobody took it over", mine.claim.epoch(), selfId);
    }

    private void superseded(final Own mine, final Claim c) {
        final String name = mine.claim.name();
        if (mine.claim.state() == ClaimState.MOVING && c.node().equals(mine.claim.movingTo())
            && c.epoch() >= mine.claim.nextEpoch()) {
            own.remove(name);
            count("handovers.completed");
            return;
        }
        if (c.epoch() < mine.claim.epoch() || c.epoch() == mine.claim.epoch()
            && (mine.claim.state() == ClaimState.ACTIVE || c.state() != ClaimState.ACTIVE)) {
            return;
        }
        switch (mine.claim.state()) {
            case ACTIVE -> {
                count("activations.superseded");
                note("ran " + name + " under epoch " + mine.claim.epoch() + " while " + c.node() + " holds epoch "
                    + c.epoch() + ": stopping and forwarding to it");
                orders.add(new Deactivate(name, mine.claim.epoch(), null, 0, "superseded by " + c.node()));
                orders.add(new Forward(name, c.node(), c.epoch()));
            }
            case FENCED -> orders.add(new Forward(name, c.node(), c.epoch()));
            default -> {
            }
        }
        own.remove(name);
        tableVersion++;
    }

    private void considerMove(final Own mine) {
        final String name = mine.claim.name();
        final List<String> ranking = ranked(name, true, false);
        String target = null;
        String why = null;
        final String top = first(ranking);
        if (top != null && !top.equals(selfId) && Rendezvous.weight(top, name) > Rendezvous.weight(selfId, name)
            && statusOf(top) == MemberStatus.ALIVE && tableFresh(top) && !overloaded(top, 0.8)) {
            target = top;
            why = top + " ranks first for it";
        } else if (mine.spec != null && mine.spec.spread() && overloadedFor(settings.rebalanceAfterMs())) {
            for (final String node : ranking) {
                if (!node.equals(selfId) && statusOf(node) == MemberStatus.ALIVE && !overloaded(node, 0.8)) {
                    target = node;
                    why = "this node has been over the overload threshold for " + settings.rebalanceAfterMs() + " ms";
                    break;
                }
            }
        }
        if (target == null || !mayStartMove()) {
            return;
        }
        moveTimes.addLast(now);
        propose(name, mine.claim.epoch() + 1, target, Activation.Cause.HANDOVER, selfId, why, mine.claim.epoch(),
            selfId);
    }

    private void move(final Own mine, final String target, final long next, final String why) {
        final String name = mine.claim.name();
        setClaim(mine, mine.claim.with(ClaimState.MOVING, target, next));
        orders.add(new Deactivate(name, mine.claim.epoch(), target, next, "handover to " + target + ": " + why));
        events.add(new ClusterEvent(ClusterEvent.Type.DEACTIVATED, selfId, name, "handed over to " + target
            + " under epoch " + next + ": " + why));
        count("handovers.started");
    }

    // --- promises ---------------------------------------------------------------------------------------------------

    /**
     * Asks every member of the stable membership to promise the epoch to the owner; acts once a majority did. Two
     * nodes that both believe they should activate an actor (their views differ for a moment) cannot both gather a
     * majority for one epoch, and a later epoch's majority tells its proposer of the earlier one.
     */
    private void propose(final String name, final long epoch, final String owner, final Activation.Cause cause,
                         final String previous, final String detail, final long basedOnEpoch,
                         final String basedOnNode) {
        final Promise before = promised(name);
        if (!promisable(before, epoch, owner)) {
            count("proposals.refused-here");
            return;
        }
        promises.put(name, new Promise(epoch, owner));
        final Proposal p = new Proposal(name, epoch, owner, cause, previous, detail, basedOnEpoch, basedOnNode, now);
        p.promised.add(selfId);
        proposals.put(name, p);
        count("proposals.started");
        final byte[] bytes = PlacementWire.propose(new Propose(selfUid, name, epoch, owner));
        for (final String id : electorate()) {
            if (!id.equals(selfId)) {
                membership.member(id).ifPresent(m -> outbox.send(id, m.url(), bytes));
            }
        }
        decideIfPromised(p);
    }

    private void onPropose(final String from, final Propose p) {
        final Promise before = promised(p.name());
        final boolean ok = promisable(before, p.epoch(), p.owner());
        if (ok) {
            promises.put(p.name(), new Promise(p.epoch(), p.owner()));
        } else {
            count("proposals.refused");
        }
        membership.member(from).ifPresent(m -> outbox.send(from, m.url(), PlacementWire.reply(new Reply(selfUid,
            p.name(), p.epoch(), ok, before == null ? null : before.owner(), before == null ? 0 : before.epoch()))));
    }

    private void onReply(final String from, final Reply r) {
        final Proposal p = proposals.get(r.name());
        if (p == null || p.epoch != r.epoch()) {
            return;
        }
        if (!r.ok() || conflicts(p, r.knownNode(), r.knownEpoch())) {
            proposals.remove(r.name());
            count("proposals.abandoned");
            note("gave up proposing " + r.name() + " under epoch " + p.epoch + " for " + p.owner + ": " + from
                + " knows epoch " + r.knownEpoch() + " of " + r.knownNode());
            return;
        }
        p.promised.add(from);
        decideIfPromised(p);
    }

    /**
     * @return whether a member's report shows what the proposal was not based on: an epoch at or above its basis held
     *     by another node than the basis's (two claims under one epoch, or a newer one)
     */
    private static boolean conflicts(final Proposal p, final String knownNode, final long knownEpoch) {
        if (knownNode == null || knownEpoch < p.basedOnEpoch) {
            return false;
        }
        final boolean basis = knownEpoch == p.basedOnEpoch && knownNode.equals(p.basedOnNode);
        final boolean itself = knownEpoch == p.epoch && knownNode.equals(p.owner);
        return !basis && !itself;
    }

    private void decideIfPromised(final Proposal p) {
        final Set<String> stable = electorate();
        // A member that came back as a new process (joining) forgot what it promised: its promise counts only once
        // it has been back for stable-after and learnt the claims.
        final long votes = p.promised.stream().filter(stable::contains).count();
        if (votes * 2 <= quorumBase(stable) || !leaseHeld) {
            return;
        }
        proposals.remove(p.name);
        if (p.cause == Activation.Cause.HANDOVER) {
            final Own mine = own.get(p.name);
            if (mine != null && mine.claim.state() == ClaimState.ACTIVE && mine.claim.epoch() == p.basedOnEpoch) {
                move(mine, p.owner, p.epoch, p.detail);
            }
        } else {
            activate(p.name, p.epoch, p.cause, p.previous, p.detail);
        }
    }

    /** @return the highest epoch this node promised or knows claimed, for the actor */
    private Promise promised(final String name) {
        final Promise promise = promises.get(name);
        final Claim claim = known.get(name);
        final Promise fromClaim = claim == null ? null : claim.state() == ClaimState.MOVING
            ? new Promise(claim.nextEpoch(), claim.movingTo()) : new Promise(claim.epoch(), claim.node());
        if (promise == null) {
            return fromClaim;
        }
        return fromClaim == null || promise.epoch() >= fromClaim.epoch() ? promise : fromClaim;
    }

    private static boolean promisable(final Promise before, final long epoch, final String owner) {
        return before == null || epoch > before.epoch() || epoch == before.epoch() && owner.equals(before.owner());
    }

    private boolean mayStartMove() {
        pruneMoves();
        long inFlight = own.values().stream().filter(o -> o.claim.state() == ClaimState.MOVING).count();
        return moveTimes.size() < settings.maxMovesPerSecond() && inFlight < settings.maxMovesPerSecond();
    }

    private void pruneMoves() {
        while (!moveTimes.isEmpty() && now - moveTimes.peekFirst() >= 1_000) {
            moveTimes.removeFirst();
        }
    }

    private void activate(final String name, final long epoch, final Activation.Cause cause, final String previous,
                          final String detail) {
        final ClusterActorSpec s = spec(name);
        final Claim c = new Claim(name, selfId, epoch, 1, ClaimState.ACTIVE, null, 0);
        final Own o = new Own(c, s, now, cause, previous);
        own.put(name, o);
        known.put(name, c);
        tableVersion++;
        orders.add(new Activate(new Activation(s, epoch, cause, previous)));
        count("activations." + cause.name().toLowerCase());
        note(cause.name().toLowerCase() + " of " + name + " under epoch " + epoch + ": " + detail);
    }

    private void setClaim(final Own o, final Claim next) {
        o.claim = next;
        known.put(next.name(), next);
        tableVersion++;
    }

    // --- the view ---------------------------------------------------------------------------------------------------

    /**
     * @param allowSuspect whether a suspect member still counts (for FIRST and TAKEOVER: a suspect that ranks first
     *     holds the others back until it is declared dead, so that two views never both pick themselves)
     * @param waitForComing whether a member that is not eligible yet (it joined less than stable-after ago) still
     *     counts, for a while: a first placement waits for it rather than go elsewhere and move a moment later
     * @return the candidates for the actor, best first
     */
    private List<String> ranked(final String name, final boolean allowSuspect, final boolean waitForComing) {
        final ClusterActorSpec s = spec(name);
        if (s == null) {
            return List.of();
        }
        final String behavior = s.spec().behavior();
        final List<String> candidates = new ArrayList<>();
        final List<String> roomy = new ArrayList<>();
        for (final String id : electorate()) {
            final MemberStatus status = statusOf(id);
            if (!(status == MemberStatus.ALIVE || allowSuspect && status == MemberStatus.SUSPECT)) {
                continue;
            }
            if (!hasBehavior(id, behavior) || !mayPlaceOn(id, waitForComing)) {
                continue;
            }
            candidates.add(id);
            if (!overloaded(id, 1.0)) {
                roomy.add(id);
            }
        }
        return Rendezvous.rank(name, roomy.isEmpty() ? candidates : roomy);
    }

    private boolean mayPlaceOn(final String id, final boolean waitForComing) {
        if (id.equals(selfId)) {
            return eligible() || waitForComing && joinedSinceMs != NEVER;
        }
        final Peer p = peers.get(id);
        if (p == null || p.table == null) {
            return false;
        }
        return p.table.eligible() || waitForComing && p.ineligibleSinceMs != NEVER
            && now - p.ineligibleSinceMs < 2 * membership.settings().stableAfterMs();
    }

    /** @return whether this node takes placements: it holds a lease and has been in the cluster for stable-after */
    private boolean eligible() {
        return leaseHeld && joinedSinceMs != NEVER && now - joinedSinceMs >= membership.settings().stableAfterMs();
    }

    /**
     * @return the members whose majority counts (lease, promises, releases): the last stable membership and every
     *     member up now. Views differ for a moment after a change (a node alone that just let others in still has a
     *     stable membership of one); counting everyone seen keeps two nodes from each finding a majority of its own.
     */
    private Set<String> electorate() {
        final Set<String> all = new TreeSet<>(membership.stableMembership());
        all.add(selfId);
        for (final Member m : membership.members()) {
            if (m.status().isUp()) {
                all.add(m.id());
            }
        }
        return all;
    }

    /**
     * @return how many members a majority is taken of: at least {@code expected-members}, so that a node that
     *     restarted while cut off, and formed a cluster of its own through its own seed entry, finds no majority
     */
    private int quorumBase(final Set<String> members) {
        return Math.max(members.size(), settings.expectedMembers());
    }

    private boolean hasBehavior(final String id, final String behavior) {
        if (id.equals(selfId)) {
            return behaviors.contains(behavior);
        }
        final Peer p = peers.get(id);
        return p != null && p.table != null && p.table.behaviors().contains(behavior);
    }

    private boolean tableFresh(final String id) {
        final Peer p = peers.get(id);
        return p != null && p.table != null && p.table.version() >= p.announcedVersion;
    }

    private boolean overloaded(final String id, final double share) {
        return membership.member(id).map(m -> m.load().score() > membership.settings().overloadThreshold() * share)
            .orElse(false);
    }

    private boolean overloadedFor(final long ms) {
        if (overloaded(selfId, 1.0)) {
            if (overloadedSinceMs == NEVER) {
                overloadedSinceMs = now;
            }
            return now - overloadedSinceMs >= ms;
        }
        overloadedSinceMs = NEVER;
        return false;
    }

    private MemberStatus statusOf(final String id) {
        return membership.member(id).map(Member::status).orElse(MemberStatus.DEAD);
    }

    private boolean isUp(final String id) {
        return statusOf(id).isUp();
    }

    private ClusterActorSpec spec(final String name) {
        final ClusterActorSpec mine = declared.get(name);
        if (mine != null) {
            return mine;
        }
        return peerSpecs().get(name);
    }

    /**
     * @return the specs the other members' tables declare, by name; of one name declared by several, the lowest node
     *     id's. Built again only after a table changed: ranking asks for specs many times a round.
     */
    private Map<String, ClusterActorSpec> peerSpecs() {
        if (peerSpecs == null) {
            final Map<String, ClusterActorSpec> byName = new HashMap<>();
            for (final Map.Entry<String, Peer> e : new TreeMap<>(peers).entrySet()) {
                final Table t = e.getValue().table;
                if (t != null) {
                    t.specs().forEach(spec -> byName.putIfAbsent(spec.name(), spec));
                }
            }
            peerSpecs = byName;
        }
        return peerSpecs;
    }

    private Peer peer(final String id) {
        return peers.computeIfAbsent(id, k -> new Peer());
    }

    private static String first(final List<String> ranking) {
        return ranking.isEmpty() ? null : ranking.get(0);
    }

    private void note(final String line) {
        notes.add(line);
    }

    private void count(final String name) {
        counters.computeIfAbsent(name, k -> new long[1])[0]++;
    }

    private static <T> List<T> drain(final List<T> pending) {
        if (pending.isEmpty()) {
            return List.of();
        }
        final List<T> out = List.copyOf(pending);
        pending.clear();
        return out;
    }
}
