package hamlet.gossip.internal.osgi;

import hamlet.api.cluster.Cluster;
import hamlet.api.cluster.Member;
import hamlet.api.cluster.MemberStatus;
import hamlet.api.metrics.MetricWriter;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Membership's metrics: members by state as this node sees them, and what SWIM did (probes, suspicions,
 * refutations, verdicts, messages and bytes), from the counters the gossip agent publishes with each view.
 *
 * <p>Threading: any thread; reads the published view only.
 */
final class GossipMetrics {
    /** Membership counter, family, help: one counter family each. */
    private static final String[][] COUNTERS = {
        {"probes.sent", "hamlet_gossip_probes", "Direct probes (pings) sent"},
        {"probes.acked", "hamlet_gossip_probes_acked", "Probes answered in time, directly or through a relay"},
        {"probes.failed", "hamlet_gossip_probes_failed", "Probes unanswered, direct and indirect"},
        {"probes.indirect", "hamlet_gossip_indirect_probes", "Indirect probes asked of other members"},
        {"suspicions.started", "hamlet_gossip_suspicions", "Members this node began to suspect"},
        {"suspicions.confirmed", "hamlet_gossip_suspicion_confirmations",
            "Independent confirmations of a suspicion heard"},
        {"suspicions.refuted", "hamlet_gossip_suspicions_refuted", "Suspicions of other members they refuted"},
        {"suspicions.refuted-self", "hamlet_gossip_refutations",
            "Suspicions of this node it refuted with a higher incarnation"},
        {"members.declared-dead", "hamlet_gossip_members_declared_dead", "Members this node declared dead"},
        {"messages.in", "hamlet_gossip_messages_received", "Gossip messages received"},
        {"messages.out", "hamlet_gossip_messages_sent", "Gossip messages sent"},
        {"bytes.in", "hamlet_gossip_received_bytes", "Bytes of gossip messages received"},
        {"bytes.out", "hamlet_gossip_sent_bytes", "Bytes of gossip messages sent"},
        {"messages.malformed", "hamlet_gossip_messages_malformed", "Gossip messages refused as malformed"},
        {"push-pull.sent", "hamlet_gossip_push_pulls", "Full-state exchanges (anti-entropy) begun"},
    };

    private GossipMetrics() {
    }

    /**
     * @param cluster the gossip component, through its public face
     * @param out where to write
     */
    static void collect(final Cluster cluster, final MetricWriter out) {
        final Map<MemberStatus, Integer> byState = new EnumMap<>(MemberStatus.class);
        for (final MemberStatus status : MemberStatus.values()) {
            byState.put(status, 0);
        }
        for (final Member member : cluster.members()) {
            byState.merge(member.status(), 1, Integer::sum);
        }
        byState.forEach((status, count) -> out.gauge("hamlet_gossip_members",
            "Members of the cluster by state, as this node sees them (itself included)", count,
            "state", status.name().toLowerCase(Locale.ROOT)));
        out.gauge("hamlet_gossip_in_majority", "1 while this node sees a majority of the last stable membership",
            cluster.inMajority() ? 1 : 0);
        final Map<String, Long> counters = cluster.counters();
        for (final String[] counter : COUNTERS) {
            out.counter(counter[1], counter[2], counters.getOrDefault(counter[0], 0L));
        }
    }
}
