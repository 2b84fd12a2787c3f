package hamlet.admin.internal.dashboard;

import com.google.gson.JsonObject;
import hamlet.admin.internal.RawRoute;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;

/**
 * {@code GET /api/dashboard/events}: the dashboard's server-sent events ({@code init} once, then {@code tick} every
 * second and {@code events} when there are new ones). Behind the bearer token like the JSON API: a page reads it
 * with {@code fetch()}, which can send the header, where {@code EventSource} cannot. When the stream has its
 * maximum of clients, 503.
 *
 * <p>Threading: {@link #handle} on a Jetty thread; it holds no thread once it returns.
 */
public final class EventsRoute implements RawRoute {
    /** The path. */
    public static final String PATH = "/api/dashboard/events";

    private final EventStream stream;
    private final DashboardAgent agent;

    /**
     * @param stream the connected pages
     * @param agent the dashboard that feeds them
     */
    public EventsRoute(final EventStream stream, final DashboardAgent agent) {
        this.stream = stream;
        this.agent = agent;
    }

    @Override
    public boolean handle(final String path, final Request request, final Response response,
                          final Callback callback) {
        if (!PATH.equals(path)) {
            return false;
        }
        if (!"GET".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            refuse(response, callback, 405, "GET " + PATH + " only");
            return true;
        }
        final EventStream.Client client = stream.open(response, callback);
        if (client == null) {
            refuse(response, callback, 503, "the dashboard has as many pages connected as it takes; close one");
            return true;
        }
        if (!agent.connect(client)) {
            client.abort(new IOException("the dashboard is stopping"));
        }
        return true;
    }

    private static void refuse(final Response response, final Callback callback, final int status,
                               final String message) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        final JsonObject json = new JsonObject();
        json.addProperty("error", message);
        Content.Sink.write(response, true, json.toString(), callback);
    }
}
