package hamlet.it.container;

import hamlet.api.ActorRef;
import hamlet.config.ConfigStatus;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import javax.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

/**
 * Live edits of conf/node.conf: a valid edit reaches the bundles and is applied without restarting them; an invalid
 * edit is refused with file and line, and the config in force goes on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveConfigIT extends ContainerTestSupport {
    @Inject
    private ConfigStatus status;

    @Test
    public void shouldApplyAValidEditLiveAndRefuseBrokenOnes() throws Exception {
        awaitTrue("first load applied", () -> status.appliedCount() >= 1);
        final ActorRef survivor = system.spawn("echo", "survivor");
        final int oldAdminPort = adminPort();
        final int newAdminPort = freePort();
        final String good = "hamlet.node.id = it-node\n"
            + "hamlet.admin.port = " + newAdminPort + "\n"
            + "hamlet.registry.dead-letters.keep = 3\n";

        final long applied = status.appliedCount();
        writeNodeConf(good);
        awaitTrue("the edit is applied", () -> status.appliedCount() > applied);
        awaitTrue("the admin API moved to the new port", () -> answers(newAdminPort));
        awaitTrue("the old admin port is closed", () -> !answers(oldAdminPort));
        awaitTrue("the registry keeps only 3 dead letters", () -> {
            for (int i = 0; i < 5; i++) {
                system.ref("nobody").tell(i);
            }
            return system.deadLetters().size() == 3;
        });
        // Applied without a restart: the same actor answers through the same service.
        assertEquals("still here", survivor.ask("still here", Duration.ofSeconds(5)).toCompletableFuture().join());
        assertSame(system, context.getService(context.getServiceReference(hamlet.api.ActorSystem.class)));

        assertRefused("hamlet.node.id = it-node\nhamlet.registry {\n  dead-letters.keep = 5\n", "", 0);
        assertRefused("hamlet.node.id = it-node\n\nhamlet.registry.dead-letters.kepp = 5\n", "kepp", 3);
        assertRefused("hamlet.node.id = it-node\nhamlet.registry.mailbox.capacity = lots\n", "capacity", 2);
        assertRefused("hamlet.node.id = it-node\nhamlet.registry.mailbox.capacity = -5\n", "capacity", -1);
        assertTrue("the node goes on after refused edits", answers(newAdminPort));
        assertTrue(status.effective(), status.effective().contains(String.valueOf(newAdminPort)));

        final long beforeFix = status.appliedCount();
        writeNodeConf(good.replace("keep = 3", "keep = 4"));
        awaitTrue("a fixed edit is applied", () -> status.appliedCount() > beforeFix);
        assertFalse(status.lastRejection().isPresent());
    }

    /**
     * @param line the line the rejection must name; 0 for any line, -1 when the error has no line (a value out of
     *     range is found by the owning bundle's validator, after parsing)
     */
    private void assertRefused(final String text, final String mentioned, final int line) {
        final long rejected = status.rejectedCount();
        final long applied = status.appliedCount();
        writeNodeConf(text);
        awaitTrue("refused: " + text, () -> status.rejectedCount() > rejected);
        final ConfigStatus.Rejection rejection = status.lastRejection().orElseThrow();
        assertTrue(rejection.file(), rejection.file().endsWith("node.conf"));
        assertTrue(rejection.message(), rejection.message().contains(mentioned));
        if (line > 0) {
            assertEquals(rejection.toString(), line, rejection.line());
        } else if (line == 0) {
            assertTrue(rejection.toString(), rejection.line() > 0);
        }
        assertEquals("nothing applied", applied, status.appliedCount());
        assertEquals("the last good config stays", 3, system.deadLetters().size());
    }

    private int adminPort() {
        final String conf = readNodeConf();
        final String key = "hamlet.admin.port = ";
        final int at = conf.indexOf(key) + key.length();
        return Integer.parseInt(conf.substring(at, conf.indexOf('\n', at)).trim());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean answers(final int port) {
        try {
            final HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/node"))
                    .timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("it-node");
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
