package hamlet.admin.internal;

import hamlet.api.cluster.MemberStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConflictRuleTest {
    /**
     * Each row: the hosting nodes with their status as node=STATUS (UNKNOWN: not a member), separated by spaces; the
     * node the name resolves to from node1, or NONE. node1 is this node.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "node1=ALIVE node0=ALIVE,               node1",
        "node2=ALIVE node1=SUSPECT,             node1",
        "node1=UNKNOWN node0=ALIVE,             node1",
        "node3=ALIVE node2=ALIVE,               node2",
        "node2=JOINING node3=ALIVE,             node3",
        "node2=SUSPECT node4=JOINING node3=JOINING, node3",
        "node3=SUSPECT node2=DEAD node4=LEFT,   node3",
        "node3=SUSPECT node2=SUSPECT,           node2",
        "node2=DEAD node3=LEFT node4=UNKNOWN,   NONE",
        "node10=ALIVE node9=ALIVE,              node10",
    })
    void shouldResolveLocalFirstThenLowestIdOfTheBestStatus(final String hosts, final String expected) {
        final Map<String, MemberStatus> status = new HashMap<>();
        final List<String> nodes = Arrays.stream(hosts.trim().split("\\s+")).map(host -> {
            final String[] pair = host.split("=");
            if (!"UNKNOWN".equals(pair[1])) {
                status.put(pair[0], MemberStatus.valueOf(pair[1]));
            }
            return pair[0];
        }).toList();
        final Optional<String> resolved =
            ConflictRule.resolve("node1", nodes, node -> Optional.ofNullable(status.get(node)));
        assertEquals("NONE".equals(expected) ? Optional.empty() : Optional.of(expected), resolved);
    }
}
