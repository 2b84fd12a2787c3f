package hamlet.kernel;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Packed into a test bundle whose start must fail. */
public final class FailingActivator implements BundleActivator {
    @Override
    public void start(final BundleContext context) {
        throw new IllegalStateException("port 7780 already in use");
    }

    @Override
    public void stop(final BundleContext context) {
        // nothing was started
    }
}
