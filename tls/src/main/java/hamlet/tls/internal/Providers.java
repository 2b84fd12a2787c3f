package hamlet.tls.internal;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

import java.security.Provider;
import java.security.Security;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Bouncy Castle providers (BC, BCJSSE) in the JVM's list, added only when TLS starts, and removed by the bundle's
 * stop if this bundle added them. Providers are JVM-wide: they go last in preference, so what other code gets from a
 * plain {@code SSLContext.getInstance("TLS")} stays the JDK's, and this node asks for BCJSSE by name; one some other
 * code added first under the same name is used as it is and left in place.
 *
 * <p>Not at bundle start: with both registered on a node whose links are plain, the cluster bench's seeds scenario
 * measured a one-way p99 of about 20 ms (12 passes) against about 10 ms with them left out (4 passes) and 12.6 ms
 * before this bundle existed (6 passes); p50 and CPU were the same. A node without TLS has no use for them.
 *
 * <p>Thread-safe.
 */
public final class Providers {
    private static final AtomicBoolean ADDED_BC = new AtomicBoolean();
    private static final AtomicBoolean ADDED_JSSE = new AtomicBoolean();

    private Providers() {
    }

    /** Adds what is missing; called by whatever starts TLS, in or outside OSGi (the bench's handshake probe). */
    public static synchronized void ensure() {
        if (add(new BouncyCastleProvider())) {
            ADDED_BC.set(true);
        }
        if (add(JsseProvider.create())) {
            ADDED_JSSE.set(true);
        }
    }

    /** Removes what {@link #ensure} added. */
    static synchronized void removeAdded() {
        if (ADDED_JSSE.getAndSet(false)) {
            Security.removeProvider(BouncyCastleJsseProvider.PROVIDER_NAME);
        }
        if (ADDED_BC.getAndSet(false)) {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        }
    }

    private static boolean add(final Provider provider) {
        return Security.getProvider(provider.getName()) == null && Security.addProvider(provider) > 0;
    }
}
