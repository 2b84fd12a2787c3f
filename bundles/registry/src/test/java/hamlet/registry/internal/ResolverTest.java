package hamlet.registry.internal;

import hamlet.api.ActorRef;
import hamlet.api.Address;
import hamlet.api.DeadLetter;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Where each form of address leads by today's rule (a table), and that the router and the remote inbox go by the
 * resolver, not by the address alone: a bare name the resolver places on another node leaves the node.
 */
class ResolverTest {
    /** One row: an address, what it resolves to on node1 where actor {@code worker} runs, and the node named. */
    private record Row(String address, Class<? extends Resolution> expected, String node) {
    }

    private static final List<Row> TABLE = List.of(
        new Row("worker", Resolution.Local.class, "node1"),
        new Row("node1:worker", Resolution.Local.class, "node1"),
        new Row("node2:worker", Resolution.Remote.class, "node2"),
        new Row("ghost", Resolution.Unknown.class, "node1"),
        new Row("node1:ghost", Resolution.Unknown.class, "node1"),
        new Row("node2:ghost", Resolution.Remote.class, "node2"),
        new Row("*:workers", Resolution.Group.class, null),
        new Row("*:worker", Resolution.Group.class, null));

    @Test
    void shouldResolveEachFormOfAddressByTodaysRule() {
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> (message, ctx) -> { });
            node.system.spawn("echo", "worker");
            final Resolver resolver = node.system.resolver();
            for (final Row row : TABLE) {
                final Resolution where = resolver.resolve(Address.parse(row.address()));
                assertInstanceOf(row.expected(), where, row.address());
                if (where instanceof Resolution.Local local) {
                    assertEquals("worker", local.cell().name(), row.address());
                } else if (where instanceof Resolution.Remote remote) {
                    assertEquals(row.node(), remote.nodeId(), row.address());
                } else if (where instanceof Resolution.Unknown unknown) {
                    assertEquals(row.node(), unknown.nodeId(), row.address());
                } else {
                    assertEquals(Address.parse(row.address()).name(), ((Resolution.Group) where).group());
                }
            }
        }
    }

    @Test
    void shouldSendABareNameToTheNodeTheResolverNames() {
        try (TestNode node = new TestNode()) {
            final List<Address> leaving = new ArrayList<>();
            final RemoteRouter remote = (toNode, to, body, sender) -> leaving.add(to);
            final Resolver directory = address -> "far".equals(address.name())
                ? new Resolution.Remote("node3") : new LocalResolver("node1", name -> null).resolve(address);
            final DeadLetters deadLetters = new DeadLetters("node1", 10, 0, Clock.systemUTC(), System::nanoTime,
                directory);
            final Router router = new Router("node1", directory, new Groups(), remote, deadLetters);

            router.send(new AddressRef(node.system, Address.named("far"), null), "hi", null);
            router.send(new AddressRef(node.system, Address.named("near"), null), "hi", null);

            assertEquals(List.of(Address.of("node3", "far")), leaving,
                "the bare name the directory placed elsewhere, with the node's id for the receiving node");
            assertEquals(1, deadLetters.count(DeadLetter.Reason.UNKNOWN_ACTOR), "the one it did not");
        }
    }

    @Test
    void shouldRememberTheLocalActorAndAskAgainOnlyOnceItRetires() {
        try (TestNode node = new TestNode()) {
            node.behavior("echo", spec -> (message, ctx) -> { });
            final ActorRef spawned = node.system.spawn("echo", "worker");
            final AddressRef ref = (AddressRef) node.system.ref("worker");
            ref.tell("one");
            final ActorCell first = ref.cell;
            assertSame(((AddressRef) spawned).cell, first, "found through the resolver, then remembered");
            TestNode.awaitTrue("handled", () -> node.system.actor("worker").orElseThrow().processed() == 1);
            node.system.stop("worker");
            TestNode.awaitTrue("stopped", () -> node.system.actor("worker").isEmpty());
            ref.tell("two");
            assertEquals(1, node.system.deadLetterBox().count(DeadLetter.Reason.ACTOR_STOPPED),
                "the remembered actor is gone: stopped, not unknown");
        }
    }
}
