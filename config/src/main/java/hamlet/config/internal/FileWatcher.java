package hamlet.config.internal;

import java.util.Optional;

/**
 * Decides when the config file has changed and settled. A step function: the owner calls {@link #onTick(long)} with
 * the current nano time as often as it likes; the watcher looks at the file once per poll interval and reports a
 * new state only after the file has looked the same for the settle time. A file caught half-written (an editor's
 * save, a copy in progress) keeps changing between looks, so it is never reported.
 *
 * <p>Threading: confined to its owner (the config bundle's watcher thread, or a test).
 */
final class FileWatcher {
    private final FileSource source;
    private long pollIntervalNs;
    private long settleTimeNs;

    private long nextPollNs;
    private FileState.Fingerprint seen;
    private long seenSinceNs;
    private FileState.Fingerprint reported;

    FileWatcher(final FileSource source, final ConfigSettings settings) {
        this.source = source;
        timing(settings);
    }

    /** Takes new timing from the config in force; the next look keeps to the deadline already set. */
    void timing(final ConfigSettings settings) {
        this.pollIntervalNs = settings.pollIntervalNs();
        this.settleTimeNs = settings.settleTimeNs();
    }

    /**
     * Starts from a state already handled (the first load), so that only later changes are reported.
     *
     * @param handled what the first load read
     * @param nowNs the current nano time
     */
    void prime(final FileState handled, final long nowNs) {
        seen = handled.fingerprint();
        reported = seen;
        seenSinceNs = nowNs;
        nextPollNs = nowNs + pollIntervalNs;
    }

    /**
     * @param nowNs the current nano time
     * @return the file's new state, once it has changed and stayed the same for the settle time; else empty
     */
    Optional<FileState> onTick(final long nowNs) {
        if (nowNs - nextPollNs < 0) {
            return Optional.empty();
        }
        nextPollNs = nowNs + pollIntervalNs;
        final FileState state = source.read();
        final FileState.Fingerprint fingerprint = state.fingerprint();
        if (!fingerprint.equals(seen)) {
            seen = fingerprint;
            seenSinceNs = nowNs;
        }
        if (!seen.equals(reported) && nowNs - seenSinceNs >= settleTimeNs) {
            reported = seen;
            return Optional.of(state);
        }
        return Optional.empty();
    }
}
