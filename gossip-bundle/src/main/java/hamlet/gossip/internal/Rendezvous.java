package hamlet.gossip.internal;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing: every node ranks the candidates for an actor the same way from their
 * ids alone, and a member that joins or leaves moves only the actors it ranks first for. A 64-bit FNV-1a of
 * {@code node \0 actor}, finished by SplitMix64's mixer so that ids that differ in one character spread well.
 */
final class Rendezvous {
    private Rendezvous() {
    }

    static long weight(final String node, final String actor) {
        long h = 0xcbf29ce484222325L;
        for (final byte b : node.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0) * 0x100000001b3L;
        for (final byte b : actor.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /** @return the candidates, best first; ties (never seen in practice) broken by node id */
    static List<String> rank(final String actor, final List<String> candidates) {
        return candidates.stream()
            .sorted(Comparator.comparingLong((String node) -> weight(node, actor)).reversed()
                .thenComparing(Comparator.naturalOrder()))
            .toList();
    }
}
