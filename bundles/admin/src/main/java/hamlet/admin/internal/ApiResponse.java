package hamlet.admin.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Map;

/**
 * One answer of the API, before it is written: status, JSON body and any extra headers. Immutable.
 *
 * @param status the HTTP status
 * @param body the JSON body; for a status of 400 or more, an object with an {@code "error"} member
 * @param headers extra response headers (Allow, Location), never {@code null}
 */
public record ApiResponse(int status, JsonElement body, Map<String, String> headers) {
    /** Normalizes the headers to an immutable map. */
    public ApiResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /**
     * @param status a 2xx status
     * @param body the JSON body
     * @return the response
     */
    static ApiResponse of(final int status, final JsonElement body) {
        return new ApiResponse(status, body, Map.of());
    }

    /**
     * @param status a 4xx or 5xx status
     * @param message what was wrong
     * @return the response with body {@code {"error": message}}
     */
    static ApiResponse error(final int status, final String message) {
        return new ApiResponse(status, Json.error(message), Map.of());
    }

    /** @return the error text of an error response, or {@code null} */
    String errorMessage() {
        if (body instanceof JsonObject && ((JsonObject) body).has("error")) {
            final JsonElement error = ((JsonObject) body).get("error");
            return error.isJsonPrimitive() ? error.getAsString() : error.toString();
        }
        return null;
    }
}
