package hamlet.registry.internal;

import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.DirectoryEntry;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberLoad;
import hamlet.api.cluster.MemberStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A membership for tests: the members and the directory are set by the test; nothing is gossiped. The test tells
 * the registry of a change by calling its listener with a ClusterEvent, as the gossip notifier would. Thread-safe.
 */
public final class FakeCluster implements Cluster {
    private final String self;
    private final Map<String, Member> members = new TreeMap<>();
    private final List<DirectoryEntry> directory = new ArrayList<>();
    private volatile double threshold = 0.8;

    public FakeCluster(final String self) {
        this.self = self;
        member(self, MemberStatus.ALIVE, 0);
    }

    /** Adds or replaces a member, with a load whose score is {@code score} (busy time, under 1). */
    public synchronized FakeCluster member(final String id, final MemberStatus status, final double score) {
        members.put(id, new Member(id, "ws://" + id + ".test:7700/hamlet", id.hashCode(),
            status, 1, 0, new MemberLoad(0, score, 0), 0));
        return this;
    }

    /** Removes a member (membership forgot it). */
    public synchronized FakeCluster remove(final String id) {
        members.remove(id);
        directory.removeIf(e -> e.node().equals(id));
        return this;
    }

    /** Lists an actor in the directory. */
    public synchronized FakeCluster host(final String node, final String name, final String group) {
        directory.add(new DirectoryEntry(node, name, group));
        return this;
    }

    /** Takes an actor out of the directory. */
    public synchronized FakeCluster unhost(final String node, final String name) {
        directory.removeIf(e -> e.node().equals(node) && e.name().equals(name));
        return this;
    }

    public FakeCluster threshold(final double value) {
        this.threshold = value;
        return this;
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
    public boolean inMajority() {
        return true;
    }

    @Override
    public String majorityDetail() {
        return "a test cluster";
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

    @Override
    public void join(final String seed) {
    }

    @Override
    public void leave() {
    }
}
