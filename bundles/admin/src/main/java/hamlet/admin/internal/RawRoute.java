package hamlet.admin.internal;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A path the admin port serves with its own response instead of JSON from {@link AdminApi}: the Prometheus
 * exposition, the dashboard's files, its event stream. {@link AdminHandler} offers every request that passed the
 * bearer-token check to these first, in order; a route that is {@link #open} is offered every request before that
 * check.
 *
 * <p>Threading: called on a Jetty thread; an implementation completes {@code callback} exactly once when it took
 * the request, possibly later on another thread.
 */
public interface RawRoute {
    /**
     * Whether this route is served without the bearer token: only for what carries no data of the node (the
     * dashboard's page and scripts, so that the page can load and ask for the token).
     *
     * @return false unless the route says otherwise
     */
    default boolean open() {
        return false;
    }

    /**
     * @param path the request's path in context
     * @param request the request
     * @param response the response
     * @param callback to complete once the response is written
     * @return true when this route took the request
     * @throws Exception when it failed before writing anything (answered 500 by the handler)
     */
    boolean handle(String path, Request request, Response response, Callback callback) throws Exception;
}
