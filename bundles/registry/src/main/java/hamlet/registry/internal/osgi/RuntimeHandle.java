package hamlet.registry.internal.osgi;

import hamlet.registry.internal.LocalActorSystem;
import hamlet.registry.internal.Rejections;

import java.util.Optional;

/**
 * How the other components of this bundle reach the registry's runtime: an internal service, registered by
 * {@link RegistryComponent} beside the {@link hamlet.api.ActorSystem} service. They reference this, not the
 * ActorSystem service, so that another ActorSystem registered beside ours (a decorator, a cluster-aware facade, a
 * testkit fake) is never cast to ours. Its package is not exported: no other bundle can see or offer it.
 *
 * <p>Threading: every method from any thread; the runtime in force is read from a volatile.
 */
public interface RuntimeHandle {
    /**
     * @return the runtime in force, or empty while it is stopped (between a deactivation and the next activation,
     *     or when configuration is missing)
     */
    Optional<LocalActorSystem> runtime();

    /** @return the refusals of behaviour jars, kept across activations of the runtime */
    Rejections rejections();

    /** @return the running node's id, or {@code "-"} while the runtime is stopped: for log lines */
    String nodeIdOrUnknown();
}
