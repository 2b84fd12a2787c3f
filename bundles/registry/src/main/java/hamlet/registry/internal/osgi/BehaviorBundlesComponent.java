package hamlet.registry.internal.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import java.time.Clock;

/**
 * Runs {@link BehaviorBundles} (refresh of swapped-out behaviour bundles, refusals of jars that are not bundles or do
 * not resolve) while the registry runs, reporting into the registry's refusals.
 */
@Component(immediate = true, service = BehaviorBundlesComponent.class)
public final class BehaviorBundlesComponent {
    /** The registry's internal handle: its refusals and node id, never a cast of the ActorSystem service. */
    @Reference
    private RuntimeHandle handle;

    private BehaviorBundles bundles;

    @Activate
    void activate(final BundleContext context) {
        bundles = new BehaviorBundles(context, handle.rejections(), handle::nodeIdOrUnknown, Clock.systemUTC());
        bundles.open();
    }

    @Deactivate
    void deactivate() {
        bundles.close();
    }

    /** @return how many refreshes were asked for, for tests */
    public long refreshes() {
        return bundles.refreshes();
    }
}
