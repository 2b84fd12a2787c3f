package hamlet.api.cluster;

/**
 * How busy a node says it is, gossiped with its directory.
 *
 * @param backlog messages waiting in the mailboxes of its actors
 * @param busy the share of its dispatcher's time spent running actors over the last second, 0..1
 * @param cpu the share of the machine's CPU its process used over the last second, 0..1
 */
public record MemberLoad(long backlog, double busy, double cpu) {
    /** No load known. */
    public static final MemberLoad NONE = new MemberLoad(0, 0, 0);

    public MemberLoad {
        if (backlog < 0 || !(busy >= 0 && busy <= 1) || !(cpu >= 0 && cpu <= 1)) {
            throw new IllegalArgumentException("load out of range: backlog=" + backlog + " busy=" + busy
                + " cpu=" + cpu);
        }
    }

    /**
     * One figure to compare nodes by: the larger of dispatcher busy time and CPU, plus the backlog as a share of
     * 10,000 waiting messages. 1.0 is a node that is fully busy; {@code hamlet.gossip.overload-threshold} compares
     * against this.
     *
     * @return the load score, 0 or more
     */
    public double score() {
        return Math.max(busy, cpu) + backlog / 10_000.0;
    }
}
