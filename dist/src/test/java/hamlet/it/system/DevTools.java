package hamlet.it.system;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Chrome DevTools Protocol client over the JDK's WebSocket: one page target, attached in flat mode, with
 * its console errors and uncaught exceptions collected ({@code Runtime.consoleAPICalled} of type error or assert,
 * {@code Runtime.exceptionThrown}, {@code Log.entryAdded} of level error: failed loads, CSP violations). Calls wait
 * at most {@link #CALL_TIMEOUT}. Thread-safe: replies and events arrive on the WebSocket's thread.
 */
final class DevTools implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private String session;

    private DevTools(final URI browser) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(CALL_TIMEOUT)
            .buildAsync(browser, new Listener()).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * Connects to the browser and opens a page of the given size, with the console and exceptions watched.
     *
     * @param browser the browser's DevTools address
     */
    static DevTools openPage(final URI browser, final int width, final int height) throws Exception {
        final DevTools tools = new DevTools(browser);
        final JsonObject target = tools.call(null, "Target.createTarget", json("url", "about:blank"));
        final JsonObject attach = new JsonObject();
        attach.add("targetId", target.get("targetId"));
        attach.addProperty("flatten", true);
        tools.session = tools.call(null, "Target.attachToTarget", attach).get("sessionId").getAsString();
        tools.call("Runtime.enable", new JsonObject());
        tools.call("Log.enable", new JsonObject());
        tools.call("Page.enable", new JsonObject());
        tools.viewport(width, height);
        return tools;
    }

    /** Navigates the page, only ever to this machine. */
    void navigate(final String url) throws Exception {
        if (!url.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("the test browses 127.0.0.1 only, not " + url);
        }
        call("Page.navigate", json("url", url));
    }

    void viewport(final int width, final int height) throws Exception {
        final JsonObject metrics = new JsonObject();
        metrics.addProperty("width", width);
        metrics.addProperty("height", height);
        metrics.addProperty("deviceScaleFactor", 1);
        metrics.addProperty("mobile", false);
        call("Emulation.setDeviceMetricsOverride", metrics);
    }

    /**
     * @param expression JavaScript, evaluated in the page
     * @return its value (returned by value), or null when it threw or gave undefined
     */
    JsonElement evaluate(final String expression) throws Exception {
        final JsonObject params = json("expression", expression);
        params.addProperty("returnByValue", true);
        final JsonObject result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            return null;
        }
        final JsonObject value = result.getAsJsonObject("result");
        return value == null ? null : value.get("value");
    }

    /** @return a PNG of the whole page */
    byte[] screenshot() throws Exception {
        final JsonObject params = json("format", "png");
        params.addProperty("captureBeyondViewport", true);
        return Base64.getDecoder().decode(call("Page.captureScreenshot", params).get("data").getAsString());
    }

    /** @return the console errors and exceptions seen so far */
    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    JsonObject call(final String method, final JsonObject params) throws Exception {
        return call(session, method, params);
    }

    private JsonObject call(final String sessionId, final String method, final JsonObject params) throws Exception {
        final int id = ids.incrementAndGet();
        final JsonObject message = new JsonObject();
        message.addProperty("id", id);
        message.addProperty("method", method);
        message.add("params", params);
        if (sessionId != null) {
            message.addProperty("sessionId", sessionId);
        }
        final CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        pending.put(id, reply);
        synchronized (socket) {
            socket.sendText(message.toString(), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        final JsonObject answer = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.has("result") ? answer.getAsJsonObject("result") : new JsonObject();
    }

    private static JsonObject json(final String key, final String value) {
        final JsonObject json = new JsonObject();
        json.addProperty(key, value);
        return json;
    }

    private void onMessage(final JsonObject message) {
        if (message.has("id")) {
            final CompletableFuture<JsonObject> reply = pending.remove(message.get("id").getAsInt());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        final String method = message.has("method") ? message.get("method").getAsString() : "";
        final JsonObject params = message.has("params") ? message.getAsJsonObject("params") : new JsonObject();
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                final String type = params.get("type").getAsString();
                if ("error".equals(type) || "assert".equals(type)) {
                    error("console." + type + ": " + params.get("args"));
                }
            }
            case "Runtime.exceptionThrown" -> error("exception: " + params.get("exceptionDetails"));
            case "Log.entryAdded" -> {
                final JsonObject entry = params.getAsJsonObject("entry");
                if ("error".equals(entry.get("level").getAsString())) {
                    error("log: " + entry.get("text").getAsString() + (entry.has("url") ? " (" + entry.get("url")
                        .getAsString() + ")" : ""));
                }
            }
            default -> {
                // other events are not watched
            }
        }
    }

    private synchronized void error(final String line) {
        errors.add(line);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
    }

    /** Puts a message's parts together, then hands it on. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last) {
            text.append(data);
            if (last) {
                final String whole = text.toString();
                text.setLength(0);
                onMessage(JsonParser.parseString(whole).getAsJsonObject());
            }
            webSocket.request(1);
            return null;
        }
    }
}
