package hamlet.api;

import com.google.gson.JsonObject;

/**
 * What an actor is to be: its name, the behaviour it runs, the group it joins and its own config.
 *
 * @param name the actor's name, unique on its node
 * @param behavior the behaviour's name ({@link ActorBehavior#NAME_PROPERTY})
 * @param group the group the actor belongs to, addressed as {@code *:group}; {@code null} for none
 * @param config the actor's own settings; an empty object when none are given. Treat as read-only.
 */
public record ActorSpec(String name, String behavior, String group, JsonObject config) {
    /**
     * Checks every field.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public ActorSpec {
        Address.checkName("actor name", name);
        if (behavior == null || behavior.isBlank()) {
            throw new IllegalArgumentException("behavior is empty for actor '" + name + "'");
        }
        if (group != null) {
            Address.checkName("group name", group);
        }
        config = config == null ? new JsonObject() : config;
    }

    /**
     * @param behavior the behaviour's name
     * @param name the actor's name
     * @return a spec with no group and no config
     */
    public static ActorSpec of(final String behavior, final String name) {
        return new ActorSpec(name, behavior, null, null);
    }
}
