package hamlet.tools;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * A client of one node's admin HTTP API (JSON in, JSON out): plain HTTP on loopback as the demo runs it, or with
 * the bearer token of {@code hamlet.admin.token} and, for {@code hamlet.admin.https}, HTTPS trusting the cluster
 * CA. Thread-safe: HttpClient is.
 */
public final class AdminClient {
    /** One request may take this long; an ask carries its own, shorter, timeout inside. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final URI base;
    private final HttpClient http;
    /** The Authorization header's value, or null to send none. */
    private final String authorization;

    /** @param base e.g. http://127.0.0.1:7780 */
    public AdminClient(final URI base) {
        this(base, null);
    }

    /**
     * @param base e.g. http://10.0.0.5:7780
     * @param token the node's {@code hamlet.admin.token} (or its token file's content), sent with every request;
     *     {@code null} or empty to send none
     */
    public AdminClient(final URI base, final String token) {
        this(base, token, HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build());
    }

    private AdminClient(final URI base, final String token, final HttpClient http) {
        this.base = base;
        this.http = http;
        this.authorization = token == null || token.isEmpty() ? null : "Bearer " + token;
    }

    /**
     * A client of a node that serves its API over HTTPS ({@code hamlet.admin.https = true}): it trusts the CAs in
     * {@code caFile} only, and checks that the node's certificate names the host of {@code base} (so give the host
     * or address the certificate was issued for, e.g. 127.0.0.1).
     *
     * @param base e.g. https://127.0.0.1:7780
     * @param token the bearer token, {@code null} or empty for none
     * @param caFile the cluster CA's certificate(s) in PEM, e.g. conf/tls/ca.crt
     * @return the client
     * @throws IOException when the file cannot be read or holds no certificate
     */
    public static AdminClient https(final URI base, final String token, final Path caFile) throws IOException {
        if (!"https".equalsIgnoreCase(base.getScheme())) {
            throw new IllegalArgumentException("an HTTPS client needs an https:// address, got " + base);
        }
        return new AdminClient(base, token, HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .sslContext(trusting(caFile)).build());
    }

    /** @return TLS that trusts the certificates in {@code caFile} and nothing else */
    private static SSLContext trusting(final Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            final Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509")
                .generateCertificates(in);
            if (cas.isEmpty()) {
                throw new IOException(caFile + " holds no certificate");
            }
            final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (final Certificate ca : cas) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            final TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (final GeneralSecurityException e) {
            throw new IOException(caFile + " cannot be used as trusted CAs: " + e.getMessage(), e);
        }
    }

    /** One answer of the API. */
    public record Response(int status, String body) {
        /** The body parsed; an unparsable body becomes {"error": "<body>"} so callers need one code path. */
        public Object json() {
            try {
                return Json.parse(body);
            } catch (final IllegalArgumentException e) {
                return java.util.Map.of("error", body);
            }
        }
    }

    public URI base() {
        return base;
    }

    public Response get(final String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    public Response post(final String path, final Object body) throws IOException, InterruptedException {
        return send(postRequest(path, body));
    }

    /** For many requests in flight at once, as the demo's job run has. */
    public CompletableFuture<Response> postAsync(final String path, final Object body) {
        return http.sendAsync(postRequest(path, body), HttpResponse.BodyHandlers.ofString())
            .thenApply(r -> new Response(r.statusCode(), r.body()));
    }

    private HttpRequest.Builder request(final String path) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private HttpRequest postRequest(final String path, final Object body) {
        return request(path).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    }

    private Response send(final HttpRequest request) throws IOException, InterruptedException {
        final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    @Override
    public String toString() {
        // The token stays out of whatever prints a client.
        return "AdminClient[" + base + (authorization == null ? "" : ", bearer token") + "]";
    }
}
