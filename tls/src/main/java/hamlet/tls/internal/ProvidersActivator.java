package hamlet.tls.internal;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Provider;
import java.security.Security;

/**
 * Adds the Bouncy Castle providers (BC, BCJSSE) to the JVM when the bundle starts and removes them when it stops.
 * Providers are JVM-wide, so they are added last in preference: what other code gets from a plain
 * {@code SSLContext.getInstance("TLS")} stays the JDK's; this node asks for BCJSSE by name. A provider some other
 * code added under the same name first is used as it is and left in place at stop.
 */
public final class ProvidersActivator implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(ProvidersActivator.class);

    private boolean addedBc;
    private boolean addedJsse;

    @Override
    public void start(final BundleContext context) {
        addedBc = add(new BouncyCastleProvider());
        addedJsse = add(JsseProvider.create());
        LOG.debug("Bouncy Castle providers: BC {}, BCJSSE {}", addedBc ? "added" : "already there",
            addedJsse ? "added" : "already there");
    }

    @Override
    public void stop(final BundleContext context) {
        if (addedJsse) {
            Security.removeProvider(BouncyCastleJsseProvider.PROVIDER_NAME);
        }
        if (addedBc) {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        }
    }

    private static boolean add(final Provider provider) {
        return Security.getProvider(provider.getName()) == null && Security.addProvider(provider) > 0;
    }
}
