package hamlet.shell.internal;

import hamlet.api.transport.PeerInfo;
import hamlet.testkit.FakeActorSystem;
import hamlet.testkit.FakeCluster;
import hamlet.testkit.FakeTransport;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands as Gogo calls them (its real command processor, without OSGi): arguments, options and their
 * defaults, and errors on the session's error stream.
 */
class GogoCommandsTest {
    private final FakeActorSystem system = new FakeActorSystem().stats(2, 40, 0);
    private final FakeTransport transport = new FakeTransport();
    private ClusterShell cluster;
    private TlsShell tls;
    private ActorShell actors;
    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private CommandProcessorImpl processor;
    private CommandSession session;

    @BeforeEach
    void startGogo() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        actors = new ActorShell(system);
        for (final String function : new String[] {"list", "spawn", "stop", "send", "ask", "deadletters"}) {
            processor.addCommand("actor", actors, function);
        }
        final ConfigShell config = new ConfigShell();
        config.activate();
        processor.addCommand("config", config, "show");
        cluster = new ClusterShell();
        cluster.activate();
        cluster.system = system;
        processor.addCommand("cluster", cluster, "peers");
        for (final String function : new String[] {"counters", "members", "actors", "join", "leave"}) {
            processor.addCommand("cluster", cluster, function);
        }
        tls = new TlsShell();
        tls.activate();
        processor.addCommand("cluster", tls, "tls");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err);
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
        threadIo.stop();
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldSpawnWithAndWithoutGroupOption() throws Exception {
        assertEquals("spawned e1 (echo) at node1:e1\n", session.execute("actor:spawn echo e1"));
        assertEquals("spawned w1 (worker, group worker) at node1:w1\n",
            session.execute("actor:spawn -g worker worker w1"));
        assertEquals("", err());
    }

    @Test
    void shouldPrintOneLineErrorOnSessionErrorStream() throws Exception {
        assertNull(session.execute("actor:spawn ecco e1"));
        assertEquals("actor:spawn: unknown behaviour 'ecco'; known: echo, job-router, worker", err().strip());
    }

    @Test
    void shouldAskWithDefaultOrGivenTimeoutAndQuotedJson() throws Exception {
        system.spawn("echo", "e1");
        assertEquals("{\"task\":\"fib\",\"n\":3}\n", session.execute("actor:ask e1 '{\"task\":\"fib\",\"n\":3}'"));
        assertEquals("\"hello world\"\n", session.execute("actor:ask -t 250ms e1 'hello world'"));
        assertEquals(Duration.ofSeconds(5), system.sent().get(0).timeout());
        assertEquals(Duration.ofMillis(250), system.sent().get(1).timeout());
    }

    /** Gogo expands an unquoted * as a file name pattern, so a group address is quoted. */
    @Test
    void shouldSendAndListAndShowDeadLetters() throws Exception {
        assertEquals("sent to *:worker as JSON\n", session.execute("actor:send '*:worker' '{\"task\":\"stats\"}'"));
        assertEquals("no actors on node node1\n", session.execute("actor:list"));
        assertEquals("no dead letters on node node1\n", session.execute("actor:deadletters"));
        assertNull(session.execute("actor:deadletters -n 0"));
        assertEquals("actor:deadletters: -n must be at least 1, got 0", err().strip());
    }

    @Test
    void shouldListPeersAndCountersOfTheTransportWhenItComes() throws Exception {
        assertNull(session.execute("cluster:peers"));
        assertTrue(err().startsWith("cluster:peers: the transport is not available"), err());
        cluster.transport = transport.counter("envelopes.sent", 3)
            .peer(new PeerInfo("node2", "ws://127.0.0.1:7702/hamlet", PeerInfo.State.UP, 0xabcL, 0, 3, 4));
        assertEquals(""
                + "NODE   URL                         STATE  UID               OUTBOX  SENT  RECEIVED\n"
                + "node2  ws://127.0.0.1:7702/hamlet  UP     0000000000000abc  0       3     4\n"
                + "1 peer of node node1, 1 up\n",
            session.execute("cluster:peers"));
        final String counters = (String) session.execute("cluster:counters");
        assertTrue(counters.startsWith("transport.envelopes.sent "), counters);
        assertTrue(counters.contains("\nregistry.dead-letters.total "), counters);
    }

    @Test
    void shouldShowTlsBesideTheOtherClusterCommandsWhenTheTlsBundleComes() throws Exception {
        assertNull(session.execute("cluster:tls"));
        assertEquals("cluster:tls: the TLS service is not available: the hamlet.tls bundle is not running",
            err().strip());
        tls.tlsService = new TlsCommandsTest.FixedTls(false, java.util.List.of());
        tls.transport = transport.counter("refused.tls.tls-to-plain", 1);
        final String shown = (String) session.execute("cluster:tls");
        assertTrue(shown.startsWith("TLS is off on this node (hamlet.tls.enabled = false)"), shown);
        assertTrue(shown.endsWith("handshakes refused by the transport:\n  refused.tls.tls-to-plain  1\n"), shown);
    }

    @Test
    void shouldSayConfigServiceIsAbsent() throws Exception {
        assertNull(session.execute("config:show"));
        assertTrue(err().startsWith("config:show: the config service is not available"), err());
    }

    @Test
    void shouldShowTheClusterViewWhenTheGossipBundleComes() throws Exception {
        assertNull(session.execute("cluster:members"));
        assertTrue(err().startsWith("cluster:members: the cluster view is not available: the hamlet.gossip"
            + " bundle"), err());
        final FakeCluster view = new FakeCluster("node1")
            .member(FakeCluster.member("node1", hamlet.api.cluster.MemberStatus.ALIVE))
            .actor("node1", "e1", null).actor("node2", "e1", null);
        cluster.cluster = view;
        actors.cluster = view;
        final String members = (String) session.execute("cluster:members");
        assertTrue(members.startsWith("ID "), members);
        assertTrue(members.endsWith("\nnode node1 is in the majority: sees 1 of 1 members of the last stable"
            + " membership\n"), members);
        assertTrue(((String) session.execute("cluster:actors")).contains("e1    node2  -      also on node1\n"));
        assertEquals("node node1 asked 127.0.0.1:7702 to let it in; see cluster:members\n",
            session.execute("cluster:join 127.0.0.1:7702"));
        assertEquals("node node1 asked ws://127.0.0.1:7703/hamlet to let it in; see cluster:members\n",
            session.execute("cluster:join ws://127.0.0.1:7703/hamlet"));
        assertTrue(((String) session.execute("cluster:leave")).startsWith("node node1 is leaving the cluster"));
        assertEquals(1, view.leaves());
        system.spawn("echo", "e1");
        assertTrue(((String) session.execute("actor:list")).endsWith("(a conflict; see cluster:actors): e1 on"
            + " node2\n"));
    }
}
