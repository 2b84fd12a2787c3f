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

    /** @return the config in force, as HOCON text with comments naming where each value came from */
    String effective();

    /** @return the config in force as JSON text, the {@code hamlet} subtree only */
    String effectiveJson();

    /** @return when the config in force was applied */
    Instant appliedAt();

    /** @return how many edits were applied since start, counting the first load */
    long appliedCount();

    /** @return how many edits were refused since start */
    long rejectedCount();

    /** @return the last refusal, if the edit after the config in force was refused */
    Optional<Rejection> lastRejection();

    /**
     * One refused edit.
     *
     * @param file the file that held the error
     * @param line the line of the error, or -1 when unknown
     * @param message what was wrong, naming the key when there is one
     * @param at when the edit was refused
     */
    record Rejection(String file, int line, String message, Instant at) {
    }
}
