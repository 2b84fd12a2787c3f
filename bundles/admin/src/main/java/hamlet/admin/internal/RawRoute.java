package hamlet.admin.internal;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A path the admin port serves with its own response instead of JSON from {@link AdminApi}: the Prometheus
 * exposition, the dashboard's files, its event stream. {@link AdminHandler} offers every request that passed the
 * bearer-token check to these first, in order.
 *
 * <p>Threading: called on a Jetty thread; an implementation completes {@code callback} exactly once when it took
 * the request, possibly later on another thread.
 */
public interface RawRoute {
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
