package hamlet.registry.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import hamlet.api.ActorSpec;
import hamlet.api.cluster.ClusterActorSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The actors declared in config, section {@code hamlet.actors}: each entry {@code NAME { behavior, group, instances,
 * config, placement }} expanded into the specs of the actors it stands for: {@code NAME} alone when {@code instances}
 * is not given, else {@code NAME-1} .. {@code NAME-N} (so that scaling a set never renames its first member).
 * Immutable; checked at construction with messages naming the key.
 *
 * <p>{@code placement}: {@code node} (the default) runs the actors on this node; {@code cluster} declares one cluster
 * actor named NAME (no {@code instances}: a cluster actor is one actor cluster-wide); {@code spread} declares
 * {@code instances} cluster actors NAME-1 .. NAME-N in the entry's group, which is NAME when the entry names none
 * (a spread set is reached as {@code *:NAME}). Cluster actors are not spawned here: placement runs each on one node.
 *
 * @param specs the node-bound actors to run, by name, sorted
 * @param cluster the cluster actors declared, by name, sorted
 */
public record ActorsSettings(Map<String, ActorSpec> specs, Map<String, ClusterActorSpec> cluster) {
    static final String SECTION = "hamlet.actors";
    /** Most instances one entry may ask for: a typo of 100000 should not spawn a hundred thousand actors. */
    static final int MAX_INSTANCES = 10_000;
    private static final Set<String> ENTRY_KEYS = Set.of("behavior", "group", "instances", "config", "placement");

    /** Copies the maps. */
    public ActorsSettings {
        specs = Collections.unmodifiableMap(new TreeMap<>(specs));
        cluster = Collections.unmodifiableMap(new TreeMap<>(cluster));
    }

    /** @param specs node-bound actors only */
    public ActorsSettings(final Map<String, ActorSpec> specs) {
        this(specs, Map.of());
    }

    /**
     * @param root a whole config, rooted at the top
     * @return the actors declared under {@code hamlet.actors}; none when it is absent or empty
     * @throws IllegalArgumentException naming the first entry or key that is wrong
     */
    public static ActorsSettings from(final Config root) {
        if (!root.hasPath(SECTION)) {
            return new ActorsSettings(Map.of());
        }
        final ConfigValue section = root.getValue(SECTION);
        if (section.valueType() != ConfigValueType.OBJECT) {
            throw new IllegalArgumentException(SECTION + " must be an object of actor entries, got "
                + section.valueType().name().toLowerCase());
        }
        final Map<String, ActorSpec> specs = new LinkedHashMap<>();
        final Map<String, ClusterActorSpec> cluster = new LinkedHashMap<>();
        for (final Map.Entry<String, ConfigValue> entry : new TreeMap<>((ConfigObject) section).entrySet()) {
            final Placement placement = placement(entry.getKey(), entry.getValue());
            for (final ActorSpec spec : entry(entry.getKey(), entry.getValue(), placement)) {
                if (specs.containsKey(spec.name()) || cluster.containsKey(spec.name())) {
                    throw new IllegalArgumentException(SECTION + "." + entry.getKey() + " declares actor '"
                        + spec.name() + "', which another entry of " + SECTION + " declares too");
                }
                if (placement == Placement.NODE) {
                    specs.put(spec.name(), spec);
                } else {
                    cluster.put(spec.name(), new ClusterActorSpec(spec, placement == Placement.SPREAD));
                }
            }
        }
        return new ActorsSettings(specs, cluster);
    }

    /** Where an entry's actors run. */
    enum Placement { NODE, CLUSTER, SPREAD }

    private static Placement placement(final String name, final ConfigValue value) {
        final String key = SECTION + "." + name + ".placement";
        if (value.valueType() != ConfigValueType.OBJECT || !((ConfigObject) value).containsKey("placement")) {
            return Placement.NODE;
        }
        final ConfigValue given = ((ConfigObject) value).get("placement");
        final Object raw = given.unwrapped();
        if (given.valueType() == ConfigValueType.STRING) {
            switch ((String) raw) {
                case "node":
                    return Placement.NODE;
                case "cluster":
                    return Placement.CLUSTER;
                case "spread":
                    return Placement.SPREAD;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(key + " must be node, cluster or spread, got '" + raw + "' ("
            + given.origin().description() + ")");
    }

    private static java.util.List<ActorSpec> entry(final String name, final ConfigValue value,
                                                    final Placement placement) {
        final String key = SECTION + "." + name;
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new IllegalArgumentException(key + " must be an object { behavior = ..., group = ..., instances ="
                + " N, config { } }, got " + value.valueType().name().toLowerCase());
        }
        final Config entry = ((ConfigObject) value).toConfig();
        for (final String child : ((ConfigObject) value).keySet()) {
            if (!ENTRY_KEYS.contains(child)) {
                throw new IllegalArgumentException(key + "." + child + " is not a known key; an actor entry has "
                    + new java.util.TreeSet<>(ENTRY_KEYS));
            }
        }
        if (!entry.hasPath("behavior")) {
            throw new IllegalArgumentException(key + ".behavior is missing: name the behaviour the actor runs");
        }
        final String behavior = string(entry, key, "behavior");
        if (placement == Placement.CLUSTER && entry.hasPath("instances")) {
            throw new IllegalArgumentException(key + ".instances is not allowed with placement = cluster: a cluster "
                + "actor is one actor in the whole cluster; use placement = spread for a set of instances");
        }
        if (placement == Placement.SPREAD && !entry.hasPath("instances")) {
            throw new IllegalArgumentException(key + ".instances is missing: placement = spread spreads "
                + "instances = N cluster actors " + name + "-1 .. " + name + "-N over the cluster");
        }
        final String group = entry.hasPath("group") ? string(entry, key, "group")
            : placement == Placement.SPREAD ? name : null;
        final int instances;
        try {
            instances = entry.hasPath("instances") ? entry.getInt("instances") : 1;
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + ".instances must be an integer: " + e.getMessage(), e);
        }
        if (instances < 1 || instances > MAX_INSTANCES) {
            throw new IllegalArgumentException(key + ".instances must be 1 to " + MAX_INSTANCES + ", got "
                + instances);
        }
        final JsonObject config;
        if (entry.hasPath("config")) {
            final ConfigValue block = entry.getValue("config");
            if (block.valueType() != ConfigValueType.OBJECT) {
                throw new IllegalArgumentException(key + ".config must be an object, got "
                    + block.valueType().name().toLowerCase());
            }
            config = JsonParser.parseString(block.render(ConfigRenderOptions.concise().setJson(true)))
                .getAsJsonObject();
        } else {
            config = new JsonObject();
        }
        final java.util.List<ActorSpec> specs = new java.util.ArrayList<>(instances);
        try {
            if (!entry.hasPath("instances")) {
                specs.add(new ActorSpec(name, behavior, group, config));
            } else {
                for (int i = 1; i <= instances; i++) {
                    specs.add(new ActorSpec(name + "-" + i, behavior, group, config.deepCopy()));
                }
            }
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
        return specs;
    }

    private static String string(final Config entry, final String key, final String child) {
        try {
            final String value = entry.getString(child);
            if (value.isBlank()) {
                throw new IllegalArgumentException(key + "." + child + " must not be empty");
            }
            return value;
        } catch (final ConfigException e) {
            throw new IllegalArgumentException(key + "." + child + " must be a string: " + e.getMessage(), e);
        }
    }
}
