package hamlet.kernel;

import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Packed into a test bundle that vetoes the boot the way the config bundle does when it refuses the conf file, but
 * only when the launcher says it reports vetoes.
 */
public final class VetoingActivator implements BundleActivator {
    static final String LINE = "config file /opt/hamlet/conf/node.conf:5 refused at start: "
        + "hamlet.cluster.seeds entry 'ftp://x' is not a peer address";

    @Override
    public void start(final BundleContext context) {
        if (Boolean.parseBoolean(context.getProperty("hamlet.boot.vetoes.reported"))) {
            final Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("hamlet.boot.veto", LINE);
            context.registerService(Object.class, new Object(), properties);
        }
    }

    @Override
    public void stop(final BundleContext context) {
        // the framework unregisters the veto
    }
}
