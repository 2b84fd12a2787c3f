package hamlet.admin.internal;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format, or in OpenMetrics when the Accept header asks
 * for {@code application/openmetrics-text} (as Prometheus does when it can read it), written by the client
 * library's writers. Created timestamps are left out: Hamlet's counters start with the bundle.
 *
 * <p>Threading: a Jetty thread; the page is built in memory (a node's page is some tens of kilobytes) and then
 * written without blocking.
 */
final class MetricsRoute implements RawRoute {
    static final String PATH = "/metrics";
    private static final String OPEN_METRICS = "application/openmetrics-text";

    private final PrometheusRegistry registry;
    private final ExpositionFormatWriter text = PrometheusTextFormatWriter.create();
    private final ExpositionFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

    /** @param registry what to serve */
    MetricsRoute(final PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean handle(final String path, final Request request, final Response response,
                          final Callback callback) throws Exception {
        if (!PATH.equals(path)) {
            return false;
        }
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            response.setStatus(HttpStatus.METHOD_NOT_ALLOWED_405);
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            response.write(true, ByteBuffer.wrap("only GET reads /metrics\n".getBytes(StandardCharsets.UTF_8)),
                callback);
            return true;
        }
        final ExpositionFormatWriter writer = writerFor(request.getHeaders().get(HttpHeader.ACCEPT));
        final ByteArrayOutputStream page = new ByteArrayOutputStream(64 * 1024);
        writer.write(page, registry.scrape());
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, writer.getContentType());
        final ByteBuffer body = "HEAD".equals(request.getMethod()) ? ByteBuffer.allocate(0)
            : ByteBuffer.wrap(page.toByteArray());
        response.write(true, body, callback);
        return true;
    }

    /**
     * @param accept the request's Accept header, or null
     * @return the OpenMetrics writer when asked for, else the Prometheus text writer
     */
    ExpositionFormatWriter writerFor(final String accept) {
        return accept != null && accept.contains(OPEN_METRICS) ? openMetrics : text;
    }
}
