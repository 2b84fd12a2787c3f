package hamlet.admin.internal;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * The Jetty side of the admin API, kept thin: reads a bounded body without blocking, hands method, path and body
 * to {@link AdminApi}, and writes the answer when its stage completes. Counts and logs every error answer.
 *
 * <p>Public because Jetty is another bundle and calls it. Threading: {@link #handle} runs on a Jetty thread; the
 * answer is written on a Jetty thread too (never on the thread that completed an ask, which may be an actor's).
 */
public final class AdminHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final AdminApi api;
    private final ErrorStats stats;
    private final IntSupplier maxBodyBytes;

    /**
     * @param api the API's logic
     * @param stats where every answer is counted
     * @param maxBodyBytes the body limit in force, read per request so that a live edit applies at once
     */
    public AdminHandler(final AdminApi api, final ErrorStats stats, final IntSupplier maxBodyBytes) {
        this.api = api;
        this.stats = stats;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(final Request request, final Response response, final Callback callback) {
        final Exchange exchange = new Exchange(request, response, callback);
        try {
            final AdminApi.Route route = api.route(request.getMethod(), Request.getPathInContext(request));
            if (!route.needsBody()) {
                exchange.answerWhenDone(api.answer(route, null));
                return true;
            }
            final int max = maxBodyBytes.getAsInt();
            if (request.getLength() > max) {
                exchange.send(AdminApi.tooLarge(max));
                return true;
            }
            new BodyReader(request, max, exchange, route).read();
        } catch (final RuntimeException e) {
            LOG.warn("[{}] admin API failed on {} {}: {}", api.nodeId(), exchange.method, exchange.path, e.toString());
            exchange.send(ApiResponse.error(500, "internal error: " + e));
        }
        return true;
    }

    /** One request and its response: sends exactly once, counts and logs the answer. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final String method;
        private final String path;
        private final AtomicBoolean sent = new AtomicBoolean();

        Exchange(final Request request, final Response response, final Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.method = request.getMethod();
            this.path = request.getHttpURI().getPath();
        }

        void answerWhenDone(final CompletionStage<ApiResponse> answer) {
            final Executor jetty = request.getComponents().getExecutor();
            answer.whenCompleteAsync((result, failure) -> send(failure == null ? result
                : ApiResponse.error(500, "internal error: " + failure)), jetty);
        }

        void send(final ApiResponse answer) {
            if (!sent.compareAndSet(false, true)) {
                return;
            }
            stats.record(answer.status());
            if (answer.status() >= 500) {
                LOG.info("[{}] admin {} {} -> {}: {}", api.nodeId(), method, path, answer.status(),
                    answer.errorMessage());
            } else if (answer.status() >= 400) {
                LOG.debug("[{}] admin {} {} -> {}: {}", api.nodeId(), method, path, answer.status(),
                    answer.errorMessage());
            }
            try {
                response.setStatus(answer.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
                answer.headers().forEach(response.getHeaders()::put);
                Content.Sink.write(response, true, Json.GSON.toJson(answer.body()), callback);
            } catch (final RuntimeException e) {
                callback.failed(e);
            }
        }

        void failed(final Throwable failure) {
            if (sent.compareAndSet(false, true)) {
                LOG.debug("[{}] admin {} {}: request body not read: {}", api.nodeId(), method, path,
                    failure.toString());
                callback.failed(failure);
            }
        }
    }

    /**
     * Reads a request body up to a limit, without blocking: takes the chunks that are there and asks Jetty to call
     * back when more arrive. Over the limit it stops reading and answers 413.
     */
    private final class BodyReader {
        private final Request request;
        private final int max;
        private final Exchange exchange;
        private final AdminApi.Route route;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BodyReader(final Request request, final int max, final Exchange exchange, final AdminApi.Route route) {
            this.request = request;
            this.max = max;
            this.exchange = exchange;
            this.route = route;
        }

        void read() {
            try {
                readAvailable();
            } catch (final RuntimeException e) {
                LOG.warn("[{}] admin API failed reading {} {}: {}", api.nodeId(), exchange.method, exchange.path,
                    e.toString());
                exchange.send(ApiResponse.error(500, "internal error: " + e));
            }
        }

        private void readAvailable() {
            while (true) {
                final Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this::read);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    exchange.failed(chunk.getFailure());
                    return;
                }
                final ByteBuffer buffer = chunk.getByteBuffer();
                final boolean tooLarge = bytes.size() + (long) buffer.remaining() > max;
                if (!tooLarge) {
                    final byte[] part = new byte[buffer.remaining()];
                    buffer.get(part);
                    bytes.write(part, 0, part.length);
                }
                final boolean last = chunk.isLast();
                chunk.release();
                if (tooLarge) {
                    exchange.send(AdminApi.tooLarge(max));
                    return;
                }
                if (last) {
                    exchange.answerWhenDone(api.answer(route, bytes.toByteArray()));
                    return;
                }
            }
        }
    }
}
