package hamlet.it.system;

import com.google.gson.JsonElement;
import hamlet.tls.ca.CaFiles;
import hamlet.tls.ca.CertificateAuthority;
import hamlet.tls.internal.Pem;
import hamlet.tls.internal.TlsMaterial;
import hamlet.transport.internal.FrameCodec;
import hamlet.transport.internal.Handshake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real nodes on loopback with {@code hamlet.tls.enabled = true} and certificates from one cluster CA: they form
 * a cluster over {@code wss://} and gossip; strangers are refused at the TLS layer and counted while the nodes serve
 * each other (an uninvited node with another CA's certificate, a plain client, a client that claims another node's
 * id, random bytes, stalled handshakes, a flood of silent connections); and a node certificate and then the whole CA
 * are rotated under traffic without a restart and with every ask answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsClusterIT {
    private static final int NODES = 3;
    private static final Duration SHORT = Duration.ofSeconds(20);

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Path> nodeDirs = new ArrayList<>();
    private final int[] transportPorts = new int[NODES];
    private final int[] adminPorts = new int[NODES];
    private Path home;
    private Path dir;
    private Path tls;
    private CertificateAuthority ca;

    @RegisterExtension
    final NodeOutputOnFailure dumpOnFailure = NodeOutputOnFailure.numbered(() -> nodes);

    @BeforeAll
    void startNodes() throws IOException, InterruptedException {
        home = NodeProcess.distribution();
        dir = Files.createTempDirectory("hamlet-tls-");
        tls = dir.resolve("tls");
        final Instant now = Instant.now();
        ca = CaFiles.init(tls, "it", now.minusSeconds(300), now.plus(Duration.ofDays(2)));
        for (int i = 1; i <= NODES + 1; i++) {
            CaFiles.issueNode(ca, tls, "node" + i, List.of("127.0.0.1"), now.minusSeconds(300),
                now.plus(Duration.ofDays(1)), false);
        }
        oldNode4 = new KeyStoreEntry(Pem.readCertificates(CaFiles.nodeCert(tls, "node4")).get(0),
            Pem.readPrivateKey(CaFiles.nodeKey(tls, "node4"), new char[0]));
        for (int i = 0; i < NODES; i++) {
            transportPorts[i] = NodeProcess.freePort();
            adminPorts[i] = NodeProcess.freePort();
        }
        for (int i = 0; i < NODES; i++) {
            nodeDirs.add(Files.createDirectories(dir.resolve("node" + (i + 1))));
            nodes.add(start(i));
        }
        for (int i = 1; i <= NODES; i++) {
            awaitAllAlive(i);
        }
    }

    private NodeProcess start(final int i) throws IOException {
        final Path nodeDir = nodeDirs.get(i);
        final Path conf = nodeDir.resolve("node.conf");
        Files.writeString(conf, "hamlet {\n"
            + "  node { id = node" + (i + 1) + ", host = \"127.0.0.1\", port = " + transportPorts[i] + " }\n"
            + "  admin { host = \"127.0.0.1\", port = " + adminPorts[i] + " }\n"
            + "  cluster.seeds = [\"127.0.0.1:" + transportPorts[0] + "\"]\n"
            + "  tls { enabled = true, dir = \"" + tls + "\", check-interval = 200ms }\n"
            + "}\n");
        return NodeProcess.start(home, adminPorts[i], nodeDir, "--conf", conf.toString(),
            "--data", nodeDir.resolve("data").toString(), "--deploy", nodeDir.resolve("deploy").toString());
    }

    @AfterAll
    void stopNodes() {
        nodes.forEach(NodeProcess::close);
    }

    @Test
    @Order(1)
    void formsAClusterOverWssAndAnswersAcrossIt() throws Exception {
        for (int i = 1; i <= NODES; i++) {
            final NodeProcess.Reply members = node(i).get("/api/cluster/members");
            for (final JsonElement m : members.at("members").getAsJsonArray()) {
                final String url = m.getAsJsonObject().get("url").getAsString();
                assertTrue(url.startsWith("wss://127.0.0.1:"), "gossip advertises wss:// addresses: " + members.body());
            }
            final NodeProcess.Reply self = node(i).get("/api/node");
            assertTrue(self.at("tls", "enabled").getAsBoolean(), self.body());
            final String own = self.at("tls", "certificates").getAsJsonArray().get(0).getAsJsonObject()
                .get("sha256").getAsString();
            assertEquals(TlsMaterial.fingerprint(Pem.readCertificates(CaFiles.nodeCert(tls, "node" + i)).get(0)),
                own, "GET /api/node shows the certificate in use: " + self.body());
        }
        spawnEcho(2);
        spawnEcho(3);
        assertEquals("over tls", awaitAsk(1, "node2:echo", "\"over tls\"").at("reply").getAsString());
        assertEquals("and back", awaitAsk(3, "node2:echo", "\"and back\"").at("reply").getAsString());
    }

    @Test
    @Order(2)
    void refusesAnUninvitedNodeWithAnotherCasCertificate() throws Exception {
        final Path intruder = dir.resolve("intruder");
        final Path intruderTls = intruder.resolve("tls");
        final Instant now = Instant.now();
        final CertificateAuthority other = CaFiles.init(intruderTls, "intruder", now.minusSeconds(60),
            now.plus(Duration.ofDays(1)));
        CaFiles.issueNode(other, intruderTls, "node9", List.of("127.0.0.1"), now.minusSeconds(60),
            now.plus(Duration.ofDays(1)), false);
        final long refusedBefore = refusedTls(1);
        final int admin = NodeProcess.freePort();
        final Path conf = intruder.resolve("node.conf");
        Files.writeString(conf, "hamlet {\n"
            + "  node { id = node9, host = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }\n"
            + "  admin { host = \"127.0.0.1\", port = " + admin + " }\n"
            + "  cluster.seeds = [\"127.0.0.1:" + transportPorts[0] + "\"]\n"
            + "  tls.enabled = true\n"
            + "}\n");
        try (NodeProcess node9 = NodeProcess.start(home, admin, intruder, "--conf", conf.toString(),
            "--data", intruder.resolve("data").toString(), "--deploy", intruder.resolve("deploy").toString())) {
            node(1).await("node1 refusing node9's certificate", () -> refusedTls(1) > refusedBefore,
                () -> node1Counters());
            for (int i = 1; i <= NODES; i++) {
                assertFalse(node(i).get("/api/cluster/members").body().contains("node9"),
                    "the uninvited node never becomes a member");
            }
            final NodeProcess.Reply seen = node9.get("/api/cluster/members");
            assertFalse(seen.body().contains("\"node1\""), "node9 never learns the cluster: " + seen.body());
        }
        awaitAsk(1, "node2:echo", "\"still serving\"");
        assertTlsMetrics(1);
    }

    /**
     * What an operator's alerts read with TLS on: enabled, each role's soonest expiry (the node certificates were
     * issued for a day, the CA for two), and each TLS refusal counted on {@code /api/transport} shown by reason.
     */
    private void assertTlsMetrics(final int number) throws IOException, InterruptedException {
        final MetricsPage page = MetricsPage.scrape(node(number));
        assertEquals(1, page.value("hamlet_tls_enabled"), "node" + number);
        final double dayS = Duration.ofDays(1).toSeconds();
        final double node = page.value("hamlet_tls_certificate_expiry_seconds", "role", "node");
        final double caLeft = page.value("hamlet_tls_certificate_expiry_seconds", "role", "ca");
        assertTrue(node > dayS - 3_600 && node <= dayS, "the node certificate expires in a day: " + node);
        assertTrue(caLeft > 2 * dayS - 3_600 && caLeft <= 2 * dayS, "the CA expires in two days: " + caLeft);
        int reasons = 0;
        for (final var e : node(number).get("/api/transport").at("counters").getAsJsonObject().entrySet()) {
            if (e.getKey().startsWith("refused.tls.") && e.getValue().getAsLong() > 0) {
                final String reason = "tls_" + e.getKey().substring("refused.tls.".length()).replace('-', '_');
                assertEquals(e.getValue().getAsDouble(), page.value("hamlet_transport_connections_refused_total",
                    "reason", reason), reason + " on /metrics as on /api/transport");
                reasons++;
            }
        }
        assertTrue(reasons > 0, "node9's refusal is among the metrics: " + node1Counters());
    }

    @Test
    @Order(3)
    void aNodeCannotStartWithACertificateOfAnotherNode() throws Exception {
        final Path impostor = Files.createDirectories(dir.resolve("impostor"));
        final int admin = NodeProcess.freePort();
        final Path conf = impostor.resolve("node.conf");
        Files.writeString(conf, "hamlet {\n"
            + "  node { id = node2, host = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }\n"
            + "  admin { host = \"127.0.0.1\", port = " + admin + " }\n"
            + "  cluster.seeds = [\"127.0.0.1:" + transportPorts[0] + "\"]\n"
            + "  tls { enabled = true, cert = \"" + CaFiles.nodeCert(tls, "node4") + "\", key = \""
            + CaFiles.nodeKey(tls, "node4") + "\", ca = \"" + tls.resolve("ca.crt") + "\" }\n"
            + "}\n");
        try (NodeProcess node = NodeProcess.start(home, admin, impostor, "--conf", conf.toString(),
            "--data", impostor.resolve("data").toString(), "--deploy", impostor.resolve("deploy").toString())) {
            assertTrue(node.process().waitFor(60, TimeUnit.SECONDS), "the node exits");
            assertEquals(2, node.process().exitValue(), node.dump());
            assertTrue(node.dump().contains("is the certificate of node 'node4', not of this node 'node2'"),
                node.dump());
        }
    }

    @Test
    @Order(4)
    void aClientClaimingAnotherNodesIdIsRefusedByThePeer() throws Exception {
        final String uidBefore = peerUid(1, "node2");
        final long before = counter(1, "rejected.CERTIFICATE_MISMATCH");
        // node4's genuine certificate, presented by a client that claims to be node2 in its handshake.
        final SSLContext asNode4 = jdkClient("node4");
        final ByteBuffer claim = new FrameCodec(1 << 20, 1 << 20).encodeHandshake(
            new Handshake("hamlet", "node2", 0x1234_5678L, "wss://127.0.0.1:1/hamlet"));
        final int code = closeCodeAfter(asNode4, transportPorts[0], claim);
        assertEquals(1008, code, "closed as a policy violation");
        node(1).await("the mismatch counted", () -> counter(1, "rejected.CERTIFICATE_MISMATCH") > before,
            this::node1Counters);
        assertEquals(uidBefore, peerUid(1, "node2"), "the real node2's link is untouched");
        awaitAsk(1, "node2:echo", "\"the real node2\"");
    }

    @Test
    @Order(5)
    void strangersOnTheTlsPortAreClosedAndNothingElseIs() throws Exception {
        final long dialsBefore = counter(1, "dials");
        final long notTlsBefore = counter(1, "refused.tls.not-tls");
        // Plain WebSocket to a TLS node.
        assertThrows(Exception.class, () -> HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + transportPorts[0] + "/hamlet"), new WebSocket.Listener() { })
            .get(10, TimeUnit.SECONDS));
        // Random bytes, half a ClientHello that then stalls, and 40 connections that never say anything.
        final List<Socket> silent = new ArrayList<>();
        try {
            final byte[] noise = new byte[512];
            new Random(11).nextBytes(noise);
            noise[0] = 0x47;
            final Socket random = new Socket("127.0.0.1", transportPorts[0]);
            random.getOutputStream().write(noise);
            silent.add(random);
            final Socket stalled = new Socket("127.0.0.1", transportPorts[0]);
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC});
            silent.add(stalled);
            for (int i = 0; i < 40; i++) {
                silent.add(new Socket("127.0.0.1", transportPorts[0]));
            }
            for (final Socket s : silent) {
                s.setSoTimeout((int) SHORT.toMillis());
            }
            // Each is closed by the node: its read sees the end of the stream, within the handshake timeout.
            for (final Socket s : silent) {
                final InputStream in = s.getInputStream();
                try {
                    while (in.read() >= 0) {
                        // whatever alert it sends, then the end
                    }
                } catch (final java.net.SocketException closed) {
                    // reset: closed too
                }
            }
        } finally {
            for (final Socket s : silent) {
                s.close();
            }
        }
        assertTrue(counter(1, "refused.tls.not-tls") > notTlsBefore, node1Counters());
        assertEquals("unharmed", awaitAsk(1, "node2:echo", "\"unharmed\"").at("reply").getAsString());
        assertEquals(dialsBefore, counter(1, "dials"), "node1's links never dropped: " + node1Counters());
    }

    @Test
    @Order(6)
    void rotatesANodeCertificateAndThenTheCaUnderTrafficWithEveryAskAnswered() throws Exception {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong answered = new AtomicLong();
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread traffic = new Thread(() -> {
            long n = 0;
            while (running.get() && failure.get() == null) {
                for (final int from : new int[] {1, 3}) {
                    try {
                        final NodeProcess.Reply r = node(from).post("/api/ask",
                            "{\"to\":\"node2:echo\",\"body\":\"n" + n + "\",\"timeoutMs\":5000}");
                        if (r.status() != 200 || !("n" + n).equals(r.at("reply").getAsString())) {
                            failure.compareAndSet(null, "ask " + n + " from node" + from + ": " + r.status() + " "
                                + r.body());
                        }
                        answered.incrementAndGet();
                    } catch (final IOException | InterruptedException e) {
                        failure.compareAndSet(null, e.toString());
                    }
                }
                n++;
            }
        }, "tls-it-traffic");
        traffic.start();
        try {
            // 1. node2's certificate renewed: node2 takes it within check-interval, new connections see it.
            final Instant now = Instant.now();
            final String renewed = TlsMaterial.fingerprint(CaFiles.issueNode(ca, tls, "node2", List.of("127.0.0.1"),
                now.minusSeconds(60), now.plus(Duration.ofDays(1)), true).certificate());
            awaitCertificate(2, renewed);
            assertEquals(renewed, TlsMaterial.fingerprint(serverCertificate(jdkClient("node4"), transportPorts[1])));

            // 2. CA rollover: trust old and new, re-issue every node from the new CA, then drop the old CA.
            final CertificateAuthority next = CertificateAuthority.create("it-next", now.minusSeconds(60),
                now.plus(Duration.ofDays(2)));
            Pem.write(tls.resolve("ca.crt"), Pem.encode(ca.certificate(), next.certificate()), false, true);
            for (int i = 1; i <= NODES; i++) {
                awaitCaCount(i, 2);
            }
            for (int i = 1; i <= NODES + 1; i++) {
                final String fp = TlsMaterial.fingerprint(CaFiles.issueNode(next, tls, "node" + i,
                    List.of("127.0.0.1"), now.minusSeconds(60), now.plus(Duration.ofDays(1)), true).certificate());
                if (i <= NODES) {
                    awaitCertificate(i, fp);
                }
            }
            // It trusts both CAs, so that a failure can only be the node refusing it, not it refusing the node.
            final SSLContext oldClient = jdkClient("node4", List.of(ca.certificate(), next.certificate()), oldNode4);
            Pem.write(tls.resolve("ca.crt"), Pem.encode(next.certificate()), false, true);
            for (int i = 1; i <= NODES; i++) {
                awaitCaCount(i, 1);
            }
            // A certificate of the dropped CA no longer gets in; one of the new CA does.
            assertThrows(IOException.class, () -> serverCertificate(oldClient, transportPorts[0]));
            serverCertificate(jdkClient("node4"), transportPorts[0]);

            // 3. Links made afresh with the new certificates only: node3 restarts and rejoins. The traffic stops
            // first: asks from a node that is stopping are not what this measures.
            running.set(false);
            traffic.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(0, nodes.get(2).terminate(SHORT));
            nodes.set(2, start(2));
            for (int i = 1; i <= NODES; i++) {
                awaitAllAlive(i);
            }
            assertEquals("relinked", awaitAsk(3, "node2:echo", "\"relinked\"").at("reply").getAsString());
        } finally {
            running.set(false);
            traffic.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(null, failure.get(), "every ask answered during the rotations");
        assertTrue(answered.get() > 10, "traffic flowed: " + answered.get());
        System.out.printf("TLS rotations: node2's certificate, then the CA, with %d asks answered and none lost%n",
            answered.get());
    }

    /** node4's pair of the first CA, kept for the rollover's last check (the rollover re-issues node4). */
    private KeyStoreEntry oldNode4;

    /** A certificate chain and key for a JDK client. */
    private record KeyStoreEntry(X509Certificate certificate, java.security.PrivateKey key) {
    }

    private void awaitCertificate(final int i, final String sha256) throws InterruptedException {
        node(i).awaitGet("/api/node", "node" + i + " using certificate " + sha256, r -> r.status() == 200
            && sha256.equals(r.at("tls", "certificates").getAsJsonArray().get(0).getAsJsonObject().get("sha256")
            .getAsString()));
    }

    private void awaitCaCount(final int i, final int cas) throws InterruptedException {
        node(i).awaitGet("/api/node", "node" + i + " trusting " + cas + " CA(s)", r -> r.status() == 200
            && r.at("tls", "certificates").getAsJsonArray().size() == 1 + cas);
    }

    private SSLContext jdkClient(final String id) throws Exception {
        return jdkClient(id, null, null);
    }

    /** A client on the JDK's own TLS (SunJSSE) with node {@code id}'s files, or the given pair and CA. */
    private SSLContext jdkClient(final String id, final List<X509Certificate> trusted, final KeyStoreEntry pair)
        throws Exception {
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        final X509Certificate cert = pair != null ? pair.certificate()
            : Pem.readCertificates(CaFiles.nodeCert(tls, id)).get(0);
        final java.security.PrivateKey key = pair != null ? pair.key()
            : Pem.readPrivateKey(CaFiles.nodeKey(tls, id), new char[0]);
        keys.setKeyEntry("node", key, "x".toCharArray(), new X509Certificate[] {cert});
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        final List<X509Certificate> cas = trusted != null ? trusted : Pem.readCertificates(tls.resolve("ca.crt"));
        for (int i = 0; i < cas.size(); i++) {
            trust.setCertificateEntry("ca" + i, cas.get(i));
        }
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509", "SunJSSE");
        kmf.init(keys, "x".toCharArray());
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", "SunJSSE");
        tmf.init(trust);
        final SSLContext context = SSLContext.getInstance("TLSv1.3", "SunJSSE");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /** @return the certificate a node presents to a new connection, after a complete TLS 1.3 handshake */
    private static X509Certificate serverCertificate(final SSLContext client, final int port) throws IOException {
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
            // TLS 1.3 settles the client certificate after the handshake messages: a refused one shows on the
            // first read, as the server's alert.
            s.getOutputStream().write("GET /hamlet HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            final int first = s.getInputStream().read();
            if (first < 0) {
                throw new IOException("closed by the node after the handshake");
            }
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** Opens wss:// with this client, sends one binary frame, and returns the code the node closed with. */
    private static int closeCodeAfter(final SSLContext client, final int port, final ByteBuffer frame)
        throws Exception {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final WebSocket ws = HttpClient.newBuilder().sslContext(client).build().newWebSocketBuilder()
            .buildAsync(URI.create("wss://127.0.0.1:" + port + "/hamlet"), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(final WebSocket socket, final int code, final String reason) {
                    closed.complete(code);
                    return null;
                }

                @Override
                public void onError(final WebSocket socket, final Throwable error) {
                    closed.complete(1006);
                }
            }).get(10, TimeUnit.SECONDS);
        ws.sendBinary(frame, true);
        try {
            return closed.get(20, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }

    private void awaitAllAlive(final int i) throws InterruptedException {
        node(i).awaitGet("/api/cluster/members", "node" + i + " seeing three members alive", r -> {
            if (r.status() != 200) {
                return false;
            }
            int alive = 0;
            for (final JsonElement m : r.at("members").getAsJsonArray()) {
                if ("alive".equals(m.getAsJsonObject().get("status").getAsString())) {
                    alive++;
                }
            }
            return alive == NODES;
        });
    }

    private NodeProcess node(final int number) {
        return nodes.get(number - 1);
    }

    private void spawnEcho(final int number) throws IOException, InterruptedException {
        final NodeProcess.Reply reply = node(number).post("/api/actors", "{\"behavior\":\"echo\",\"name\":\"echo\"}");
        assertEquals(201, reply.status(), reply.body());
    }

    private long counter(final int number, final String name) {
        try {
            final JsonElement c = node(number).get("/api/transport").at("counters", name);
            return c == null || c.isJsonNull() ? 0 : c.getAsLong();
        } catch (final IOException e) {
            return -1;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private long refusedTls(final int number) {
        try {
            long sum = 0;
            for (final var e : node(number).get("/api/transport").at("counters").getAsJsonObject().entrySet()) {
                if (e.getKey().startsWith("refused.tls.")) {
                    sum += e.getValue().getAsLong();
                }
            }
            return sum;
        } catch (final IOException e) {
            return -1;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String node1Counters() {
        try {
            return node(1).get("/api/transport").at("counters").toString();
        } catch (final IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private String peerUid(final int number, final String peer) throws IOException, InterruptedException {
        for (final JsonElement p : node(number).get("/api/transport").at("peers").getAsJsonArray()) {
            if (peer.equals(p.getAsJsonObject().get("node").getAsString())) {
                return p.getAsJsonObject().get("uid").toString();
            }
        }
        return "none";
    }

    private NodeProcess.Reply awaitAsk(final int from, final String to, final String body)
        throws InterruptedException {
        final NodeProcess.Reply[] last = new NodeProcess.Reply[1];
        node(from).await("an answer from " + to, () -> {
            try {
                last[0] = node(from).post("/api/ask", "{\"to\":\"" + to + "\",\"body\":" + body
                    + ",\"timeoutMs\":2000}");
                return last[0].status() == 200;
            } catch (final IOException e) {
                return false;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> last[0] == null ? "nothing" : last[0].status() + " " + last[0].body());
        return last[0];
    }
}
