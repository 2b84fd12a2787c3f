package hamlet.it.container.faulty;

import com.google.gson.JsonElement;
import hamlet.api.Actor;
import hamlet.api.ActorBehavior;
import hamlet.api.ActorContext;
import hamlet.api.ActorSpec;
import hamlet.api.Message;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A behaviour bundle that fails on purpose, built by FaultyBundlesIT from these very classes: it registers a
 * {@code counter} behaviour whose {@code create} throws (manifest header {@value #MODE}: create) or whose actors'
 * {@code restore} throws (restore). Not part of the probe's own work: only its class files are used.
 */
public final class FaultyActivator implements BundleActivator {
    /** The manifest header choosing what fails. */
    public static final String MODE = "Faulty-Mode";
    /** The manifest header naming the behaviour; {@code counter} when absent. */
    public static final String NAME = "Faulty-Name";

    @Override
    public void start(final BundleContext context) {
        final String mode = context.getBundle().getHeaders().get(MODE);
        final Hashtable<String, Object> properties = new Hashtable<>();
        final String name = context.getBundle().getHeaders().get(NAME);
        properties.put(ActorBehavior.NAME_PROPERTY, name == null ? "counter" : name);
        context.registerService(ActorBehavior.class, new Behavior(mode), properties);
    }

    @Override
    public void stop(final BundleContext context) {
        // The framework unregisters the service.
    }

    /** Fails in create, or makes actors that fail in restore. */
    static final class Behavior implements ActorBehavior {
        private final String mode;

        Behavior(final String mode) {
            this.mode = mode;
        }

        @Override
        public Actor create(final ActorSpec spec) {
            if ("create".equals(mode)) {
                throw new IllegalStateException("create fails on purpose");
            }
            return new Restoring();
        }
    }

    /** Refuses every state. */
    static final class Restoring implements Actor {
        @Override
        public void onMessage(final Message message, final ActorContext context) {
            // Never reached: the swap to it fails.
        }

        @Override
        public void restore(final JsonElement state) {
            throw new IllegalStateException("restore fails on purpose");
        }
    }
}
