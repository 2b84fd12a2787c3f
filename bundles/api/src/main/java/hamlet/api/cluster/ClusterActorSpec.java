package hamlet.api.cluster;

import hamlet.api.ActorSpec;

import java.util.Objects;

/**
 * An actor that lives once in the whole cluster rather than on one node: declared with {@code placement = cluster}
 * (one actor) or {@code placement = spread} with {@code instances = N} (N such actors sharing a group) in
 * {@code hamlet.actors}, or at spawn. Placement runs it on the member chosen by rendezvous hashing.
 *
 * @param spec name, behaviour, group and config of the actor, as for a node-bound actor
 * @param spread whether it is one instance of a spread set: such instances also move off an overloaded member
 */
public record ClusterActorSpec(ActorSpec spec, boolean spread) {
    public ClusterActorSpec {
        Objects.requireNonNull(spec, "spec");
    }

    /** @return the actor's name, cluster-wide */
    public String name() {
        return spec.name();
    }
}
