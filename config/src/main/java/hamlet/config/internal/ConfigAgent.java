package hamlet.config.internal;

import java.util.Optional;

/**
 * The config bundle's one loop body: each tick re-loads when the bundles' references changed, and hands a settled
 * file change to {@link LiveConfig}. Driven by {@link WatcherThread} with the real nano time, by tests with a fake
 * one.
 *
 * <p>Threading: {@link #start} on the activating thread, then {@link #onTick} on the watcher thread only.
 */
final class ConfigAgent {
    private final FileSource source;
    private final ReferenceSet references;
    private final LiveConfig live;
    private final FileWatcher watcher;
    private long seenGeneration;

    ConfigAgent(final FileSource source, final ReferenceSet references, final LiveConfig live) {
        this.source = source;
        this.references = references;
        this.live = live;
        this.watcher = new FileWatcher(source, ConfigSettings.LAST_RESORT);
    }

    /** The first load: read the file now, without waiting for it to settle. */
    void start(final long nowNs) {
        seenGeneration = references.generation();
        final FileState file = source.read();
        live.start(file, references.merged());
        watcher.timing(live.settings());
        watcher.prime(file, nowNs);
    }

    /** @param nowNs the current nano time */
    void onTick(final long nowNs) {
        final long generation = references.generation();
        if (generation != seenGeneration) {
            seenGeneration = generation;
            live.onReferencesChanged(references.merged());
        }
        final Optional<FileState> settled = watcher.onTick(nowNs);
        settled.ifPresent(live::onFileChanged);
        watcher.timing(live.settings());
    }

    /** @return how long the loop may wait before the next tick */
    long idleNs() {
        return live.settings().pollIntervalNs();
    }
}
