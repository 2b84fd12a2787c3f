package hamlet.config;

import com.typesafe.config.Config;

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
}
