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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The Jetty side of the admin API, kept thin: refuses a request without the bearer token (401, before anything
 * else, so that a caller without it learns nothing of the paths), reads a bounded body without blocking, hands
 * method, path and body to {@link AdminApi}, and writes the answer when its stage completes. Counts and logs every
 * error answer; refusals are logged at most once per {@link #REFUSAL_LOG_INTERVAL_NS} and reason.
 *
 * <p>Public because Jetty is another bundle and calls it. Threading: {@link #handle} runs on a Jetty thread; the
 * answer is written on a Jetty thread too (never on the thread that completed an ask, which may be an actor's).
 */
public final class AdminHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final String JSON = "application/json; charset=utf-8";
    /** Ten seconds: a client retrying in a loop leaves one line per reason that often, with the count left out. */
    static final long REFUSAL_LOG_INTERVAL_NS = 10_000_000_000L;
    /** RFC 6750: what a 401 of a bearer-token API says it wants. */
    private static final String CHALLENGE = "Bearer realm=\"hamlet-admin\"";

    private final AdminApi api;
    private final ErrorStats stats;
    private final IntSupplier maxBodyBytes;
    private final Supplier<BearerToken> token;
    private final LogLimiter refusals;
    private final List<RawRoute> rawRoutes;

    /**
     * @param api the API's logic
     * @param stats where every answer is counted
     * @param maxBodyBytes the body limit in force, read per request so that a live edit applies at once
     * @param token the bearer token in force, read per request for the same reason
     * @param refusals limits the log lines of refused requests
     * @param rawRoutes paths that write their own response, offered each request (after the token check) first
     */
    public AdminHandler(final AdminApi api, final ErrorStats stats, final IntSupplier maxBodyBytes,
                        final Supplier<BearerToken> token, final LogLimiter refusals, final List<RawRoute> rawRoutes) {
        this.api = api;
        this.stats = stats;
        this.maxBodyBytes = maxBodyBytes;
        this.token = token;
        this.refusals = refusals;
        this.rawRoutes = List.copyOf(rawRoutes);
    }

    @Override
    public boolean handle(final Request request, final Response response, final Callback callback) {
        final Exchange exchange = new Exchange(request, response, callback);
        if (openRoute(request, response, callback, exchange)) {
            return true;
        }
        final BearerToken.Verdict verdict = token.get().check(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (verdict != BearerToken.Verdict.ACCEPTED) {
            refuse(exchange, verdict);
            return true;
        }
        try {
            final String path = Request.getPathInContext(request);
            for (final RawRoute raw : rawRoutes) {
                if (!raw.open() && raw.handle(path, request, response, callback)) {
                    return true;
                }
            }
            final AdminApi.Route route = api.route(request.getMethod(), path);
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
        } catch (final Exception e) {
            LOG.warn("[{}] admin API failed on {} {}: {}", api.nodeId(), exchange.method, exchange.path, e.toString());
            exchange.send(ApiResponse.error(500, "internal error: " + e));
        }
        return true;
    }

    /** @return whether a route served without the token took the request (the dashboard's static files) */
    private boolean openRoute(final Request request, final Response response, final Callback callback,
                              final Exchange exchange) {
        final String path = Request.getPathInContext(request);
        for (final RawRoute raw : rawRoutes) {
            try {
                if (raw.open() && raw.handle(path, request, response, callback)) {
                    return true;
                }
            } catch (final Exception e) {
                LOG.warn("[{}] admin API failed on {} {}: {}", api.nodeId(), exchange.method, exchange.path,
                    e.toString());
                exchange.send(ApiResponse.error(500, "internal error: " + e));
                return true;
            }
        }
        return false;
    }

    /** 401: counted, logged (rate-limited, without what was presented), with the challenge RFC 6750 asks for. */
    private void refuse(final Exchange exchange, final BearerToken.Verdict verdict) {
        stats.unauthorized();
        final long skipped = refusals.admit(verdict.name());
        if (skipped != LogLimiter.SKIP) {
            LOG.warn("[{}] admin API refused {} {} from {}: {} (401){}", api.nodeId(), exchange.method,
                exchange.path, Request.getRemoteAddr(exchange.request), verdict.reason(), LogLimiter.suffix(skipped));
        }
        final String challenge = verdict == BearerToken.Verdict.WRONG
            ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE;
        exchange.send(new ApiResponse(401, Json.error("this API needs \"Authorization: Bearer <token>\" with the"
            + " token of hamlet.admin.token or token-file; the request had " + verdict.reason()),
            Map.of(HttpHeader.WWW_AUTHENTICATE.asString(), challenge)));
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
