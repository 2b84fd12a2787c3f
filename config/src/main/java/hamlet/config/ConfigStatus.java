package hamlet.config;

import java.time.Instant;
import java.util.Optional;

/**
 * What config is in force and how the last edit went. An OSGi service of the config bundle, read by the admin API
 * ({@code GET /api/config}) and the shell ({@code config:show}). Thread-safe; returns immutable values.
 */
public interface ConfigStatus {
    /** @return the file being watched, e.g. {@code /opt/hamlet/conf/node.conf} */
    String file();

    /**
     * @return the config in force, the {@code hamlet} subtree only, as HOCON text rooted at {@code hamlet} with
     *     comments naming where each value came from (the file and line, a bundle's reference.conf, an
     *     environment variable or a system property); every secret that is set shown as {@code "<redacted>"}
     *     ({@link Secrets}), an unset one as {@code ""}
     */
    String effective();

    /**
     * @return the config in force as concise JSON text (one line), the {@code hamlet} subtree only, rooted at
     *     {@code hamlet}: {@code {"hamlet":{"admin":{"host":"127.0.0.1","port":7780},...}}}; secrets as in
     *     {@link #effective()}
     */
    String effectiveJson();

    /** @return when the config in force was applied */
    Instant appliedAt();

    /** @return how many edits were applied since start, counting the first load */
    long appliedCount();

    /** @return how many edits were refused since start */
    long rejectedCount();

    /**
     * @return how many times the config bundle's watcher failed on its own (a fault of the bundle or of a
     *     validator's bundle, not of an edit, which is a refusal) since start; the watcher goes on after each, and
     *     logs each distinct one. 0 from an implementation older than this method.
     * @since 1.2
     */
    default long watcherFailures() {
        return 0;
    }

    /**
     * @return the last refusal since the config in force was applied: set when an edit (or a reload after bundles
     *     came or went) is refused, kept while later edits are refused too (the newest one shown), cleared by the
     *     next successful apply. At start, a broken file stops a node started by the Hamlet launcher (it prints
     *     the refusal as one line and exits 2, nothing having been pushed); under another launcher it leaves the
     *     node on defaults and overrides with the refusal shown here.
     */
    Optional<Rejection> lastRejection();

    /**
     * One refused edit.
     *
     * @param file the file that held the error (or the override, e.g. {@code environment variable HAMLET_X})
     * @param line the line of the error, or -1 when unknown
     * @param message what was wrong, naming the key when there is one, ending with {@code (line N)} when the line
     *     is known, e.g. {@code unknown key hamlet.registry.trhoughput (line 12)}
     * @param at when the edit was refused
     */
    record Rejection(String file, int line, String message, Instant at) {
    }
}
