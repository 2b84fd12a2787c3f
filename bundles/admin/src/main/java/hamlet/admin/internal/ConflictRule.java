package hamlet.admin.internal;

import hamlet.api.cluster.MemberStatus;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which node a plain actor name hosted on several nodes (a conflict) resolves to, as this node sees it: the rule the
 * registry's resolver follows. The registry keeps its own copy, because the admin API must not depend on the
 * registry's internals; both copies state the rule the same way and a change to one is a change to both.
 *
 * <ol>
 *   <li>this node, when it hosts the name: a local actor is reached without the network and without trusting
 *       gossip;</li>
 *   <li>else the lowest node id (string order) among the hosting nodes that are {@code ALIVE};</li>
 *   <li>else among those {@code JOINING}, else among those {@code SUSPECT}: a node still coming up or only
 *       suspected is better than none;</li>
 *   <li>else none: every hosting node is dead, left or unknown.</li>
 * </ol>
 *
 * <p>The lowest id rather than the least loaded, so that every node that sees the same membership picks the same
 * actor and messages to one name do not wander with the load. Stateless.
 */
final class ConflictRule {
    /** Most preferred first. */
    private static final List<MemberStatus> PREFERENCE =
        List.of(MemberStatus.ALIVE, MemberStatus.JOINING, MemberStatus.SUSPECT);

    private ConflictRule() {
    }

    /**
     * @param self this node's id
     * @param hosts the ids of the nodes that host the name
     * @param status a node's member status as this node sees it, empty when the node is not a known member
     * @return the node the name resolves to, or empty when none of the hosting nodes is up
     */
    static Optional<String> resolve(final String self, final Collection<String> hosts,
                                    final Function<String, Optional<MemberStatus>> status) {
        if (hosts.contains(self)) {
            return Optional.of(self);
        }
        for (final MemberStatus wanted : PREFERENCE) {
            final Optional<String> lowest = hosts.stream()
                .filter(node -> status.apply(node).orElse(null) == wanted)
                .min(String::compareTo);
            if (lowest.isPresent()) {
                return lowest;
            }
        }
        return Optional.empty();
    }
}
