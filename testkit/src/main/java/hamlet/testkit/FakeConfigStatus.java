package hamlet.testkit;

import hamlet.config.ConfigStatus;

import java.time.Instant;
import java.util.Optional;

/** A fixed ConfigStatus for tests: what is in force is given at construction; the last rejection can be set. */
public class FakeConfigStatus implements ConfigStatus {
    public static final String FILE = "/opt/hamlet/conf/node.conf";
    public static final Instant APPLIED_AT = Instant.parse("2026-01-02T03:04:05Z");

    private final String effective;
    private final String effectiveJson;
    private final long appliedCount;
    private volatile Rejection rejection;

    /** Node and admin sections in force, applied 3 times. */
    public FakeConfigStatus() {
        this("hamlet { node { id = node1, host = 127.0.0.1, port = 7701 } }",
            "{\"node\":{\"id\":\"node1\",\"host\":\"127.0.0.1\",\"port\":7701},"
                + "\"admin\":{\"host\":\"127.0.0.1\",\"port\":7780}}",
            3);
    }

    public FakeConfigStatus(final String effective, final String effectiveJson, final long appliedCount) {
        this.effective = effective;
        this.effectiveJson = effectiveJson;
        this.appliedCount = appliedCount;
    }

    /** Sets the last rejection ({@code null}: none); the rejected count follows it. */
    public FakeConfigStatus reject(final Rejection last) {
        this.rejection = last;
        return this;
    }

    @Override
    public String file() {
        return FILE;
    }

    @Override
    public String effective() {
        return effective;
    }

    @Override
    public String effectiveJson() {
        return effectiveJson;
    }

    @Override
    public Instant appliedAt() {
        return APPLIED_AT;
    }

    @Override
    public long appliedCount() {
        return appliedCount;
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
