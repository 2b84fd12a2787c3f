package hamlet.admin.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import hamlet.tls.TlsService;
import hamlet.tls.ca.CaFiles;
import hamlet.tls.ca.CertificateAuthority;
import hamlet.tls.internal.DisabledTls;
import hamlet.tls.internal.TlsRuntime;
import hamlet.tls.internal.TlsSettings;
import hamlet.testkit.FakeConfigStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API over HTTPS with the node's certificate, as an operator's client sees it: it trusts the cluster CA, sends
 * the token, and gets the node's TLS state in GET /api/node. TLS comes from a real {@link TlsRuntime} over files
 * the certs tool's code writes.
 */
class AdminHttpsTest {
    private static final String TOKEN = "s3cr3t-Tok3n";
    private static final List<String> SUITES =
        List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    @TempDir
    Path tlsDir;

    private final AdminFakeSystem system = new AdminFakeSystem();
    private final AtomicReference<TlsService> tlsService = new AtomicReference<>();
    private TlsRuntime tls;
    private HttpClient trusting;
    private AdminServer server;
    private String scheme;

    @BeforeEach
    void startTls() throws Exception {
        final Instant now = Instant.now();
        final CertificateAuthority ca = CaFiles.init(tlsDir, "village", now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(365)));
        CaFiles.issueNode(ca, tlsDir, "node1", List.of("127.0.0.1", "localhost"), now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)), false);
        tls = TlsRuntime.start(new TlsSettings(true, "node1", CaFiles.nodeCert(tlsDir, "node1"),
            CaFiles.nodeKey(tlsDir, "node1"), tlsDir.resolve(CaFiles.CA_CERT), new char[0], List.of("TLSv1.3"),
            SUITES, Duration.ofSeconds(2), Duration.ofDays(14)), now);
        tlsService.set(tls);
        trusting = HttpClient.newBuilder().sslContext(trustingTheCa(tlsDir.resolve(CaFiles.CA_CERT)))
            .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        tls.stop();
    }

    private void startServer(final boolean https) throws Exception {
        scheme = https ? "https" : "http";
        server = new AdminServer(system, FakeConfigStatus::new, () -> null, () -> null, () -> null, () -> null,
            tlsService::get, new AdminSettings("127.0.0.1", 0, 1024 * 1024, 5_000, 60_000, TOKEN, "", https),
            BearerToken.of(TOKEN), 300, java.util.List.of());
        server.start();
    }

    private static SSLContext trustingTheCa(final Path caFile) throws Exception {
        final KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private HttpResponse<String> get(final HttpClient client, final String scheme, final String path)
        throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(
                URI.create(scheme + "://127.0.0.1:" + server.boundAddress().getPort() + path))
            .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** GET /api/node as the operator's client does, in the scheme the API serves. */
    private JsonObject node() throws Exception {
        final HttpResponse<String> response = get(trusting, scheme, "/api/node");
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    @Test
    void shouldServeHttpsWithTheNodesCertificateToAClientThatTrustsTheCa() throws Exception {
        startServer(true);
        final HttpResponse<String> response = get(trusting, "https", "/api/node");
        assertEquals(200, response.statusCode());
        final Certificate served = response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(tls.certificates().get(0).sha256(), HexFormat.ofDelimiter(":").withUpperCase()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(served.getEncoded())), "the node's own");
        final JsonObject admin = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("admin");
        assertTrue(admin.get("https").getAsBoolean());
        assertEquals("bearer", admin.get("auth").getAsString());
    }

    @Test
    void shouldShowTheCertificatesInUseInGetNode() throws Exception {
        startServer(true);
        final JsonObject json = node().getAsJsonObject("tls");
        assertTrue(json.get("enabled").getAsBoolean());
        assertEquals(0, json.get("reloads").getAsLong());
        assertEquals(0, json.get("refusedReloads").getAsLong());
        final JsonArray certificates = json.getAsJsonArray("certificates");
        assertEquals(2, certificates.size(), "the node's, then the CA's");
        final JsonObject own = certificates.get(0).getAsJsonObject();
        assertEquals("node", own.get("role").getAsString());
        assertEquals(tls.certificates().get(0).subject(), own.get("subject").getAsString());
        assertTrue(own.getAsJsonArray("names").toString().contains("urn:hamlet:node:node1"), own.toString());
        assertTrue(own.getAsJsonArray("names").toString().contains("127.0.0.1"), own.toString());
        assertEquals(tls.certificates().get(0).sha256(), own.get("sha256").getAsString());
        assertEquals(30, own.get("expiresInDays").getAsLong(), "30 days and an hour left: 30 whole days");
        assertEquals(tls.certificates().get(0).notAfter().toString(), own.get("notAfter").getAsString());
        assertEquals(CaFiles.nodeCert(tlsDir, "node1").toString(), own.get("file").getAsString());
        assertEquals("ca", certificates.get(1).getAsJsonObject().get("role").getAsString());
        assertEquals(364, certificates.get(1).getAsJsonObject().get("expiresInDays").getAsLong());
    }

    @Test
    void shouldRefusePlainHttpOnTheHttpsPortAndCountIt() throws Exception {
        startServer(true);
        final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> get(plain, "http", "/api/node"));
        // The JDK client tries a GET again on a closed connection: count one connection of our own.
        final long before = refused("not-tls");
        assertTrue(before >= 1, "counted");
        try (Socket socket = new Socket("127.0.0.1", server.boundAddress().getPort())) {
            socket.getOutputStream().write("GET /api/node HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, readToEnd(socket), "closed without an HTTP answer");
        }
        assertEquals(before + 1, refused("not-tls"));
        assertEquals(0, node().getAsJsonObject("admin").getAsJsonObject("counters").get("unauthorized").getAsLong());
    }

    private long refused(final String reason) throws Exception {
        final JsonObject counters = node().getAsJsonObject("admin").getAsJsonObject("counters");
        return counters.has("refused.tls." + reason) ? counters.get("refused.tls." + reason).getAsLong() : 0;
    }

    /** @return -1 once the peer closed, having sent nothing; or the first byte it sent */
    private static int readToEnd(final Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            return socket.getInputStream().read();
        } catch (final java.net.SocketException e) {
            return -1; // reset rather than closed: refused all the same
        }
    }

    @Test
    void shouldCountTlsSentToThePlainPort() throws Exception {
        startServer(false);
        assertThrows(IOException.class, () -> get(trusting, "https", "/api/node"));
        final long before = refused("tls-to-plain");
        assertTrue(before >= 1, "counted");
        try (SSLSocket socket = (SSLSocket) trustingTheCa(tlsDir.resolve(CaFiles.CA_CERT)).getSocketFactory()
            .createSocket("127.0.0.1", server.boundAddress().getPort())) {
            assertThrows(IOException.class, socket::startHandshake);
        }
        assertEquals(before + 1, refused("tls-to-plain"));
    }

    @Test
    void shouldNotListenWithHttpsUntilTlsRunsRatherThanFallBackToPlainHttp() throws Exception {
        tlsService.set(null);
        startServer(true);
        assertNull(server.boundAddress(), "no TLS service: not listening at all");
        tlsService.set(DisabledTls.INSTANCE);
        server.tlsChanged();
        assertNull(server.boundAddress(), "TLS off: still not listening");
        tlsService.set(tls);
        server.tlsChanged();
        assertEquals(200, get(trusting, "https", "/api/node").statusCode());
    }

    @Test
    void shouldLeaveTheSharedTlsFactoryRunningWhenItStops() throws Exception {
        startServer(true);
        server.stop();
        server = null;
        assertTrue(tls.adminServer().isRunning(), "the tls bundle's factory, shared, is not the API's to stop");
    }

    @Test
    void shouldShowTlsOffWithoutCertificatesWhenDisabledOrAbsent() throws Exception {
        tlsService.set(DisabledTls.INSTANCE);
        startServer(false);
        JsonObject json = node().getAsJsonObject("tls");
        assertFalse(json.get("enabled").getAsBoolean());
        assertEquals(0, json.getAsJsonArray("certificates").size());
        tlsService.set(null);
        json = node().getAsJsonObject("tls");
        assertFalse(json.get("enabled").getAsBoolean());
        assertEquals(0, json.getAsJsonArray("certificates").size());
    }
}
