package hamlet.gossip.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What happens to one message between two nodes: how long it takes, or whether it is lost. Loss is random per
 * message; partitions and cut links drop silently (a blackhole: the sender learns nothing), as a firewall or a dead
 * switch would. Its own {@link Random}, drawn in the order messages are sent, keeps a run reproducible.
 *
 * <p>Threading: one thread, the one running the simulation.
 */
final class SimNetwork {
    /** What {@link #route} returns for a message that will never arrive. */
    static final long DROPPED = -1;

    private final Random random;
    private long baseDelayMs = 1;
    private long jitterMs = 1;
    private double loss;
    // Node to side of the current partition; a node in no side is with every other node in no side.
    private final Map<String, Integer> sides = new HashMap<>();
    // Node to the time until which every message to it is dropped (a false suspicion, made on purpose).
    private final Map<String, Long> inboundCutUntilMs = new HashMap<>();
    private long lost;
    private long cut;

    SimNetwork(final Random random) {
        this.random = random;
    }

    /** Every message takes {@code baseMs} plus a uniform extra of 0 to {@code jitterMs}; jitter reorders them. */
    void delay(final long baseMs, final long jitterMs) {
        if (baseMs < 0 || jitterMs < 0) {
            throw new IllegalArgumentException("delays must not be negative, got " + baseMs + " + " + jitterMs);
        }
        this.baseDelayMs = baseMs;
        this.jitterMs = jitterMs;
    }

    /** Each message is lost with this probability, independently of the others. */
    void loss(final double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("loss must be between 0 and 1, got " + probability);
        }
        this.loss = probability;
    }

    double loss() {
        return loss;
    }

    /** Cuts the network into these sides (replacing any partition before); nodes in none form one more side. */
    void partition(final List<Set<String>> parts) {
        sides.clear();
        for (int i = 0; i < parts.size(); i++) {
            for (final String node : parts.get(i)) {
                if (sides.put(node, i) != null) {
                    throw new IllegalArgumentException(node + " is in two sides of the partition " + parts);
                }
            }
        }
    }

    /** Ends the partition. */
    void heal() {
        sides.clear();
    }

    /** Drops every message to {@code node} until {@code untilMs}. */
    void cutInbound(final String node, final long untilMs) {
        inboundCutUntilMs.put(node, untilMs);
    }

    /**
     * Decides the fate of one message now.
     *
     * @return the delay in milliseconds, or {@link #DROPPED}
     */
    long route(final String from, final String to, final long nowMs) {
        if (!sameSide(from, to) || inboundCutUntilMs.getOrDefault(to, Long.MIN_VALUE) > nowMs) {
            cut++;
            return DROPPED;
        }
        if (loss > 0 && random.nextDouble() < loss) {
            lost++;
            return DROPPED;
        }
        return jitterMs == 0 ? baseDelayMs : baseDelayMs + random.nextInt((int) jitterMs + 1);
    }

    boolean sameSide(final String a, final String b) {
        return sides.getOrDefault(a, -1).equals(sides.getOrDefault(b, -1));
    }

    /** @return messages dropped at random */
    long lost() {
        return lost;
    }

    /** @return messages dropped by a partition or a cut */
    long cut() {
        return cut;
    }
}
