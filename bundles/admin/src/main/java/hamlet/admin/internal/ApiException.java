package hamlet.admin.internal;

import com.google.gson.JsonObject;

/**
 * A request the API refuses, with the status and the error to answer. Thrown by the endpoint code and turned into
 * a response at one place ({@link AdminApi}); never escapes to Jetty.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient JsonObject body;

    /**
     * @param status the HTTP status, 4xx or 5xx
     * @param message what was wrong, for the client
     */
    ApiException(final int status, final String message) {
        this(status, Json.error(message));
    }

    /**
     * @param status the HTTP status, 4xx or 5xx
     * @param body the error body, with an {@code "error"} member and possibly more
     */
    ApiException(final int status, final JsonObject body) {
        super(body.get("error").getAsString(), null, false, false);
        this.status = status;
        this.body = body;
    }

    /** @return the response to send */
    ApiResponse response() {
        return ApiResponse.of(status, body);
    }
}
