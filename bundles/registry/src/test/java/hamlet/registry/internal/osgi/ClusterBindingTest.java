package hamlet.registry.internal.osgi;

import com.typesafe.config.ConfigFactory;
import hamlet.api.ActorRef;
import hamlet.api.DeadLetter;
import hamlet.api.cluster.ClusterEvent;
import hamlet.api.cluster.MemberStatus;
import hamlet.config.Sections;
import hamlet.testkit.FakeCluster;
import hamlet.testkit.FakeTransport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The component with the gossip bundle's services, bound as Declarative Services would bind them: the Cluster feeds
 * the runtime's directory (rebuilt on the shared pool, so the test polls), and its events reach the transport.
 */
class ClusterBindingTest {
    @Test
    void shouldResolveThroughABoundClusterForwardItsEventsAndGoBackToLocalWhenItGoes() {
        final RegistryComponent component = new RegistryComponent();
        final FakeTransport transport = new FakeTransport();
        final FakeCluster cluster = new FakeCluster("bound").member("bound", MemberStatus.ALIVE, 0)
            .member("node2", MemberStatus.ALIVE, 0).host("node2", "worker_01", null);
        component.activate(Sections.toProperties(ConfigFactory.parseString("hamlet.node.id = bound"), "node"));
        try {
            component.bindTransport(transport);
            component.bindCluster(cluster);
            final ActorRef worker = component.ref("worker_01");
            final long deadline = System.nanoTime() + 20_000_000_000L;
            while (transport.sent().isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    fail("the directory's host was never used");
                }
                worker.tell("job");
                LockSupport.parkNanos(1_000_000L);
            }
            assertEquals("node2:worker_01", transport.sent().get(0).envelope().to());

            component.onClusterEvent(new ClusterEvent(ClusterEvent.Type.DEAD, "node2", null, null));
            component.onClusterEvent(new ClusterEvent(ClusterEvent.Type.REMOVED, "node2", null, null));
            assertEquals(List.of(new FakeTransport.Forgotten("node2", "node node2 is gone: declared dead and removed "
                + "by membership after hamlet.gossip.remove-after")), transport.forgotten());

            component.unbindCluster(cluster);
            final int sent = transport.sent().size();
            final long before = component.deadLetterCount();
            worker.tell("job");
            assertEquals(sent, transport.sent().size(), "no membership: a bare name is this node's, as before");
            assertEquals(before + 1, component.deadLetterCount());
            assertEquals(DeadLetter.Reason.UNKNOWN_ACTOR,
                component.deadLetters().get(component.deadLetters().size() - 1).reason());
        } finally {
            component.deactivate();
        }
    }
}
