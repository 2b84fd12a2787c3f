package hamlet.registry.internal.osgi;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;

import java.util.Map;

/**
 * Where an ActorBehavior service comes from: its bundle's symbolic name and version, found through the
 * {@code service.bundleid} property the framework puts on every service. Outside a framework (unit tests) both are
 * unknown.
 *
 * @param version the bundle's version, or null when not known
 * @param bundle the bundle's symbolic name, or null when not known
 */
record BehaviorOrigin(String version, String bundle) {
    /** Not known. */
    static final BehaviorOrigin UNKNOWN = new BehaviorOrigin(null, null);

    /**
     * @param properties a service's properties, as Declarative Services passes them
     * @return its bundle's name and version, or {@link #UNKNOWN}
     */
    static BehaviorOrigin of(final Map<String, Object> properties) {
        final Object id = properties.get(Constants.SERVICE_BUNDLEID);
        final Bundle self = FrameworkUtil.getBundle(BehaviorOrigin.class);
        final BundleContext context = self == null ? null : self.getBundleContext();
        if (!(id instanceof Long) || context == null) {
            return UNKNOWN;
        }
        final Bundle bundle = context.getBundle((Long) id);
        return bundle == null ? UNKNOWN : new BehaviorOrigin(bundle.getVersion().toString(), bundle.getSymbolicName());
    }
}
