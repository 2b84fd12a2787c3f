package hamlet.config.internal;

import hamlet.config.ConfigStatus;

import java.time.Instant;
import java.util.Optional;

/**
 * One immutable view of the config in force and how the last edit went; replaced whole on every change, so that a
 * reader on any thread sees a consistent set.
 */
record StatusSnapshot(String file, String effective, String effectiveJson, Instant appliedAt, long appliedCount,
                      long rejectedCount, Optional<Rejection> lastRejection) implements ConfigStatus {

    static StatusSnapshot initial(final String file) {
        return new StatusSnapshot(file, "", "{}", Instant.EPOCH, 0, 0, Optional.empty());
    }

    StatusSnapshot applied(final String newEffective, final String newJson, final Instant at) {
        return new StatusSnapshot(file, newEffective, newJson, at, appliedCount + 1, rejectedCount, Optional.empty());
    }

    StatusSnapshot rejected(final Rejection rejection) {
        return new StatusSnapshot(file, effective, effectiveJson, appliedAt, appliedCount, rejectedCount + 1,
            Optional.of(rejection));
    }
}
