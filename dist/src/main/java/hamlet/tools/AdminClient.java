package hamlet.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A client of one node's admin HTTP API (JSON in, JSON out). Thread-safe: HttpClient is. */
public final class AdminClient {
    /** One request may take this long; an ask carries its own, shorter, timeout inside. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final URI base;
    private final HttpClient http;

    /** @param base e.g. http://127.0.0.1:7780 */
    public AdminClient(final URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
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
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).GET().build());
    }

    public Response post(final String path, final Object body) throws IOException, InterruptedException {
        return send(postRequest(path, body));
    }

    /** For many requests in flight at once, as the demo's job run has. */
    public CompletableFuture<Response> postAsync(final String path, final Object body) {
        return http.sendAsync(postRequest(path, body), HttpResponse.BodyHandlers.ofString())
            .thenApply(r -> new Response(r.statusCode(), r.body()));
    }

    private HttpRequest postRequest(final String path, final Object body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    }

    private Response send(final HttpRequest request) throws IOException, InterruptedException {
        final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }
}
