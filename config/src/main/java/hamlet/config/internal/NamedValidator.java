package hamlet.config.internal;

import hamlet.config.SettingsValidator;

/**
 * A validator and the section it guards.
 *
 * @param section the section's name under {@code hamlet}, e.g. {@code registry}
 * @param validator the check
 */
record NamedValidator(String section, SettingsValidator validator) {
}
