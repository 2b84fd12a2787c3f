package hamlet.registry.internal.osgi;

import hamlet.config.Sections;
import hamlet.registry.internal.ActorReconciler;
import hamlet.registry.internal.ActorsSettings;
import hamlet.registry.internal.LocalActorSystem;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Wires {@link ActorReconciler} to PID {@code hamlet.actors}: the declared actors are spawned when the node's
 * runtime is up and reconciled on every live edit; a behaviour registered later spawns the actors waiting for it.
 * Its own component (not the registry's) so that the runtime never waits for this section.
 *
 * <p>Threading: Declarative Services calls activate, modified and deactivate, serialized by the reconciler.
 */
@Component(configurationPid = "hamlet.actors", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class ActorsComponent {
    private static final Logger LOG = LoggerFactory.getLogger(ActorsComponent.class);

    /** The registry's runtime, through its internal handle: never a cast of whatever ActorSystem is registered. */
    @Reference
    private RuntimeHandle handle;

    private ActorReconciler reconciler;
    private Runnable stopListening;

    @Activate
    void activate(final Map<String, Object> properties) {
        final LocalActorSystem runtime = runtimeInForce();
        reconciler = new ActorReconciler(runtime);
        stopListening = runtime.onBehaviorRegistered(reconciler::behaviorRegistered);
        apply(runtime, properties);
    }

    @Modified
    void modified(final Map<String, Object> properties) {
        apply(runtimeInForce(), properties);
    }

    @Deactivate
    void deactivate() {
        if (stopListening != null) {
            stopListening.run();
        }
    }

    /**
     * @return the runtime: DS activates this component only while the handle is registered, which is while the
     *     runtime runs, so none here is a wiring fault, not a state to handle
     */
    private LocalActorSystem runtimeInForce() {
        return handle.runtime().orElseThrow(() -> new IllegalStateException(
            "hamlet.actors applied while the actor runtime of this node is stopped"));
    }

    private void apply(final LocalActorSystem runtime, final Map<String, Object> properties) {
        try {
            reconciler.apply(ActorsSettings.from(Sections.fromProperties(properties,
                ActorsComponent.class.getClassLoader())));
        } catch (final IllegalArgumentException e) {
            // The validator refuses such edits first; this is the last line of defence.
            LOG.error("[{}] hamlet.actors not applied, the actors in force stay: {}", runtime.nodeId(),
                e.getMessage());
        }
    }
}
