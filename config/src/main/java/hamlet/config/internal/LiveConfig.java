package hamlet.config.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import hamlet.config.ConfigStatus;
import hamlet.config.Secrets;
import hamlet.config.Sections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The config in force and the rules for changing it: load at start, re-load on a settled file edit or when bundles
 * with a reference.conf come or go, apply a valid result (push the changed sections), refuse an invalid one (keep
 * the config in force, count and report the refusal).
 *
 * <p>A refusal stays visible in {@link ConfigStatus#lastRejection()} until the next successful apply clears it.
 * At start a broken file either stops the node from starting ({@code refuseBrokenStart}: nothing is pushed, and
 * {@link #startRefusal()} says why, for a launcher that reports it) or leaves the node on the references and
 * overrides, with the refusal shown, so that the operator can fix the file while the node runs (for a launcher
 * that would not report it). When bundles change while the file is refused after something was applied, the config
 * in force gains the new bundles' defaults (their sections are pushed) and the refusal stays.
 *
 * <p>Threading: {@link #start} runs on the activating thread before the watcher thread starts; every other
 * mutating method runs on the watcher thread. {@link #status()}, {@link #nodeId()} may be called from any thread.
 */
final class LiveConfig {
    private static final Logger LOG = LoggerFactory.getLogger(LiveConfig.class);
    private static final String UNKNOWN_NODE = "?";

    /** Why a load runs; words for the log. */
    enum Cause {
        FIRST_LOAD("first load", "first load"),
        FILE_EDIT("edit", "file edited"),
        BUNDLES_CHANGED("reload after a bundle change", "bundles with a reference.conf changed"),
        START_FALLBACK("first load", "defaults and overrides only, the file is refused"),
        NEW_DEFAULTS("reload after a bundle change", "new bundles' defaults added, the file is still refused");

        private final String noun;
        private final String reason;

        Cause(final String noun, final String reason) {
            this.noun = noun;
            this.reason = reason;
        }
    }

    /** The bundle's own section is checked like any other, without waiting for the service registry. */
    private static final NamedValidator OWN = new NamedValidator("config", ConfigSettings::from);

    private final String fileName;
    private final ConfigLoader loader;
    private final SectionPusher pusher;
    private final Supplier<List<NamedValidator>> validators;
    private final List<Overrides.Override> overrides;
    private final List<String> overrideNameProblems;
    private final Clock clock;
    private final Set<String> reported = new HashSet<>();
    private final boolean refuseBrokenStart;
    private final Consumer<Config> onApplied;
    private volatile Optional<Refusal> startRefusal = Optional.empty();

    private Config references = ConfigFactory.empty();
    private Optional<String> fileText = Optional.empty();
    private Config inForce = ConfigFactory.empty();
    private ConfigSettings settings = ConfigSettings.LAST_RESORT;

    private volatile StatusSnapshot status;
    private volatile String nodeId = UNKNOWN_NODE;

    /**
     * @param fileName the watched file, for messages and the status
     * @param pusher where applied sections go
     * @param validators the bundles' validators, asked anew at each load
     * @param overrides the environment and system property overrides
     * @param clock the wall clock for appliedAt and refusal times
     */
    LiveConfig(final String fileName, final SectionPusher pusher, final Supplier<List<NamedValidator>> validators,
               final Overrides.Result overrides, final Clock clock) {
        this(fileName, pusher, validators, overrides, clock, false);
    }

    /**
     * @param refuseBrokenStart true to push nothing when the file is refused at the first load (the launcher then
     *     reports {@link #startRefusal()} and stops), false to run on the references and overrides instead
     */
    LiveConfig(final String fileName, final SectionPusher pusher, final Supplier<List<NamedValidator>> validators,
               final Overrides.Result overrides, final Clock clock, final boolean refuseBrokenStart) {
        this(fileName, pusher, validators, overrides, clock, refuseBrokenStart, applied -> { });
    }

    /**
     * @param onApplied told of each config applied, after its sections were pushed (the node identity follows it);
     *     called on the thread that applies, and what it throws is logged, not passed on
     */
    LiveConfig(final String fileName, final SectionPusher pusher, final Supplier<List<NamedValidator>> validators,
               final Overrides.Result overrides, final Clock clock, final boolean refuseBrokenStart,
               final Consumer<Config> onApplied) {
        this.refuseBrokenStart = refuseBrokenStart;
        this.onApplied = onApplied;
        this.fileName = fileName;
        this.loader = new ConfigLoader(fileName);
        this.pusher = pusher;
        this.validators = validators;
        this.overrides = overrides.entries();
        this.overrideNameProblems = overrides.problems();
        this.clock = clock;
        this.status = StatusSnapshot.initial(fileName);
    }

    /** The first load. A missing file means references and overrides; a broken one, the same plus a refusal. */
    void start(final FileState file, final ReferenceSet.Merged merged) {
        references = merged.config();
        switch (file.kind()) {
            case PRESENT -> {
                fileText = Optional.of(file.text());
                reload(Cause.FIRST_LOAD);
            }
            case MISSING -> {
                reload(Cause.FIRST_LOAD);
                LOG.info("[{}] no config file at {}: running on defaults and overrides", nodeId, fileName);
            }
            case UNREADABLE -> {
                final Refusal refusal = new Refusal(fileName, -1, "cannot read the file: " + file.error());
                if (refuseBrokenStart) {
                    startRefusal = Optional.of(refusal);
                } else {
                    reload(Cause.FIRST_LOAD);
                }
                reject(refusal, Cause.FIRST_LOAD);
            }
            default -> throw new IllegalStateException("unknown kind " + file.kind());
        }
        reportOnce(merged.problems());
        reportOnce(overrideNameProblems);
    }

    /** A settled change of the file. */
    void onFileChanged(final FileState file) {
        switch (file.kind()) {
            case MISSING -> LOG.warn("[{}] config file {} is gone; keeping the config applied at {}", nodeId,
                fileName, status.appliedAt());
            case UNREADABLE -> reject(new Refusal(fileName, -1, "cannot read the file: " + file.error()),
                Cause.FILE_EDIT);
            case PRESENT -> {
                if (fileText.equals(Optional.of(file.text())) && status.lastRejection().isEmpty()) {
                    return; // touched, not edited
                }
                fileText = Optional.of(file.text());
                reload(Cause.FILE_EDIT);
            }
            default -> throw new IllegalStateException("unknown kind " + file.kind());
        }
    }

    /** A bundle with a reference.conf came, went or was updated: its keys are now known, or no longer. */
    void onReferencesChanged(final ReferenceSet.Merged merged) {
        references = merged.config();
        reportOnce(merged.problems());
        reload(Cause.BUNDLES_CHANGED);
    }

    /**
     * @return why the file was refused at the first load when {@code refuseBrokenStart} is set (nothing was pushed
     *     then); empty otherwise. Any thread.
     */
    Optional<Refusal> startRefusal() {
        return startRefusal;
    }

    /** @return the config bundle's own settings from the config in force */
    ConfigSettings settings() {
        return settings;
    }

    /** @return the config in force, resolved */
    Config inForce() {
        return inForce;
    }

    /** @return the status; any thread */
    StatusSnapshot status() {
        return status;
    }

    /** @return {@code hamlet.node.id} of the config in force; any thread */
    String nodeId() {
        return nodeId;
    }

    private void reload(final Cause cause) {
        final ConfigLoader.Vetted vetted = loader.vetOverrides(overrides, references);
        final ConfigLoader.Outcome outcome = loader.propose(fileText, references, vetted.config(), allValidators());
        if (outcome instanceof ConfigLoader.Applied applied) {
            apply(applied.config(), cause);
        } else {
            final Refusal refusal = ((ConfigLoader.Refused) outcome).refusal();
            if (cause == Cause.FIRST_LOAD && refuseBrokenStart) {
                startRefusal = Optional.of(refusal);
            } else if (cause == Cause.FIRST_LOAD) {
                apply(firstLoadFallback(vetted.config()), Cause.START_FALLBACK);
            } else if (cause == Cause.BUNDLES_CHANGED && status.appliedCount() > 0) {
                // Not before anything was applied: a start refused on purpose must not be undone by defaults.
                withNewDefaults(vetted.config()).ifPresent(extended -> apply(extended, Cause.NEW_DEFAULTS));
            }
            reject(refusal, cause);
        }
        reportOnce(vetted.problems()); // after the apply, so that the first load's lines carry the node id
    }

    private Config firstLoadFallback(final Config vettedOverrides) {
        try {
            return loader.defaults(references, vettedOverrides);
        } catch (final ConfigException e) {
            LOG.error("[{}] the bundles' reference.conf files do not resolve, running on an empty config: {}",
                nodeId, e.getMessage());
            return ConfigFactory.empty();
        }
    }

    /** The config in force plus the defaults of bundles it did not know; empty when that adds nothing. */
    private Optional<Config> withNewDefaults(final Config vettedOverrides) {
        try {
            final Config extended = vettedOverrides.withFallback(inForce).withFallback(references).resolve();
            return extended.root().equals(inForce.root()) ? Optional.empty() : Optional.of(extended);
        } catch (final ConfigException e) {
            return Optional.empty();
        }
    }

    private List<NamedValidator> allValidators() {
        final List<NamedValidator> all = new ArrayList<>();
        all.add(OWN);
        all.addAll(validators.get());
        return all;
    }

    private void apply(final Config config, final Cause cause) {
        final SectionPusher.Result result = pusher.push(config);
        inForce = config;
        nodeId = nodeIdOf(config);
        settings = settingsOf(config);
        status = status.applied(renderHocon(config), renderJson(config), clock.instant());
        LOG.info("[{}] config applied ({}): {}", nodeId, cause.reason,
            result.pushed().isEmpty() ? "no section changed" : "pushed " + String.join(", ", result.pushed()));
        for (final String failure : result.failed()) {
            LOG.error("[{}] could not push {}; it is pushed again at the next apply", nodeId, failure);
        }
        try {
            onApplied.accept(config);
        } catch (final RuntimeException e) {
            LOG.error("[{}] after the config was applied: {}", nodeId, e.toString(), e);
        }
    }

    private void reject(final Refusal refusal, final Cause cause) {
        final Instant keptSince = status.appliedAt();
        status = status.rejected(new ConfigStatus.Rejection(refusal.file(), refusal.line(), refusal.message(),
            clock.instant()));
        if (cause == Cause.FIRST_LOAD && refuseBrokenStart) {
            // The launcher reports it as the one line of a failed start; the same line here would be a second one.
            LOG.debug("[{}] config file refused at start: {}: {}", nodeId, refusal.where(), refusal.message());
        } else if (cause == Cause.FIRST_LOAD) {
            LOG.error("[{}] config file broken at start: {}: {}; running on defaults and overrides until it is fixed",
                nodeId, refusal.where(), refusal.message());
        } else {
            LOG.warn(refusedLine(nodeId, cause, refusal, keptSince));
        }
    }

    /** The one line a refused edit leaves in the log. */
    static String refusedLine(final String nodeId, final Cause cause, final Refusal refusal, final Instant keptSince) {
        return "[" + nodeId + "] config " + cause.noun + " refused: " + refusal.where() + ": " + refusal.message()
            + "; keeping the config applied at " + keptSince;
    }

    private ConfigSettings settingsOf(final Config config) {
        try {
            return ConfigSettings.from(config);
        } catch (final IllegalArgumentException e) {
            LOG.error("[{}] {}; keeping the watcher's timing", nodeId, e.getMessage());
            return settings;
        }
    }

    private static String nodeIdOf(final Config config) {
        try {
            return config.hasPath("hamlet.node.id") ? config.getString("hamlet.node.id") : UNKNOWN_NODE;
        } catch (final ConfigException e) {
            return UNKNOWN_NODE;
        }
    }

    private void reportOnce(final List<String> problems) {
        for (final String problem : problems) {
            if (reported.add(problem)) {
                LOG.error("[{}] {}", nodeId, problem);
            }
        }
    }

    /** The config in force for people ({@code config:show}): secrets redacted ({@link Secrets}). */
    static String renderHocon(final Config config) {
        return Secrets.redact(config.withOnlyPath(Sections.ROOT)).root().render(ConfigRenderOptions.defaults()
            .setJson(false).setComments(true).setOriginComments(true).setFormatted(true));
    }

    /** The config in force for programs ({@code GET /api/config}): secrets redacted ({@link Secrets}). */
    static String renderJson(final Config config) {
        return Secrets.redact(config.withOnlyPath(Sections.ROOT)).root().render(ConfigRenderOptions.concise());
    }
}
