package hamlet.testkit;

import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cluster for tests that gossips nothing: the members, directory, majority and overload threshold it shows are set
 * by the test; joins and leaves are recorded. Nothing is told to listeners: a test that drives a
 * {@link hamlet.api.cluster.ClusterListener} calls it with a {@link hamlet.api.cluster.ClusterEvent} itself, as the
 * gossip bundle's notifier would, after changing what this cluster shows.
 *
 * <p>It starts with no members (not even this node: add it with {@link #member(Member)} or
 * {@link #member(String, MemberStatus, double)} when the code under test looks itself up), an empty directory, in the
 * majority ("sees 1 of 1 members of the last stable membership") and an overload threshold of 0.9.
 *
 * <p>A seed given to {@link #join} is refused as the gossip bundle refuses it: anything but host:port, optionally as
 * ws://host:port or ws://host:port/hamlet, with a port from 1 to 65535.
 *
 * <p>Thread-safe: the setters and the {@link Cluster} methods may be called from any thread; every answer is a
 * snapshot.
 */
public class FakeCluster implements Cluster {
    /** When every member made by {@link #member(String, MemberStatus)} became what it is: 2026-01-02T03:04:05.678Z. */
    public static final long SINCE_MILLIS = 1_767_323_045_678L;

    private static final Pattern SEED = Pattern.compile("(ws://)?[A-Za-z0-9.\\-]+:(\\d{1,5})(/hamlet)?");

    private final String self;
    /** By id, so {@link #members()} comes sorted; guarded by {@code this}. */
    private final Map<String, Member> members = new TreeMap<>();
    /** In the order added; guarded by {@code this}. */
    private final List<DirectoryEntry> directory = new ArrayList<>();
    private final List<String> joins = new CopyOnWriteArrayList<>();
    private final AtomicInteger leaves = new AtomicInteger();
    /** Guarded by {@code this}, so the flag and its sentence change together. */
    private boolean majority = true;
    private String majorityDetail = "sees 1 of 1 members of the last stable membership";
    private volatile double threshold = 0.9;

    /** @param self this node's id, what {@link #selfId()} answers; it is not made a member */
    public FakeCluster(final String self) {
        this.self = self;
    }

    /**
     * @param id a node id
     * @param status its status
     * @return a member on 127.0.0.1, port 7700 plus the number in its id (7700 when it has no digits), with uid
     *     0xabc, incarnation 1, {@link #SINCE_MILLIS}, no load and no actors
     */
    public static Member member(final String id, final MemberStatus status) {
        final String digits = id.replaceAll("\\D", "");
        final int port = 7700 + (digits.isEmpty() ? 0 : Integer.parseInt(digits));
        return new Member(id, "ws://127.0.0.1:" + port + "/hamlet", 0xabcL, status, 1, SINCE_MILLIS,
            MemberLoad.NONE, 0);
    }

    /** Adds a member, or replaces the one with its id. */
    public synchronized FakeCluster member(final Member member) {
        members.put(member.id(), member);
        return this;
    }

    /**
     * Adds a member, or replaces the one with its id: at {@code ws://<id>.test:7700/hamlet}, uid the hash of its id,
     * incarnation 1, since 0, no actors, and a load whose {@link MemberLoad#score() score} is {@code score}.
     *
     * @param score its dispatcher's busy time, 0..1
     */
    public synchronized FakeCluster member(final String id, final MemberStatus status, final double score) {
        members.put(id, new Member(id, "ws://" + id + ".test:7700/hamlet", id.hashCode(), status, 1, 0,
            new MemberLoad(0, score, 0), 0));
        return this;
    }

    /** Removes a member and its directory entries, as membership does when it forgets a node. */
    public synchronized FakeCluster remove(final String id) {
        members.remove(id);
        directory.removeIf(entry -> entry.node().equals(id));
        return this;
    }

    /**
     * Lists an actor in the directory (the same as {@link #host}). The node need not be a member: the directory is
     * shown as given.
     *
     * @param group its group, or {@code null}
     */
    public FakeCluster actor(final String node, final String name, final String group) {
        return host(node, name, group);
    }

    /**
     * Lists an actor in the directory (the same as {@link #actor}).
     *
     * @param group its group, or {@code null}
     */
    public synchronized FakeCluster host(final String node, final String name, final String group) {
        directory.add(new DirectoryEntry(node, name, group));
        return this;
    }

    /** Takes every entry of that name on that node out of the directory. */
    public synchronized FakeCluster unhost(final String node, final String name) {
        directory.removeIf(entry -> entry.node().equals(node) && entry.name().equals(name));
        return this;
    }

    /** Sets what {@link #inMajority} and {@link #majorityDetail} answer. */
    public synchronized FakeCluster majority(final boolean inMajority, final String detail) {
        this.majority = inMajority;
        this.majorityDetail = detail;
        return this;
    }

    /** Sets what {@link #overloadThreshold} answers (0.9 until set). */
    public FakeCluster threshold(final double value) {
        this.threshold = value;
        return this;
    }

    /** @return every seed {@link #join} accepted, oldest first (a live, read-only view) */
    public List<String> joins() {
        return Collections.unmodifiableList(joins);
    }

    /** @return how many times {@link #leave} was called */
    public int leaves() {
        return leaves.get();
    }

    @Override
    public String selfId() {
        return self;
    }

    @Override
    public synchronized List<Member> members() {
        return List.copyOf(members.values());
    }

    @Override
    public synchronized Optional<Member> member(final String id) {
        return Optional.ofNullable(members.get(id));
    }

    @Override
    public synchronized boolean inMajority() {
        return majority;
    }

    @Override
    public synchronized String majorityDetail() {
        return majorityDetail;
    }

    @Override
    public double overloadThreshold() {
        return threshold;
    }

    @Override
    public synchronized List<DirectoryEntry> directory() {
        final List<DirectoryEntry> sorted = new ArrayList<>(directory);
        sorted.sort(Comparator.comparing(DirectoryEntry::name).thenComparing(DirectoryEntry::node));
        return sorted;
    }

    /**
     * Records the seed.
     *
     * @throws IllegalArgumentException {@code not host:port: '<seed>'} when the seed is not an address
     */
    @Override
    public void join(final String seed) {
        final Matcher matcher = seed == null ? null : SEED.matcher(seed);
        if (matcher == null || !matcher.matches() || Integer.parseInt(matcher.group(2)) > 65535
            || Integer.parseInt(matcher.group(2)) == 0) {
            throw new IllegalArgumentException("not host:port: '" + seed + "'");
        }
        joins.add(seed);
    }

    /** Counts the call; the members shown do not change. */
    @Override
    public void leave() {
        leaves.incrementAndGet();
    }
}
