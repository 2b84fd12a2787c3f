package hamlet.config;

import com.typesafe.config.Config;

import java.nio.file.Path;

/**
 * Checks a proposed config before it is applied, beyond what types and known keys can say (ranges, rules across
 * keys). Registered as an OSGi service by the bundle that owns a section, with the property
 * {@value #SECTION_PROPERTY} set to the section's name (e.g. {@code registry}). The config bundle calls every
 * validator with the whole proposed config and applies nothing unless all accept it.
 *
 * <p>Threading: called from the config bundle's watcher thread; must be fast and side-effect free.
 */
public interface SettingsValidator {
    /** The service property naming the section a validator checks. */
    String SECTION_PROPERTY = "hamlet.config.section";

    /**
     * @param proposed the whole proposed config, resolved, with every bundle's defaults beneath it
     * @throws IllegalArgumentException naming the key and what is wrong with it
     */
    void validate(Config proposed);

    /**
     * What the config bundle calls. A validator whose section names a file (a token file, a certificate) overrides
     * it to check that file too, so that an edit naming a missing one is refused like any bad value: at start the
     * node does not start (one line, exit 2 under the Hamlet launcher), and a live edit leaves the config in force.
     * A relative path is resolved against {@code configFolder}, as the owning bundle resolves it when it applies
     * the section ({@link Sections#configFolder}).
     *
     * @param proposed the whole proposed config, resolved, with every bundle's defaults beneath it
     * @param configFolder the folder of the node's config file
     * @throws IllegalArgumentException naming the key and what is wrong with it; never the value of a secret
     *     ({@link Secrets})
     * @since 1.3
     */
    default void validate(final Config proposed, final Path configFolder) {
        validate(proposed);
    }
}
