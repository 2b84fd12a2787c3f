package hamlet.admin.internal;

import hamlet.config.ConfigStatus;

import java.time.Instant;
import java.util.Optional;

/** A fixed ConfigStatus for tests; the rejection can be set. */
final class FakeConfigStatus implements ConfigStatus {
    volatile Rejection rejection;

    @Override
    public String file() {
        return "/opt/hamlet/conf/node.conf";
    }

    @Override
    public String effective() {
        return "hamlet { node { id = node1, host = 127.0.0.1, port = 7701 } }";
    }

    @Override
    public String effectiveJson() {
        return "{\"node\":{\"id\":\"node1\",\"host\":\"127.0.0.1\",\"port\":7701},"
            + "\"admin\":{\"host\":\"127.0.0.1\",\"port\":7780}}";
    }

    @Override
    public Instant appliedAt() {
        return Instant.parse("2026-01-02T03:04:05Z");
    }

    @Override
    public long appliedCount() {
        return 3;
    }

    @Override
    public long rejectedCount() {
        return rejection == null ? 0 : 1;
    }

    @Override
    public Optional<Rejection> lastRejection() {
        return Optional.ofNullable(rejection);
    }
}
