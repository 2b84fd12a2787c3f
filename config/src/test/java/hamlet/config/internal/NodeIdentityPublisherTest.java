package hamlet.config.internal;

import com.typesafe.config.ConfigFactory;
import hamlet.api.NodeIdentity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node identity service follows the config in force: offered at the first apply, replaced on a host/port edit. */
class NodeIdentityPublisherTest {
    private static final String FILE = """
        hamlet {
          node { id = node7, host = "10.0.0.7", port = 7707 }
          registry.dispatcher.throughput = 10
        }
        """;
    private static final NodeIdentity NODE7 = new NodeIdentity("node7", "10.0.0.7", 7707, Harness.UID);

    @Test
    void shouldBuildIdentityFromNodeSectionAndUid() {
        assertEquals(NODE7, NodeIdentityPublisher.identityOf(ConfigFactory.parseString(FILE).resolve(), Harness.UID));
        assertEquals("hamlet.node.port must be between 0 and 65535, got 70000",
            assertThrows(IllegalArgumentException.class, () -> NodeIdentityPublisher.identityOf(
                ConfigFactory.parseString(FILE.replace("7707", "70000")), 1)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeIdentityPublisher.identityOf(
                ConfigFactory.parseString("hamlet.node { id = n, host = h }"), 1)).getMessage()
            .contains("hamlet.node.port"));
    }

    @Test
    void shouldOfferIdentityOnceFirstLoadIsApplied() {
        final Harness h = new Harness();
        h.file.write(FILE);
        h.start();
        assertEquals(List.of("register " + NODE7), h.identityEvents);
        assertEquals(List.of(NODE7), h.offered);
        assertEquals(NODE7, h.identity.current().orElseThrow());
    }

    @Test
    void shouldOfferIdentityFromDefaultsWhenThereIsNoFile() {
        final Harness h = new Harness();
        h.start();
        assertEquals(List.of(new NodeIdentity("node1", "127.0.0.1", 7701, Harness.UID)), h.offered);
    }

    @Test
    void shouldOfferNothingWhenTheFileIsRefusedAtStartAndNothingIsApplied() {
        final Harness h = new Harness();
        h.refuseBrokenStart = true;
        h.file.write("hamlet { node.id = node7\n");
        h.start();
        assertEquals(List.of(), h.identityEvents);
    }

    @Test
    void shouldReplaceIdentityWithoutAGapWhenHostOrPortIsEdited() {
        final Harness h = new Harness();
        h.file.write(FILE);
        h.start();
        h.identityEvents.clear();

        h.file.write(FILE.replace("port = 7707", "port = 7717"));
        h.run(Duration.ofSeconds(1));
        final NodeIdentity moved = new NodeIdentity("node7", "10.0.0.7", 7717, Harness.UID);
        assertEquals(List.of("register " + moved, "unregister " + NODE7), h.identityEvents,
            "the new one is offered before the old one goes");
        assertEquals(List.of(moved), h.offered);

        h.identityEvents.clear();
        h.file.write(FILE.replace("port = 7707", "port = 7717").replace("10.0.0.7", "node7.example"));
        h.run(Duration.ofSeconds(1));
        final NodeIdentity renamed = new NodeIdentity("node7", "node7.example", 7717, Harness.UID);
        assertEquals(List.of("register " + renamed, "unregister " + moved), h.identityEvents);
        assertEquals(Harness.UID, h.offered.get(0).uid(), "the uid is per start: an edit keeps it");
    }

    @Test
    void shouldKeepIdentityWhenAnEditChangesOtherSectionsOrIsRefused() {
        final Harness h = new Harness();
        h.file.write(FILE);
        h.start();
        h.identityEvents.clear();

        h.file.write(FILE.replace("throughput = 10", "throughput = 20"));
        h.run(Duration.ofSeconds(1));
        assertEquals(2, h.status().appliedCount());
        h.file.write(FILE.replace("port = 7707", "port = seven"));
        h.run(Duration.ofSeconds(1));
        assertEquals(1, h.status().rejectedCount());

        assertEquals(List.of(), h.identityEvents);
        assertEquals(List.of(NODE7), h.offered);
    }

    @Test
    void shouldKeepIdentityWhenTheNodeSectionLosesItsDefaults() {
        final Harness h = new Harness();
        h.start();
        h.identityEvents.clear();

        h.references.remove(2); // the registry bundle, which declares hamlet.node, is uninstalled
        h.run(Duration.ofMillis(250));
        assertEquals(2, h.status().appliedCount());
        assertEquals(List.of(), h.identityEvents, "a node's identity does not vanish with a bundle's defaults");
        assertEquals(1, h.offered.size());
    }

    @Test
    void shouldWithdrawIdentityOnCloseAndOfferNoneAfter() {
        final Harness h = new Harness();
        h.file.write(FILE);
        h.start();
        h.identity.close();
        assertEquals(List.of(), h.offered);
        assertTrue(h.identity.current().isEmpty());

        h.file.write(FILE.replace("port = 7707", "port = 7717"));
        h.run(Duration.ofSeconds(1));
        assertEquals(List.of(), h.offered, "a late apply after close offers nothing");
    }

    @Test
    void shouldKeepTheOldIdentityWhenOfferingTheNewOneFails() {
        final List<NodeIdentity> offered = new java.util.ArrayList<>();
        final NodeIdentityPublisher publisher = new NodeIdentityPublisher(Harness.UID, next -> {
            if (next.port() == 7717) {
                throw new IllegalStateException("bundle context no longer valid");
            }
            offered.add(next);
            return () -> offered.remove(next);
        });
        publisher.onApplied(ConfigFactory.parseString(FILE).resolve());
        publisher.onApplied(ConfigFactory.parseString(FILE.replace("7707", "7717")).resolve());
        assertEquals(List.of(NODE7), offered);
        assertEquals(NODE7, publisher.current().orElseThrow());
    }
}
