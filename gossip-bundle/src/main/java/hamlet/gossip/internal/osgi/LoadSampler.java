package hamlet.gossip.internal.osgi;

import hamlet.api.ActorInfo;
import hamlet.api.ActorSystem;
import hamlet.api.cluster.MemberLoad;
import hamlet.gossip.internal.Membership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Reads this node's named actors and its load from the registry, for the gossip agent to hand to the membership
 * every load-interval: the directory (name to group, running and suspended actors; the registry's temporary ask
 * actors are not named actors), the mailbox backlog, the dispatcher's busy share (from the registry's
 * {@code dispatcher.busy-nanos} and {@code dispatcher.threads} counters, when it has them) and the process's CPU share.
 *
 * <p>Threading: the gossip agent's thread only.
 */
final class LoadSampler {
    private static final Logger LOG = LoggerFactory.getLogger(LoadSampler.class);

    private final String nodeId;
    private final Supplier<ActorSystem> system;
    private long lastBusyNanos = -1;
    private long lastSampleNanos;
    private String lastRefusal;

    LoadSampler(final String nodeId, final Supplier<ActorSystem> system) {
        this.nodeId = nodeId;
        this.system = system;
    }

    void sample(final Membership membership) {
        final ActorSystem actors = system.get();
        long backlog = 0;
        final Map<String, String> directory = new TreeMap<>();
        double busy = 0;
        if (actors != null) {
            for (final ActorInfo info : actors.actors()) {
                if (info.state() == ActorInfo.State.STOPPED || info.name().startsWith("temp-")) {
                    continue;
                }
                directory.put(info.name(), info.group());
                backlog += Math.max(0, info.mailboxSize());
            }
            busy = busyShare(actors.counters());
        }
        final String refused = membership.localActors(directory);
        if (refused != null && !refused.equals(lastRefusal)) {
            LOG.warn("[{}] gossip: {}", nodeId, refused);
        }
        lastRefusal = refused;
        membership.localLoad(new MemberLoad(backlog, busy, cpuShare()));
    }

    private double busyShare(final Map<String, Long> counters) {
        final Long busyNanos = counters.get("dispatcher.busy-nanos");
        final Long threads = counters.get("dispatcher.threads");
        final long now = System.nanoTime();
        double share = 0;
        if (busyNanos != null && threads != null && threads > 0 && lastBusyNanos >= 0 && now > lastSampleNanos) {
            share = (double) (busyNanos - lastBusyNanos) / ((now - lastSampleNanos) * (double) threads);
        }
        lastBusyNanos = busyNanos == null ? -1 : busyNanos;
        lastSampleNanos = now;
        return clamp(share);
    }

    private static double cpuShare() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return clamp(os.getProcessCpuLoad());
            }
        } catch (final LinkageError notExported) {
            // The framework does not export com.sun.management (an optional import): CPU is not known.
        }
        return 0;
    }

    private static double clamp(final double share) {
        return Double.isNaN(share) ? 0 : Math.max(0, Math.min(1, share));
    }
}
