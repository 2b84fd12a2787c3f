package hamlet.shell.internal;

import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A Cluster for tests that gossips nothing: the members, directory and majority it shows are set by the test, joins
 * and leaves are recorded. A seed is refused as the gossip bundle refuses it: anything but host:port, optionally as
 * ws://host:port or ws://host:port/hamlet. Thread-safe.
 */
final class FakeCluster implements Cluster {
    /** When every member below became what it is: 2026-01-02T03:04:05.678Z. */
    static final long SINCE_MILLIS = 1_767_323_045_678L;

    private static final Pattern SEED = Pattern.compile("(ws://)?[A-Za-z0-9.\\-]+:(\\d{1,5})(/hamlet)?");

    private final String self;
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final List<DirectoryEntry> directory = new CopyOnWriteArrayList<>();
    private final List<String> joins = new CopyOnWriteArrayList<>();
    private final AtomicInteger leaves = new AtomicInteger();
    private volatile boolean majority = true;
    private volatile String majorityDetail = "sees 1 of 1 members of the last stable membership";

    /** @param self this node's id */
    FakeCluster(final String self) {
        this.self = self;
    }

    /**
     * @param id a node id
     * @param status its status
     * @return a member on 127.0.0.1, port 7700 plus the number in its id, with uid 0xabc, incarnation 1, no load
     *     and no actors
     */
    static Member member(final String id, final MemberStatus status) {
        return new Member(id, "ws://127.0.0.1:" + (7700 + Integer.parseInt(id.replaceAll("\\D", ""))) + "/hamlet",
            0xabcL, status, 1, SINCE_MILLIS, MemberLoad.NONE, 0);
    }

    /** Adds or replaces a member (by id). */
    FakeCluster member(final Member member) {
        members.removeIf(known -> known.id().equals(member.id()));
        members.add(member);
        return this;
    }

    /** Adds a directory entry. */
    FakeCluster actor(final String node, final String name, final String group) {
        directory.add(new DirectoryEntry(node, name, group));
        return this;
    }

    /** Sets what {@link #inMajority} and {@link #majorityDetail} answer. */
    FakeCluster majority(final boolean inMajority, final String detail) {
        this.majority = inMajority;
        this.majorityDetail = detail;
        return this;
    }

    /** @return every seed joined through, oldest first */
    List<String> joins() {
        return Collections.unmodifiableList(joins);
    }

    /** @return how many times {@link #leave} was called */
    int leaves() {
        return leaves.get();
    }

    @Override
    public String selfId() {
        return self;
    }

    @Override
    public List<Member> members() {
        final List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::id));
        return sorted;
    }

    @Override
    public Optional<Member> member(final String id) {
        return members.stream().filter(member -> member.id().equals(id)).findFirst();
    }

    @Override
    public boolean inMajority() {
        return majority;
    }

    @Override
    public String majorityDetail() {
        return majorityDetail;
    }

    @Override
    public double overloadThreshold() {
        return 0.9;
    }

    @Override
    public List<DirectoryEntry> directory() {
        final List<DirectoryEntry> sorted = new ArrayList<>(directory);
        sorted.sort(Comparator.comparing(DirectoryEntry::name).thenComparing(DirectoryEntry::node));
        return sorted;
    }

    @Override
    public void join(final String seed) {
        final var matcher = seed == null ? null : SEED.matcher(seed);
        if (matcher == null || !matcher.matches() || Integer.parseInt(matcher.group(2)) > 65535
            || Integer.parseInt(matcher.group(2)) == 0) {
            throw new IllegalArgumentException("not host:port: '" + seed + "'");
        }
        joins.add(seed);
    }

    @Override
    public void leave() {
        leaves.incrementAndGet();
    }
}
