package hamlet.tls.internal;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The bundle's start and stop: the Bouncy Castle providers are added when TLS starts ({@link Providers#ensure}),
 * not here, and removed here when the bundle stops, if it added them.
 */
public final class ProvidersActivator implements BundleActivator {
    @Override
    public void start(final BundleContext context) {
        // Nothing: see Providers for why the providers wait for TLS to start.
    }

    @Override
    public void stop(final BundleContext context) {
        Providers.removeAdded();
    }
}
