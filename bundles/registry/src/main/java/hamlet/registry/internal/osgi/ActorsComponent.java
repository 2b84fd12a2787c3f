package hamlet.registry.internal.osgi;

import hamlet.api.ActorSystem;
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

    @Reference
    private ActorSystem actorSystem;

    private ActorReconciler reconciler;
    private Runnable stopListening;

    @Activate
    void activate(final Map<String, Object> properties) {
        final LocalActorSystem runtime = ((RegistryComponent) actorSystem).runtime();
        reconciler = new ActorReconciler(runtime);
        stopListening = runtime.onBehaviorRegistered(reconciler::behaviorRegistered);
        apply(runtime, properties);
    }

    @Modified
    void modified(final Map<String, Object> properties) {
        apply(((RegistryComponent) actorSystem).runtime(), properties);
    }

    @Deactivate
    void deactivate() {
        if (stopListening != null) {
            stopListening.run();
        }
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
