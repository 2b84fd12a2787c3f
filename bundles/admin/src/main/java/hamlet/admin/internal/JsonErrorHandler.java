package hamlet.admin.internal;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Answers the errors Jetty finds itself, before our handler sees a request (a request line it cannot parse, a bad
 * URI encoding, headers too large), with the API's JSON error shape instead of an HTML page. Counted like ours.
 *
 * <p>Public because Jetty is another bundle and calls it. Threading: Jetty's threads, concurrently.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final ErrorStats stats;
    private final Supplier<String> nodeId;

    /**
     * @param stats where every error answered here is counted
     * @param nodeId the node's id, for log lines
     */
    public JsonErrorHandler(final ErrorStats stats, final Supplier<String> nodeId) {
        this.stats = stats;
        this.nodeId = nodeId;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(final Request request, final Response response, final int code,
                                    final String message, final Throwable cause, final Callback callback) {
        final String text = describe(code, message);
        stats.record(code);
        LOG.debug("[{}] admin {} {} -> {}: {}", nodeId.get(), request.getMethod(), request.getHttpURI().getPath(),
            code, text);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        Content.Sink.write(response, true, Json.GSON.toJson(Json.error(text)), callback);
    }

    @Override
    public ByteBuffer badMessageError(final int status, final String reason, final HttpFields.Mutable fields) {
        final String text = describe(status, reason);
        stats.record(status);
        LOG.debug("[{}] admin bad HTTP message -> {}: {}", nodeId.get(), status, text);
        fields.put(HttpHeader.CONTENT_TYPE, JSON);
        return ByteBuffer.wrap(Json.GSON.toJson(Json.error(text)).getBytes(StandardCharsets.UTF_8));
    }

    private static String describe(final int code, final String message) {
        final String standard = HttpStatus.getMessage(code);
        final String what = code >= 500 ? "HTTP server error: " : "bad HTTP request: ";
        return message == null || message.isBlank() || message.equals(standard)
            ? what + code + " " + standard
            : what + message;
    }
}
