package hamlet.gossip.internal;

import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * SWIM membership with the Lifeguard refinements, as a plain state machine: no threads, no sockets, no clock of its
 * own. Time comes in as {@code nowMs} arguments, randomness from the {@link Random} given, and every message goes out
 * through the {@link Outbox}. The same code runs in a node (driven by one agent thread) and in the simulator.
 *
 * <p>The protocol, as in HashiCorp memberlist: every probe interval this node pings one member (shuffled round
 * robin); without an ack within the probe timeout it asks {@code indirect-checks} others to ping it; without any ack
 * by the end of the interval it suspects the member. A suspected member that hears of it raises its incarnation and
 * says it is alive (it is told in the ping itself: the buddy system); one that does not is declared dead when its
 * suspicion times out, and the timeout shrinks as other members independently suspect it. News rides on every
 * message (each update about {@code retransmit-mult * log10(n + 1)} times), and a full-state push/pull with one
 * random member repairs whatever gossip missed. A node that misses its own acks and nacks is probably the slow one:
 * it stretches its own timeouts (local health awareness) instead of accusing others.
 *
 * <p>Identity: a member is its id plus a uid (new each time its process starts). News about another uid under an id
 * that is up is refused until the member under the old uid is dead or left.
 *
 * <p>Majority: see {@link MajorityView}.
 *
 * <p>Threading: not thread-safe; one owner thread calls everything.
 */
public final class Membership {
    /** Where messages go. Unreliable: a message may be lost, late, duplicated or reordered. */
    public interface Outbox {
        /**
         * @param toNode the member's id, or {@code null} when only its URL is known (a seed not yet answered)
         * @param toUrl the member's URL
         * @param message the encoded message, at most {@link GossipSettings#MAX_MESSAGE_BYTES}; not changed after
         */
        void send(String toNode, String toUrl, byte[] message);
    }

    /** The most bytes of one push/pull or directory message, below the control lane's limit with room to spare. */
    static final int CHUNK_BYTES = 12 * 1024;
    private static final long DIRECTORY_RETRY_MS = 1_000;

    private GossipSettings settings;
    private final String selfId;
    private final String selfUrl;
    private final long selfUid;
    private final Random random;
    private final Outbox outbox;

    private final Map<String, MemberState> members = new HashMap<>();
    private final MemberState self;
    private final Map<String, long[]> tombstones = new HashMap<>();
    private final Broadcasts broadcasts = new Broadcasts();
    private final List<ClusterEvent> events = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, long[]> counters = new TreeMap<>();

    private final Set<String> suspects = new HashSet<>();
    private final Set<String> joiningIds = new HashSet<>();
    private final Set<String> goneIds = new HashSet<>();
    private final Set<String> directoryWanted = new HashSet<>();
    private final Map<String, Directories.Assembly> assemblies = new HashMap<>();
    private final Map<Long, Relay> relays = new HashMap<>();

    private List<String> probeOrder = new ArrayList<>();
    private int probeIndex;
    private Probe probe;
    private long nextProbeMs;
    private long nextGossipMs;
    private long nextPushPullMs;
    private long nextJoinMs = Long.MAX_VALUE;
    private long nextDirectoryCheckMs;
    private long seq;
    private int awareness;
    /** The round trips of the last acked probes (direct or indirect), in ms: how long the control lane takes. */
    private final long[] probeRtts = new long[256];
    private int probeRttCount;

    private long incarnation;
    private long dirVersion;
    private long loadVersion;
    private MemberLoad load = MemberLoad.NONE;

    private List<String> seeds = List.of();
    private boolean joined;
    private boolean leaving;
    private List<String> upCache;
    private final MajorityView majority;
    /** Whether a status changed since the majority was last judged. */
    private boolean viewDirty = true;
    private long now;

    /** One direct probe in progress. */
    private static final class Probe {
        final String target;
        final long seq;
        final long startMs;
        final long timeoutMs;
        final long endMs;
        boolean acked;
        boolean indirectSent;
        int expectedNacks;
        int nacks;

        Probe(final String target, final long seq, final long startMs, final long timeoutMs, final long endMs) {
            this.target = target;
            this.seq = seq;
            this.startMs = startMs;
            this.timeoutMs = timeoutMs;
            this.endMs = endMs;
        }
    }

    /** A ping this node sends for another (indirect probe): its ack goes back to the origin, or a nack. */
    private record Relay(String origin, String originUrl, long originSeq, long deadlineMs) {
    }

    public Membership(final GossipSettings settings, final String selfId, final String selfUrl, final long selfUid,
                      final Random random, final Outbox outbox, final long nowMs) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.selfId = Objects.requireNonNull(selfId, "selfId");
        this.selfUrl = Objects.requireNonNull(selfUrl, "selfUrl");
        this.selfUid = selfUid;
        this.random = Objects.requireNonNull(random, "random");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.now = nowMs;
        self = new MemberState(selfId, selfUrl, selfUid, 0, MemberStatus.ALIVE, nowMs);
        self.loadVersion = 0;
        members.put(selfId, self);
        majority = new MajorityView(selfId, nowMs);
        nextProbeMs = nowMs + random.nextInt((int) settings.probeIntervalMs());
        nextGossipMs = nowMs + settings.gossipIntervalMs();
        nextPushPullMs = nowMs + settings.pushPullIntervalMs();
        nextDirectoryCheckMs = nowMs + DIRECTORY_RETRY_MS;
        updateMajority();
    }

    /** Applies new tunables from the next period on. */
    public void reconfigure(final GossipSettings next) {
        settings = Objects.requireNonNull(next, "settings");
    }

    /**
     * Joins through seeds: a full-state exchange with each until one answers, then again every join-retry-interval
     * while none has. The seeds are added to those already known (a push/pull goes now and then to a seed that is
     * not an up member, so that a restarted seed or a healed partition finds its way back). The node's own URL in
     * the list is skipped; a list of none but itself starts a cluster alone. After {@link #leave} this node comes
     * back with a new incarnation.
     *
     * @param seedUrls the seeds, each {@code ws://host:port/hamlet}
     */
    public void join(final List<String> seedUrls, final long nowMs) {
        now = nowMs;
        if (leaving) {
            leaving = false;
            incarnation++;
            self.incarnation = incarnation;
            setStatus(self, MemberStatus.ALIVE, "this node joined again");
            broadcasts.queue(selfAlive());
        }
        final List<String> others = new ArrayList<>(seeds);
        boolean listsItself = false;
        for (final String url : seedUrls) {
            if (url.equals(selfUrl)) {
                listsItself = true;
            } else if (!others.contains(url)) {
                others.add(url);
            }
        }
        seeds = List.copyOf(others);
        // This node's own news rides on its first probes too, so that each member it reaches learns of it directly
        // instead of waiting for the seed's gossip.
        broadcasts.queue(selfAlive());
        if (others.isEmpty() || listsItself) {
            // Alone, or one of the seeds: this node may start the cluster, and the others join it.
            markJoined();
        }
        if (!seedUrls.isEmpty() && !others.isEmpty()) {
            for (final String url : seedUrls) {
                if (!url.equals(selfUrl)) {
                    sendState(null, url, Message.WANT_REPLY | Message.JOIN);
                }
            }
            nextJoinMs = joined ? Long.MAX_VALUE : nowMs + settings.joinRetryIntervalMs();
        }
        viewDirty = true;
        updateMajority();
    }

    /** Leaves gracefully: tells members at once; the node should go on ticking a moment so the news spreads. */
    public void leave(final long nowMs) {
        now = nowMs;
        if (leaving) {
            return;
        }
        leaving = true;
        incarnation++;
        self.incarnation = incarnation;
        setStatus(self, MemberStatus.LEFT, "this node left the cluster");
        final Update left = Update.left(selfId, selfUid, incarnation);
        broadcasts.queue(left);
        // Straight to everyone (up to a bound), so that the others mark it left now, not after gossip rounds.
        final List<String> up = new ArrayList<>(upOthers());
        Collections.shuffle(up, random);
        for (final String id : up.subList(0, Math.min(64, up.size()))) {
            final WireWriter out = Message.header(Message.Type.GOSSIP, selfNews());
            out.u16(1);
            left.write(out);
            send(members.get(id), out);
        }
    }

    /**
     * Sets this node's directory: its named actors and their groups.
     *
     * @param actors name to group ({@code null} group for none)
     * @return null when taken, or why it was refused (over directory-max-actors or directory-max-bytes)
     */
    public String localActors(final Map<String, String> actors) {
        if (actors.size() > settings.directoryMaxActors()) {
            count("directory.refused", 1);
            return "this node's " + actors.size() + " named actors are more than hamlet.gossip.directory-max-actors ("
                + settings.directoryMaxActors() + "); the directory keeps its last " + self.directory.size();
        }
        final long bytes = Directories.bytes(actors);
        if (bytes > settings.directoryMaxBytes()) {
            count("directory.refused", 1);
            return "this node's directory of " + bytes + " bytes is more than hamlet.gossip.directory-max-bytes ("
                + settings.directoryMaxBytes() + "); the directory keeps its last " + self.directory.size() + " actors";
        }
        if (actors.equals(self.directory)) {
            return null;
        }
        final Map<String, String> next = new TreeMap<>(actors);
        Directories.diff(selfId, self.directory, next, events);
        self.directory = next;
        dirVersion++;
        self.announcedDirVersion = dirVersion;
        self.heldDirVersion = dirVersion;
        // A new incarnation carries the news, as memberlist does for a node's metadata.
        incarnation++;
        self.incarnation = incarnation;
        broadcasts.queue(selfAlive());
        return null;
    }

    /** Sets this node's load, gossiped from now on. */
    public void localLoad(final MemberLoad next) {
        load = Objects.requireNonNull(next, "load");
        loadVersion++;
        self.load = next;
        self.loadVersion = loadVersion;
    }

    /** Takes one message from the control lane; a malformed one is dropped and counted. */
    public void onMessage(final String fromNode, final byte[] bytes, final long nowMs) {
        now = nowMs;
        count("messages.in", 1);
        count("bytes.in", bytes.length);
        final Message m;
        try {
            m = Message.decode(bytes);
        } catch (final Malformed e) {
            count("messages.malformed", 1);
            note("dropped a malformed gossip message from " + fromNode + ": " + e.getMessage());
            return;
        }
        if (fromNode.equals(selfId)) {
            count("messages.from-self", 1);
            return;
        }
        senderNews(fromNode, m);
        switch (m.type()) {
            case PING -> onPing(fromNode, m);
            case PING_REQ -> onPingRequest(fromNode, m);
            case ACK -> onAck(fromNode, m);
            case NACK -> onNack(m);
            case GOSSIP -> applyAll(m.updates());
            case PUSH_PULL -> onPushPull(fromNode, m);
            case DIR_REQUEST -> onDirectoryRequest(fromNode, m);
            case DIR_PAGE -> onDirectoryPage(fromNode, m);
            default -> count("messages.unknown", 1);
        }
    }

    /** Runs whatever is due at this time: probes, timeouts, gossip, push/pull, status changes. */
    public void tick(final long nowMs) {
        now = nowMs;
        if (!joined && nowMs >= nextJoinMs) {
            sendJoins();
        }
        if (!leaving) {
            probeWork();
        }
        expireRelays();
        expireSuspicions();
        promoteJoining();
        removeGone();
        if (nowMs >= nextGossipMs) {
            nextGossipMs = nowMs + settings.gossipIntervalMs();
            gossip();
        }
        if (nowMs >= nextPushPullMs && !leaving) {
            nextPushPullMs = nowMs + scaledPushPullMs();
            pushPull();
        }
        if (nowMs >= nextDirectoryCheckMs) {
            nextDirectoryCheckMs = nowMs + DIRECTORY_RETRY_MS;
            for (final String id : new ArrayList<>(directoryWanted)) {
                final MemberState m = members.get(id);
                if (m == null) {
                    directoryWanted.remove(id);
                } else {
                    wantDirectory(m);
                }
            }
        }
        updateMajority();
    }

    /** @return the earliest time at which {@link #tick} has something to do */
    public long nextWakeMs() {
        long wake = Math.min(nextGossipMs, nextPushPullMs);
        if (!joined) {
            wake = Math.min(wake, nextJoinMs);
        }
        if (!leaving) {
            wake = Math.min(wake, nextProbeMs);
            if (probe != null) {
                wake = Math.min(wake, probe.indirectSent || probe.acked ? probe.endMs
                    : Math.min(probe.timeoutMs, probe.endMs));
            }
        }
        for (final Relay r : relays.values()) {
            wake = Math.min(wake, r.deadlineMs());
        }
        for (final String id : suspects) {
            wake = Math.min(wake, members.get(id).suspicion.deadlineMs());
        }
        for (final String id : joiningIds) {
            wake = Math.min(wake, members.get(id).joiningUntilMs);
        }
        for (final String id : goneIds) {
            wake = Math.min(wake, members.get(id).sinceMs + settings.removeAfterMs());
        }
        if (!directoryWanted.isEmpty()) {
            wake = Math.min(wake, nextDirectoryCheckMs);
        }
        wake = Math.min(wake, majority.dueMs(settings.stableAfterMs()));
        return wake;
    }

    /** @return every member known, this node included, sorted by id */
    public List<Member> members() {
        final List<Member> list = new ArrayList<>(members.size());
        for (final MemberState m : members.values()) {
            list.add(m.toMember());
        }
        list.sort((a, b) -> a.id().compareTo(b.id()));
        return list;
    }

    /** @return one member */
    public Optional<Member> member(final String id) {
        final MemberState m = members.get(id);
        return m == null ? Optional.empty() : Optional.of(m.toMember());
    }

    /** @return whether this node sees more than half of the last stable membership */
    public boolean inMajority() {
        return majority.inMajority();
    }

    /** @return a sentence on how this node sees the majority */
    public String majorityDetail() {
        return majority.detail();
    }

    /** @return the ids of the last stable membership */
    public Set<String> stableMembership() {
        return majority.stable();
    }

    /** @return the directory of every member that is up, sorted by name then node */
    public List<DirectoryEntry> directory() {
        final List<DirectoryEntry> list = new ArrayList<>();
        for (final MemberState m : members.values()) {
            if (m.status.isUp()) {
                m.directory.forEach((name, group) -> list.add(new DirectoryEntry(m.id, name, group)));
            }
        }
        list.sort((a, b) -> {
            final int byName = a.name().compareTo(b.name());
            return byName != 0 ? byName : a.node().compareTo(b.node());
        });
        return list;
    }

    /** @return the events since the last call, oldest first */
    public List<ClusterEvent> drainEvents() {
        return drain(events);
    }

    /** @return lines for the operator's log since the last call (refusals, conflicts, malformed messages) */
    public List<String> drainNotes() {
        return drain(notes);
    }

    private static <T> List<T> drain(final List<T> pending) {
        if (pending.isEmpty()) {
            return List.of();
        }
        final List<T> drained = List.copyOf(pending);
        pending.clear();
        return drained;
    }

    /** @return counters by name (probes, acks, suspicions, refutations, messages and bytes in and out, drops) */
    public Map<String, Long> counters() {
        final Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v[0]));
        copy.put("awareness", (long) awareness);
        copy.put("broadcasts.queued", (long) broadcasts.size());
        copy.put("incarnation", incarnation);
        final int n = Math.min(probeRttCount, probeRtts.length);
        if (n > 0) {
            final long[] sorted = java.util.Arrays.copyOf(probeRtts, n);
            java.util.Arrays.sort(sorted);
            copy.put("probe-rtt-ms.p50", sorted[(n - 1) / 2]);
            copy.put("probe-rtt-ms.p99", sorted[(int) Math.ceil(n * 0.99) - 1]);
            copy.put("probe-rtt-ms.max", sorted[n - 1]);
        }
        return copy;
    }

    /** @return this node's id */
    public GossipSettings settings() {
        return settings;
    }

    public String selfId() {
        return selfId;
    }

    /** @return whether this node has reached a cluster (or started one) */
    public boolean joined() {
        return joined;
    }

    /** @return Lifeguard's local health multiplier (1 = healthy) */
    public int healthMultiplier() {
        return awareness + 1;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Probing

    private void probeWork() {
        if (probe != null) {
            if (!probe.acked && !probe.indirectSent && now >= probe.timeoutMs) {
                indirectProbe();
            }
            if (now >= probe.endMs) {
                finishProbe();
            }
        }
        if (probe == null && now >= nextProbeMs) {
            startProbe();
        }
    }

    private void startProbe() {
        final long interval = settings.probeIntervalMs() * healthMultiplier();
        nextProbeMs = now + interval;
        final MemberState target = nextProbeTarget();
        if (target == null) {
            return;
        }
        final long s = ++seq;
        probe = new Probe(target.id, s, now, now + settings.probeTimeoutMs() * healthMultiplier(), now + interval);
        final WireWriter out = Message.header(Message.Type.PING, selfNews());
        out.i64(s).string(target.id).i64(target.uid);
        // Buddy system: a suspected member learns it from the probe itself and can refute at once.
        piggyback(out, target.status == MemberStatus.SUSPECT
            ? Update.suspect(target.id, target.uid, target.incarnation, selfId) : null);
        send(target, out);
        count("probes.sent", 1);
    }

    private MemberState nextProbeTarget() {
        for (int tries = 0; tries < 2; tries++) {
            while (probeIndex < probeOrder.size()) {
                final MemberState m = members.get(probeOrder.get(probeIndex++));
                if (m != null && m != self && m.status.isUp()) {
                    return m;
                }
            }
            probeOrder = new ArrayList<>(upOthers());
            Collections.shuffle(probeOrder, random);
            probeIndex = 0;
        }
        return null;
    }

    private void indirectProbe() {
        probe.indirectSent = true;
        final MemberState target = members.get(probe.target);
        if (target == null) {
            return;
        }
        final List<String> helpers = randomUpOthers(settings.indirectChecks(), probe.target);
        for (final String id : helpers) {
            final WireWriter out = Message.header(Message.Type.PING_REQ, selfNews());
            out.i64(probe.seq).string(target.id).string(target.url).i64(target.uid);
            piggyback(out, null);
            send(members.get(id), out);
        }
        probe.expectedNacks = helpers.size();
        count("probes.indirect", helpers.size());
    }

    private void finishProbe() {
        final Probe p = probe;
        probe = null;
        if (p.acked) {
            awareness = Math.max(0, awareness - 1);
            return;
        }
        // Lifeguard: nacks we were owed and did not get say that this node, not the target, may be the slow one.
        int delta = p.expectedNacks > 0 ? p.expectedNacks - p.nacks : 1;
        awareness = Math.min(settings.awarenessMaxMultiplier() - 1, awareness + Math.max(0, delta));
        count("probes.failed", 1);
        final MemberState target = members.get(p.target);
        if (target != null && target.lastHeardMs < target.learntMs && now - target.learntMs < joinGraceMs()) {
            // A member learnt of moments ago and never heard from: the first message to it waits for a new
            // connection (TCP and WebSocket handshakes, a cold JVM), which can outlast a probe. Others who have
            // heard from it still suspect it if it is really gone.
            count("probes.grace", 1);
            return;
        }
        if (target != null && target.status.isUp()) {
            applySuspect(Update.suspect(target.id, target.uid, target.incarnation, selfId));
        }
    }

    private void onPing(final String fromNode, final Message m) {
        applyAll(m.updates());
        if (!m.targetId().equals(selfId) || (m.targetUid() != 0 && m.targetUid() != selfUid)) {
            // A probe for another process under this id (one before a restart): answering would keep it alive.
            count("pings.misdirected", 1);
            return;
        }
        final WireWriter out = Message.header(Message.Type.ACK, selfNews());
        out.i64(m.seq());
        piggyback(out, null);
        sendTo(fromNode, m.senderUrl(), out);
    }

    private void onPingRequest(final String fromNode, final Message m) {
        applyAll(m.updates());
        final long s = ++seq;
        relays.put(s, new Relay(fromNode, m.senderUrl(), m.seq(), now + settings.probeTimeoutMs()));
        final WireWriter out = Message.header(Message.Type.PING, selfNews());
        out.i64(s).string(m.targetId()).i64(m.targetUid());
        piggyback(out, null);
        sendTo(m.targetId(), m.targetUrl(), out);
        count("relays.started", 1);
    }

    private void onAck(final String fromNode, final Message m) {
        applyAll(m.updates());
        if (probe != null && probe.seq == m.seq()) {
            if (!probe.acked) {
                probe.acked = true;
                count("probes.acked", 1);
                probeRtts[probeRttCount++ % probeRtts.length] = now - probe.startMs;
            }
            return;
        }
        final Relay relay = relays.remove(m.seq());
        if (relay != null) {
            final WireWriter out = Message.header(Message.Type.ACK, selfNews());
            out.i64(relay.originSeq());
            piggyback(out, null);
            sendTo(relay.origin(), relay.originUrl(), out);
            return;
        }
        count("acks.stale", 1);
    }

    private void onNack(final Message m) {
        if (probe != null && probe.seq == m.seq()) {
            probe.nacks++;
        } else {
            count("acks.stale", 1);
        }
    }

    private void expireRelays() {
        if (relays.isEmpty()) {
            return;
        }
        final Iterator<Map.Entry<Long, Relay>> it = relays.entrySet().iterator();
        while (it.hasNext()) {
            final Relay r = it.next().getValue();
            if (now >= r.deadlineMs()) {
                it.remove();
                final WireWriter out = Message.header(Message.Type.NACK, selfNews());
                out.i64(r.originSeq());
                sendTo(r.origin(), r.originUrl(), out);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Applying news

    private void applyAll(final List<Update> updates) {
        for (final Update u : updates) {
            apply(u);
        }
    }

    private void apply(final Update u) {
        switch (u.kind()) {
            case ALIVE -> applyAlive(u);
            case SUSPECT -> applySuspect(u);
            case DEAD, LEFT -> applyDead(u);
            default -> count("updates.unknown", 1);
        }
    }

    private void applyAlive(final Update u) {
        if (u.id().equals(selfId)) {
            if (u.uid() != selfUid) {
                count("members.uid-conflicts", 1);
                return;
            }
            if (u.incarnation() > incarnation && !leaving) {
                refute(u.incarnation());
            }
            return;
        }
        MemberState m = members.get(u.id());
        if (m == null) {
            final long[] tomb = tombstones.get(u.id());
            if (tomb != null && tomb[0] == u.uid() && u.incarnation() <= tomb[1]) {
                count("updates.stale", 1);
                return;
            }
            final boolean returning = tomb != null;
            m = new MemberState(u.id(), u.url(), u.uid(), u.incarnation(),
                returning ? MemberStatus.JOINING : MemberStatus.ALIVE, now);
            members.put(m.id, m);
            tombstones.remove(u.id());
            // Into this round's probe order at a random place still ahead (as memberlist does), not only at the
            // next reshuffle, which in a large cluster is up to n periods away.
            final int at = probeIndex + random.nextInt(probeOrder.size() - probeIndex + 1);
            probeOrder.add(at, m.id);
            m.announcedDirVersion = u.dirVersion();
            upChanged();
            if (returning) {
                startJoining(m);
                event(ClusterEvent.Type.JOINED, m.id, null, "came back (" + m.url + "); joining for "
                    + settings.stableAfterMs() + "ms (hamlet.gossip.stable-after)");
            } else {
                event(ClusterEvent.Type.JOINED, m.id, null, "joined (" + m.url + ")");
                event(ClusterEvent.Type.ALIVE, m.id, null, "alive");
            }
            broadcasts.queue(u);
            wantDirectory(m);
            return;
        }
        if (m.uid != u.uid()) {
            if (m.status.isUp()) {
                count("members.uid-conflicts", 1);
                if (counters.get("members.uid-conflicts")[0] % 100 == 1) {
                    note("refused news of node " + u.id() + " with uid " + Long.toHexString(u.uid())
                        + ": a member of that id is up with uid " + Long.toHexString(m.uid)
                        + " (it is let in once that one is dead)");
                }
                return;
            }
            replaceIncarnationOfProcess(m, u);
            return;
        }
        if (u.incarnation() <= m.incarnation) {
            count("updates.stale", 1);
            return;
        }
        final MemberStatus before = m.status;
        m.incarnation = u.incarnation();
        m.url = u.url();
        if (u.dirVersion() > m.announcedDirVersion) {
            m.announcedDirVersion = u.dirVersion();
        }
        if (before == MemberStatus.SUSPECT) {
            m.suspicion = null;
            suspects.remove(m.id);
            count("suspicions.refuted", 1);
            if (m.joiningUntilMs > now) {
                setStatus(m, MemberStatus.JOINING, "refuted the suspicion (incarnation " + m.incarnation
                    + "); still joining");
            } else {
                setStatus(m, MemberStatus.ALIVE, "refuted the suspicion (incarnation " + m.incarnation + ")");
            }
        } else if (!before.isUp()) {
            setStatus(m, MemberStatus.JOINING, "came back (incarnation " + m.incarnation + "); joining for "
                + settings.stableAfterMs() + "ms (hamlet.gossip.stable-after)");
            startJoining(m);
            goneIds.remove(m.id);
            upChanged();
        }
        broadcasts.queue(u);
        wantDirectory(m);
    }

    /** A member restarted: its old process is dead or gone, and news of the new one arrives. */
    private void replaceIncarnationOfProcess(final MemberState m, final Update u) {
        m.uid = u.uid();
        m.url = u.url();
        m.incarnation = u.incarnation();
        m.load = MemberLoad.NONE;
        m.loadVersion = -1;
        m.learntMs = now;
        m.lastHeardMs = Long.MIN_VALUE / 2;
        if (!m.directory.isEmpty()) {
            Directories.diff(m.id, m.directory, Map.of(), events);
        }
        m.directory = new TreeMap<>();
        m.heldDirVersion = 0;
        m.announcedDirVersion = u.dirVersion();
        assemblies.remove(m.id);
        goneIds.remove(m.id);
        setStatus(m, MemberStatus.JOINING, "came back as a new process (uid " + Long.toHexString(m.uid)
            + "); joining for " + settings.stableAfterMs() + "ms (hamlet.gossip.stable-after)");
        event(ClusterEvent.Type.JOINED, m.id, null, "restarted (" + m.url + ")");
        startJoining(m);
        upChanged();
        broadcasts.queue(u);
        wantDirectory(m);
    }

    private void applySuspect(final Update u) {
        final MemberState m = accused(u);
        if (m == null) {
            return;
        }
        if (u.from().equals(selfId) && !m.suspectedHere) {
            m.suspectedHere = true;
            viewDirty = true;
        }
        if (m.status == MemberStatus.SUSPECT) {
            m.incarnation = Math.max(m.incarnation, u.incarnation());
            if (m.suspicion.confirm(u.from())) {
                count("suspicions.confirmed", 1);
                broadcasts.queue(u);
            }
            return;
        }
        m.incarnation = u.incarnation();
        final int up = upCount();
        final long min = leastSuspicionMs();
        final long max = min * settings.suspicionMaxTimeoutMult();
        final int k = Math.max(0, Math.min(settings.suspicionMult() - 2, up - 2));
        m.suspicion = new Suspicion(u.from(), k, min, max, now);
        suspects.add(m.id);
        setStatus(m, MemberStatus.SUSPECT, "suspected by " + u.from() + " (incarnation " + u.incarnation() + ")");
        count("suspicions.started", 1);
        broadcasts.queue(u);
    }

    /**
     * The member a suspicion or a death verdict is about, when it applies: this node refutes one about itself (its
     * current process), and news of another process, of a member not up, or of an older incarnation is stale.
     *
     * @return the member to act on, or null when there is nothing to do
     */
    private MemberState accused(final Update u) {
        if (u.id().equals(selfId)) {
            if (u.uid() == selfUid && !leaving) {
                refute(u.incarnation());
            }
            return null;
        }
        final MemberState m = members.get(u.id());
        if (m == null || m.uid != u.uid() || !m.status.isUp() || u.incarnation() < m.incarnation) {
            count("updates.stale", 1);
            return null;
        }
        return m;
    }

    private void applyDead(final Update u) {
        final MemberState m = accused(u);
        if (m == null) {
            return;
        }
        if (u.kind() == Update.Kind.DEAD && !u.from().equals(selfId) && now - m.lastHeardMs < leastSuspicionMs()) {
            // This node heard from the member itself more recently than anyone could have waited out a suspicion
            // of it: the verdict is stale (typically from the other side of a healed partition). Suspect it
            // instead, so that it refutes, rather than dropping a live member and making it join again.
            count("dead-verdicts.doubted", 1);
            applySuspect(Update.suspect(u.id(), u.uid(), u.incarnation(), u.from()));
            return;
        }
        m.incarnation = u.incarnation();
        m.suspicion = null;
        suspects.remove(m.id);
        joiningIds.remove(m.id);
        if (u.kind() == Update.Kind.LEFT) {
            setStatus(m, MemberStatus.LEFT, "left the cluster");
            // A member that left shrinks the cluster: the others must not count it against their majority.
            majority.left(m.id);
        } else {
            setStatus(m, MemberStatus.DEAD, u.from().equals(selfId)
                ? "declared dead by this node: no ack for its suspicion timeout"
                : "declared dead by " + u.from());
            count("members.declared-dead", 1);
        }
        goneIds.add(m.id);
        upChanged();
        broadcasts.queue(u);
    }

    /** @return the shortest a suspicion lasts: suspicion-mult * max(1, log10(n)) * probe-interval */
    private long leastSuspicionMs() {
        final double scale = Math.max(1.0, Math.log10(Math.max(1.0, upCount())));
        return (long) (settings.suspicionMult() * scale * settings.probeIntervalMs());
    }

    /** @return how long a member learnt of, and never heard from, is not suspected for a failed probe */
    private long joinGraceMs() {
        return 5 * settings.probeIntervalMs();
    }

    private void refute(final long accusedIncarnation) {
        incarnation = Math.max(incarnation, accusedIncarnation) + 1;
        self.incarnation = incarnation;
        broadcasts.queue(selfAlive());
        // Lifeguard: being suspected hints that this node is the slow one.
        awareness = Math.min(settings.awarenessMaxMultiplier() - 1, awareness + 1);
        count("suspicions.refuted-self", 1);
    }

    private void expireSuspicions() {
        if (suspects.isEmpty()) {
            return;
        }
        for (final String id : new ArrayList<>(suspects)) {
            final MemberState m = members.get(id);
            if (now >= m.suspicion.deadlineMs()) {
                applyDead(Update.dead(m.id, m.uid, m.incarnation, selfId));
            }
        }
    }

    private void startJoining(final MemberState m) {
        m.joiningUntilMs = now + settings.stableAfterMs();
        if (settings.stableAfterMs() == 0) {
            setStatus(m, MemberStatus.ALIVE, "alive");
        } else {
            joiningIds.add(m.id);
        }
    }

    private void promoteJoining() {
        if (joiningIds.isEmpty()) {
            return;
        }
        for (final String id : new ArrayList<>(joiningIds)) {
            final MemberState m = members.get(id);
            if (m == null || m.status != MemberStatus.JOINING) {
                joiningIds.remove(id);
            } else if (now >= m.joiningUntilMs) {
                joiningIds.remove(id);
                setStatus(m, MemberStatus.ALIVE, "stable for " + settings.stableAfterMs() + "ms: alive");
            }
        }
    }

    private void removeGone() {
        if (goneIds.isEmpty()) {
            return;
        }
        for (final String id : new ArrayList<>(goneIds)) {
            final MemberState m = members.get(id);
            if (now - m.sinceMs >= settings.removeAfterMs()) {
                goneIds.remove(id);
                members.remove(id);
                directoryWanted.remove(id);
                assemblies.remove(id);
                tombstones.put(id, new long[] {m.uid, m.incarnation, now + settings.removeAfterMs()});
                event(ClusterEvent.Type.REMOVED, id, null, "removed " + settings.removeAfterMs()
                    + "ms after it was " + m.status.name().toLowerCase() + " (hamlet.gossip.remove-after)");
                upChanged();
            }
        }
        tombstones.values().removeIf(t -> now >= t[2]);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Dissemination and anti-entropy

    private void piggyback(final WireWriter out, final Update first) {
        final int budget = Math.min(settings.maxGossipBytes(), GossipSettings.MAX_MESSAGE_BYTES - out.size() - 64);
        broadcasts.fill(out, budget, retransmitLimit(), first);
    }

    private int retransmitLimit() {
        return settings.retransmitMult() * (int) Math.ceil(Math.log10(upCount() + 1.0));
    }

    private void gossip() {
        if (broadcasts.size() == 0) {
            return;
        }
        for (final String id : randomUpOthers(settings.gossipNodes(), null)) {
            if (broadcasts.size() == 0) {
                break;
            }
            final WireWriter out = Message.header(Message.Type.GOSSIP, selfNews());
            piggyback(out, null);
            send(members.get(id), out);
        }
    }

    private long scaledPushPullMs() {
        // As memberlist: fewer full-state exchanges per node in a large cluster, so the total stays moderate.
        final int n = upCount();
        final double scale = n <= 32 ? 1 : Math.ceil(Math.log(n) / Math.log(2) - 5) + 1;
        return (long) (settings.pushPullIntervalMs() * scale);
    }

    private void pushPull() {
        final List<String> up = randomUpOthers(1, null);
        if (!up.isEmpty()) {
            sendState(members.get(up.get(0)).id, members.get(up.get(0)).url, Message.WANT_REPLY);
        }
        // Reach across a healed partition: a member this side thinks dead gets the state too, and refutes.
        final List<MemberState> dead = new ArrayList<>();
        for (final String id : goneIds) {
            final MemberState m = members.get(id);
            if (m.status == MemberStatus.DEAD) {
                dead.add(m);
            }
        }
        if (!dead.isEmpty()) {
            dead.sort((a, b) -> a.id.compareTo(b.id));
            final MemberState m = dead.get(random.nextInt(dead.size()));
            sendState(m.id, m.url, Message.WANT_REPLY);
        }
        // A seed that is not an up member (restarted, or never answered) hears from this node too.
        if (!seeds.isEmpty()) {
            final String url = seeds.get(random.nextInt(seeds.size()));
            boolean known = false;
            for (final MemberState m : members.values()) {
                if (m.url.equals(url) && m.status.isUp()) {
                    known = true;
                    break;
                }
            }
            if (!known) {
                sendState(null, url, Message.WANT_REPLY | Message.JOIN);
            }
        }
    }

    private void sendJoins() {
        nextJoinMs = now + settings.joinRetryIntervalMs();
        for (final String url : seeds) {
            sendState(null, url, Message.WANT_REPLY | Message.JOIN);
        }
        count("joins.sent", seeds.size());
    }

    /** Sends this node's full state, in as many messages as it takes; only the first asks for a reply. */
    private void sendState(final String toNode, final String toUrl, final int flags) {
        final List<MemberState> all = new ArrayList<>(members.values());
        all.sort((a, b) -> a.id.compareTo(b.id));
        int i = 0;
        boolean first = true;
        do {
            final WireWriter out = Message.header(Message.Type.PUSH_PULL, selfNews());
            out.u8(first ? flags : flags & ~Message.WANT_REPLY);
            final int countAt = out.size();
            out.u16(0);
            int n = 0;
            while (i < all.size()) {
                final int mark = out.size();
                digest(all.get(i)).write(out);
                if (out.size() > CHUNK_BYTES && n > 0) {
                    out.truncate(mark);
                    break;
                }
                n++;
                i++;
            }
            out.patchU16(countAt, n);
            outboxSend(toNode, toUrl, out);
            first = false;
        } while (i < all.size());
        count("push-pull.sent", 1);
    }

    private Message.Digest digest(final MemberState m) {
        return new Message.Digest(m.id, m.url, m.uid, m.incarnation, m.wireState(), m.announcedDirVersion,
            m.loadVersion, m.load);
    }

    private void onPushPull(final String fromNode, final Message m) {
        count("push-pull.received", 1);
        for (final Message.Digest d : m.digests()) {
            mergeDigest(fromNode, d);
        }
        final boolean wasJoined = joined;
        if (!joined) {
            markJoined();
        }
        if ((m.flags() & Message.WANT_REPLY) != 0) {
            sendState(fromNode, m.senderUrl(), 0);
        }
        if (!wasJoined) {
            // A node that just joined cannot judge a stable membership of its own yet: it takes what it learned.
            majority.adopt(upIds(), now);
            updateMajority();
        }
    }

    private void mergeDigest(final String fromNode, final Message.Digest d) {
        switch (d.state()) {
            case ALIVE -> applyAlive(Update.alive(d.id(), d.uid(), d.incarnation(), d.url(), d.dirVersion()));
            // As memberlist: a dead member in another's state is only suspected here, so that it may refute.
            case SUSPECT, DEAD -> applySuspect(Update.suspect(d.id(), d.uid(), d.incarnation(), fromNode));
            case LEFT -> applyDead(Update.left(d.id(), d.uid(), d.incarnation()));
            default -> count("updates.unknown", 1);
        }
        final MemberState m = members.get(d.id());
        if (m != null && m != self && m.uid == d.uid() && d.loadVersion() > m.loadVersion) {
            m.load = d.load();
            m.loadVersion = d.loadVersion();
        }
    }

    private void markJoined() {
        if (!joined) {
            joined = true;
            viewDirty = true;
            nextJoinMs = Long.MAX_VALUE;
        }
    }

    /** The sender's own news in every message's header: its load and its directory version. */
    private void senderNews(final String fromNode, final Message m) {
        MemberState sender = members.get(fromNode);
        if (sender == null && m.senderUrl() != null) {
            // A node this one has not heard of speaks to it (a new member probing, or one back after removal): its
            // header is news of it alive, as good as gossip about it.
            applyAlive(Update.alive(fromNode, m.senderUid(), m.senderIncarnation(), m.senderUrl(),
                m.senderDirVersion()));
            sender = members.get(fromNode);
        }
        if (sender != null && sender.uid == m.senderUid()) {
            sender.lastHeardMs = now;
        }
        if (sender == null || sender.uid != m.senderUid() || !sender.status.isUp()) {
            if (sender != null && sender.uid == m.senderUid() && sender.status == MemberStatus.DEAD) {
                // It is alive, and does not know it was declared dead: tell it, so that it refutes.
                final WireWriter out = Message.header(Message.Type.GOSSIP, selfNews());
                out.u16(1);
                Update.dead(sender.id, sender.uid, sender.incarnation, selfId).write(out);
                sendTo(fromNode, m.senderUrl(), out);
            }
            return;
        }
        if (m.senderLoadVersion() > sender.loadVersion) {
            sender.load = m.senderLoad();
            sender.loadVersion = m.senderLoadVersion();
        }
        if (m.senderDirVersion() > sender.announcedDirVersion) {
            sender.announcedDirVersion = m.senderDirVersion();
            wantDirectory(sender);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The directory: fetched from each member itself, page by page, whenever it announces a newer version

    private void wantDirectory(final MemberState m) {
        if (m == self || m.announcedDirVersion <= m.heldDirVersion || !m.status.isUp()) {
            directoryWanted.remove(m.id);
            return;
        }
        directoryWanted.add(m.id);
        if (now - m.lastDirRequestMs < DIRECTORY_RETRY_MS) {
            return;
        }
        m.lastDirRequestMs = now;
        final WireWriter out = Message.header(Message.Type.DIR_REQUEST, selfNews());
        out.string(m.id).i64(m.announcedDirVersion);
        send(m, out);
        count("directory.requests", 1);
    }

    private void onDirectoryRequest(final String fromNode, final Message m) {
        if (!selfId.equals(m.dirNode())) {
            count("directory.misdirected", 1);
            return;
        }
        final List<List<Map.Entry<String, String>>> pages = Directories.pages(self.directory, CHUNK_BYTES);
        for (int p = 0; p < pages.size(); p++) {
            final WireWriter out = Message.header(Message.Type.DIR_PAGE, selfNews());
            out.string(selfId).i64(selfUid).i64(dirVersion).u16(p).u16(pages.size()).u16(pages.get(p).size());
            for (final Map.Entry<String, String> e : pages.get(p)) {
                out.string(e.getKey()).optionalString(e.getValue());
            }
            sendTo(fromNode, m.senderUrl(), out);
        }
        count("directory.pages-sent", pages.size());
    }

    private void onDirectoryPage(final String fromNode, final Message m) {
        final MemberState member = members.get(m.dirNode());
        if (!m.dirNode().equals(fromNode) || member == null || member.uid != m.dirUid()
            || m.dirVersion() <= member.heldDirVersion) {
            // Only a member speaks for its own directory, and only newer news counts.
            count("directory.pages-refused", 1);
            return;
        }
        Directories.Assembly a = assemblies.get(member.id);
        if (a == null || a.uid != m.dirUid() || a.version < m.dirVersion() || a.pageCount() != m.pages()) {
            if (a != null && a.uid == m.dirUid() && a.version > m.dirVersion()) {
                count("directory.pages-refused", 1);
                return;
            }
            a = new Directories.Assembly(m.dirUid(), m.dirVersion(), m.pages());
            assemblies.put(member.id, a);
        }
        final Map<String, String> next = a.offer(m.page(), m.dirEntries());
        if (next == null) {
            return;
        }
        assemblies.remove(member.id);
        if (next.size() > settings.directoryMaxActors() || Directories.bytes(next) > settings.directoryMaxBytes()) {
            count("directory.refused", 1);
            note("refused the directory of " + member.id + ": " + next.size() + " actors, "
                + Directories.bytes(next) + " bytes, over hamlet.gossip.directory-max-actors ("
                + settings.directoryMaxActors() + ") or directory-max-bytes (" + settings.directoryMaxBytes()
                + "); it keeps its last " + member.directory.size());
            member.heldDirVersion = a.version;
            return;
        }
        Directories.diff(member.id, member.directory, next, events);
        member.directory = next;
        member.heldDirVersion = a.version;
        if (member.heldDirVersion >= member.announcedDirVersion) {
            directoryWanted.remove(member.id);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Views

    private void upChanged() {
        upCache = null;
        viewDirty = true;
    }

    private List<String> upOthers() {
        if (upCache == null) {
            final List<String> list = new ArrayList<>();
            for (final MemberState m : members.values()) {
                if (m != self && m.status.isUp()) {
                    list.add(m.id);
                }
            }
            Collections.sort(list);
            upCache = list;
        }
        return upCache;
    }

    private Set<String> upIds() {
        final Set<String> ids = new TreeSet<>(upOthers());
        if (!leaving) {
            ids.add(selfId);
        }
        return ids;
    }

    private int upCount() {
        return upOthers().size() + 1;
    }

    private List<String> randomUpOthers(final int k, final String except) {
        final List<String> up = upOthers();
        final List<String> picked = new ArrayList<>(Math.min(k, up.size()));
        if (k <= 0 || up.isEmpty()) {
            return picked;
        }
        final Set<String> seen = new LinkedHashSet<>();
        final int tries = 3 * k + 3;
        for (int t = 0; t < tries && picked.size() < k; t++) {
            final String id = up.get(random.nextInt(up.size()));
            if (!id.equals(except) && seen.add(id)) {
                picked.add(id);
            }
        }
        return picked;
    }

    private void updateMajority() {
        if (!viewDirty && now < majority.dueMs(settings.stableAfterMs())) {
            return;
        }
        viewDirty = false;
        final Set<String> up = upIds();
        // Answering means answering this node: a member it suspects from its own failed probes does not count, so
        // that a node cut off from the others knows it is in the minority as soon as it suspects them, not only once
        // it has declared them dead. A suspicion only heard of from others does not count against the majority: one
        // lossy member must not make a healthy node think itself cut off.
        final Set<String> answering = new TreeSet<>();
        for (final String id : up) {
            final MemberState m = members.get(id);
            if (m != null && !(m.status == MemberStatus.SUSPECT && m.suspectedHere)) {
                answering.add(id);
            }
        }
        final String state = leaving ? "this node has left the cluster"
            : !joined ? "has not reached any seed yet (" + String.join(", ", seeds) + "): not in a cluster" : null;
        if (majority.update(up, answering, state, now, settings.stableAfterMs())) {
            event(majority.inMajority() ? ClusterEvent.Type.MAJORITY : ClusterEvent.Type.MINORITY, selfId, null,
                majority.detail());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Plumbing

    private Message.Self selfNews() {
        return new Message.Self(selfUid, selfUrl, incarnation, dirVersion, loadVersion, load);
    }

    private Update selfAlive() {
        return Update.alive(selfId, selfUid, incarnation, selfUrl, dirVersion);
    }

    private void setStatus(final MemberState m, final MemberStatus status, final String detail) {
        if (m.status == status) {
            return;
        }
        m.status = status;
        m.sinceMs = now;
        if (status != MemberStatus.SUSPECT) {
            m.suspectedHere = false;
        }
        upChanged();
        final ClusterEvent.Type type = switch (status) {
            case JOINING -> ClusterEvent.Type.JOINED;
            case ALIVE -> ClusterEvent.Type.ALIVE;
            case SUSPECT -> ClusterEvent.Type.SUSPECT;
            case DEAD -> ClusterEvent.Type.DEAD;
            case LEFT -> ClusterEvent.Type.LEFT;
        };
        event(type, m.id, null, detail);
    }

    private void event(final ClusterEvent.Type type, final String node, final String actor, final String detail) {
        events.add(new ClusterEvent(type, node, actor, detail));
    }

    private void note(final String line) {
        if (notes.size() < 1_000) {
            notes.add(line);
        }
    }

    private void count(final String name, final long n) {
        counters.computeIfAbsent(name, k -> new long[1])[0] += n;
    }

    private void send(final MemberState to, final WireWriter out) {
        outboxSend(to.id, to.url, out);
    }

    private void sendTo(final String node, final String url, final WireWriter out) {
        final MemberState m = members.get(node);
        outboxSend(node, m != null && m.uid != 0 && url == null ? m.url : url, out);
    }

    private void outboxSend(final String node, final String url, final WireWriter out) {
        final byte[] bytes = out.toBytes();
        count("messages.out", 1);
        count("bytes.out", bytes.length);
        outbox.send(node, url, bytes);
    }
}
