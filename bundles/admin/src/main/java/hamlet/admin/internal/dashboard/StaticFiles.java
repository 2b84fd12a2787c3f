package hamlet.admin.internal.dashboard;

import hamlet.admin.internal.RawRoute;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard page's files, read from the bundle once and served from memory: {@code GET /} (the page),
 * {@code /dashboard/*.js} and {@code .css}. No build step and nothing from another host: the page's Content Security
 * Policy allows only this origin. Each answer has its content type, {@code Cache-Control: no-cache} and an ETag, so a
 * browser revalidates (304) and a new bundle's files are taken at once.
 *
 * <p>{@link #open}: served without the bearer token, since the files carry no data of the node (the data comes
 * through the event stream, which needs the token); so the page can load and ask for the token. Thread-safe
 * (immutable after construction).
 */
public final class StaticFiles implements RawRoute {
    /** Where the files are in the bundle. */
    static final String FOLDER = "/hamlet/admin/dashboard/";
    /**
     * Only this origin, no inline script or style, no plugins, no framing. The page draws its charts as SVG
     * elements and sets styles through the DOM, which this allows.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private record File(byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, File> files = new LinkedHashMap<>();

    /** Reads the files from the bundle's class path. */
    public StaticFiles() {
        final File page = load("index.html", "text/html; charset=utf-8");
        files.put("/", page);
        files.put("/index.html", page);
        files.put("/dashboard/app.js", load("app.js", "text/javascript; charset=utf-8"));
        files.put("/dashboard/chart.js", load("chart.js", "text/javascript; charset=utf-8"));
        files.put("/dashboard/style.css", load("style.css", "text/css; charset=utf-8"));
        files.put("/favicon.ico", load("favicon.svg", "image/svg+xml"));
    }

    @Override
    public boolean open() {
        return true;
    }

    @Override
    public boolean handle(final String path, final Request request, final Response response,
                          final Callback callback) {
        final File file = files.get(path);
        final String method = request.getMethod();
        if (file == null || !("GET".equals(method) || "HEAD".equals(method))) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.ETAG, file.etag());
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        final String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && ifNoneMatch.contains(file.etag())) {
            response.setStatus(304);
            response.write(true, null, callback);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, file.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, file.bytes().length);
        response.write(true, "HEAD".equals(method) ? null : ByteBuffer.wrap(file.bytes()).asReadOnlyBuffer(),
            callback);
        return true;
    }

    private static File load(final String name, final String contentType) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("the admin bundle lacks " + FOLDER + name);
            }
            final byte[] bytes = in.readAllBytes();
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new File(bytes, contentType, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
